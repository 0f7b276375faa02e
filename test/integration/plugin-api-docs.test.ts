/**
 * `npm run docs` (TypeDoc, typedoc.json) builds the plugin API reference that docs/plugin-guide.md
 * links to, from the same declarations plugins compile against, without warnings (a warning means
 * a type a plugin sees is missing from the reference). The output is not committed (docs/api/).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { exec, REPO_ROOT, describeResult } from '../helpers/interop-exec';
import { removeDir, tempDir } from '../helpers/node-process';

let out = '';
after(async () => {
  if (out) await removeDir(out);
});

test('the plugin API reference builds without warnings and documents the pool API', { timeout: 400_000 }, async () => {
  out = await tempDir('g2g-plugin-api-');
  const r = await exec(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out], { cwd: REPO_ROOT, timeoutMs: 380_000 });
  assert.equal(r.code, 0, describeResult(r));
  // typedoc.json treats warnings as errors; say so here too, in case that setting goes.
  assert.doesNotMatch(r.stdout + r.stderr, /warning/, describeResult(r));
  const pages = readdirSync(path.join(out, 'interfaces'));
  const pool = pages.find((p) => /PluginPool\.html$/.test(p));
  assert.ok(pool, pages.join(', '));
  const html = readFileSync(path.join(out, 'interfaces', pool), 'utf8');
  for (const member of ['peersServing', 'peekOrder', 'onPeersChanged', 'fanOut']) assert.ok(html.includes(member), `${member} is documented`);
});
