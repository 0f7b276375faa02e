import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { describeConfig } from '../../src/config';

const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');

test('the README documents every config key exactly as the schema does', () => {
  assert.ok(readme.includes(describeConfig().trim()), 'README config table is stale: paste `g2g config --describe`');
});

test('the README quick start has the two commands', () => {
  assert.match(readme, /npm install && npm start/);
  assert.match(readme, /npm install && npm test/);
});
