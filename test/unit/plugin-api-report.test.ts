import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { API_REPORT_FILE, apiReport } from '../helpers/api-report';
import { REPO_ROOT } from '../helpers/interop-exec';

test('the package API (every export of g2g and g2g/testing, as the built .d.ts declares it) is the committed API report', { timeout: 60_000 }, () => {
  const committed = readFileSync(API_REPORT_FILE, 'utf8');
  const now = apiReport();
  assert.ok(now.includes('export interface PluginContext<'), 'the report holds the contract (the extraction found it)');
  // Lines that differ, in report order (a readable summary; the report itself is the reference).
  const before = new Set(committed.split('\n'));
  const after = new Set(now.split('\n'));
  const changed = [...committed.split('\n').filter((l) => !after.has(l)).map((l) => `- ${l}`), ...now.split('\n').filter((l) => !before.has(l)).map((l) => `+ ${l}`)];
  assert.ok(
    now === committed,
    `${changed.slice(0, 40).join('\n')}\nThe public API of the g2g package changed. Plugins compile against it: a change must be additive (new optional members, new exports), never a removal or a narrowing (docs/plugin-guide.md, "Compatibility"). If the change is intended, run \`npm run api:report\` and commit ${path.relative(REPO_ROOT, API_REPORT_FILE)} with it.`,
  );
});
