import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sourceFiles } from '../helpers/import-specifiers';
import { modeFromWire, modeName, modeToWire } from '../../src/transport/node-mode-wire';

test('a mode goes to g2g.v1.NodeMode and back; UNSPECIFIED and unknown values are no mode', () => {
  for (const mode of ['server', 'client'] as const) {
    assert.equal(modeFromWire(modeToWire(mode)), mode);
    assert.equal(modeName(modeToWire(mode)), mode);
  }
  assert.equal(modeToWire('server'), 'NODE_MODE_SERVER');
  assert.equal(modeToWire('client'), 'NODE_MODE_CLIENT');
  assert.equal(modeFromWire(1), 'server', 'enum numbers, for messages decoded without enum names');
  assert.equal(modeFromWire(2), 'client');
  for (const none of ['NODE_MODE_UNSPECIFIED', 0, 'server', undefined]) assert.equal(modeFromWire(none), undefined);
  assert.equal(modeName('NODE_MODE_UNSPECIFIED'), 'unspecified');
});

test('the mapping is written once: no other file of src/ spells a NodeMode value', () => {
  const SRC = path.resolve(__dirname, '../../../src');
  const copies = sourceFiles(SRC)
    .filter((file) => !file.includes(`${path.sep}generated${path.sep}`) && !file.endsWith('node-mode-wire.ts'))
    .filter((file) => /['"`]NODE_MODE_/.test(readFileSync(file, 'utf8')))
    .map((file) => path.relative(SRC, file));
  assert.deepEqual(copies, []);
});
