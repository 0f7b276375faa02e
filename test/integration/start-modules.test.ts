import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import { removeDir, startNodeProcess, tempDir } from '../helpers/node-process';

/**
 * Every module a node loads stays in its heap (source and compiled code) for its lifetime, in
 * every process of a cluster. These are the ones a running node has no use for: a test fails
 * when an import brings one back into `g2g start`.
 */
const NOT_AT_START: ReadonlyArray<[RegExp, string]> = [
  [/\/node_modules\/pino-pretty\//, 'pino-pretty (only for --log-format pretty)'],
  [/\/node_modules\/node-forge\/lib\/index\.js$/, "node-forge's index (all of forge; only x509 is used)"],
  [/\/node_modules\/node-forge\/lib\/(tls|pkcs12|pkcs7|ssh|ed25519)\.js$/, 'parts of node-forge g2g does not use'],
  [/\/node_modules\/semver\/index\.js$/, "semver's index (the manifest check uses three functions)"],
  [/\/node_modules\/cli-table3\//, 'cli-table3 (tables of the admin commands)'],
  [/\/dist\/src\/testing\//, 'the simulator (g2g simulate)'],
  [/\/dist\/src\/plugins\/scaffold\//, 'the plugin scaffold (g2g plugin init/gen)'],
];

const PRELOAD = path.resolve(__dirname, '../fixtures/preload/loaded-modules-on-exit.js');
const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await removeDir(dir);
});

test('a started node has not loaded the modules only other commands or formats need', async () => {
  const outDir = await tempDir('g2g-modules-');
  dirs.push(outDir);
  const file = path.join(outDir, 'modules.json');
  const node = await startNodeProcess({ env: { NODE_OPTIONS: `--require ${PRELOAD}`, LOADED_MODULES_FILE: file } });
  dirs.push(node.dataDir);
  assert.equal(await node.stop('SIGTERM'), 0);
  const loaded = JSON.parse(await readFile(file, 'utf8')) as string[];
  // The list is real: the node's own entry and the part of forge it signs leaves with are in it.
  assert.ok(loaded.some((m) => m.endsWith(path.join('dist', 'src', 'cli', 'main.js'))), 'the CLI entry is listed');
  assert.ok(loaded.some((m) => m.endsWith('/node_modules/node-forge/lib/x509.js')), "forge's x509 is listed");
  for (const [pattern, what] of NOT_AT_START) {
    assert.deepEqual(loaded.filter((m) => pattern.test(m)), [], `${what} is not loaded by g2g start`);
  }
});
