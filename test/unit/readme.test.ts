import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { describeConfig } from '../../src/config';

const root = path.resolve(__dirname, '../../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const configurationDoc = readFileSync(path.join(root, 'docs/configuration.md'), 'utf8');

test('docs/configuration.md documents every config key exactly as the schema does', () => {
  assert.ok(configurationDoc.includes(describeConfig().trim()), 'docs/configuration.md config table is stale: paste `g2g config --describe`');
});

test('the README quick start has the two commands', () => {
  assert.match(readme, /npm install && npm start/);
  assert.match(readme, /npm install && npm test/);
});

test('the README stays an entry page that links the configuration reference', () => {
  assert.ok(readme.split('\n').length <= 300, `README.md has ${readme.split('\n').length} lines; move depth into docs/`);
  assert.match(readme, /\]\(docs\/configuration\.md\)/);
});
