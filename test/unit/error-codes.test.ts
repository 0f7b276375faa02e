import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sourceFiles } from '../helpers/import-specifiers';

/**
 * A G2gError's `code` is what callers and tests match on, and what travels in the
 * `g2g-error-code` trailer: two classes with one code are two conditions a caller cannot tell
 * apart (or one condition defined twice, whose copies drift).
 */

const ROOT = path.resolve(__dirname, '../../..');
const CODE = /\breadonly code = '([A-Z0-9_]+)'/g;

function codes(): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const dir of ['src', 'plugins']) {
    for (const file of sourceFiles(path.join(ROOT, dir))) {
      for (const m of readFileSync(file, 'utf8').matchAll(CODE)) {
        where.set(m[1]!, [...(where.get(m[1]!) ?? []), path.relative(ROOT, file)]);
      }
    }
  }
  return where;
}

test('the scan finds the error codes', () => {
  const found = codes();
  assert.ok(found.size > 50, `only ${found.size} codes found`);
  assert.deepEqual(found.get('ERR_CONFIG'), ['src/errors.ts']);
});

test('every error code is defined by one class', () => {
  const duplicates = [...codes()].filter(([, files]) => files.length > 1).map(([code, files]) => `${code}: ${files.join(', ')}`);
  assert.deepEqual(duplicates, []);
});
