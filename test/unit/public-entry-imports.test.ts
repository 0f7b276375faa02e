import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { importSpecifiers, sourceFiles } from '../helpers/import-specifiers';

/**
 * Shipped plugins (plugins/*) and the examples are written as a plugin outside this repository
 * must be: they import g2g only through the package entry (`g2g`, `g2g/testing`), never a file
 * of src/, so the public entry is known to be enough and internals can move without breaking
 * them. Relative imports within the plugin's or example's own folder are fine.
 */

const ROOT = path.resolve(__dirname, '../../..');

function reachesIntoSrc(file: string, spec: string): boolean {
  if (spec.startsWith('.')) {
    const target = path.relative(ROOT, path.resolve(path.dirname(file), spec)).split(path.sep);
    return target[0] === 'src' || target[0] === '..';
  }
  return /^g2g\/(?!testing$)/.test(spec) && spec !== 'g2g/package.json';
}

function offenders(dir: string): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(path.join(ROOT, dir))) {
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (reachesIntoSrc(file, spec)) out.push(`${path.relative(ROOT, file)} imports ${spec}`);
    }
  }
  return out;
}

test('the check flags an import into src/ and passes the package entry', () => {
  const file = path.join(ROOT, 'plugins/kv/index.ts');
  assert.ok(reachesIntoSrc(file, '../../src/plugins/contract'));
  assert.ok(reachesIntoSrc(file, 'g2g/dist/src/plugins/contract'));
  assert.ok(!reachesIntoSrc(file, 'g2g'));
  assert.ok(!reachesIntoSrc(file, 'g2g/testing'));
  assert.ok(!reachesIntoSrc(file, './replica'));
  assert.deepEqual(importSpecifiers("import type { A } from 'g2g';\nimport { b } from '../../src/x'; // c\n"), ['g2g', '../../src/x']);
});

test('shipped plugins import g2g only through the package entry', () => {
  const files = sourceFiles(path.join(ROOT, 'plugins'));
  assert.ok(files.length >= 10, `plugins/ holds ${files.length} source files`);
  assert.deepEqual(offenders('plugins'), []);
});

test('examples import g2g only through the package entry', () => {
  assert.ok(sourceFiles(path.join(ROOT, 'examples')).length >= 2);
  assert.deepEqual(offenders('examples'), []);
});
