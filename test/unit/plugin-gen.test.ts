import assert from 'node:assert/strict';
import { copyFile, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkPlugin } from '../../src/plugins/check-plugin';
import { generatePluginTypes } from '../../src/plugins/scaffold/proto-gen';
import { REPO_ROOT } from '../helpers/interop-exec';
import { removeDir, tempDir } from '../helpers/node-process';
import { writePlugin } from '../helpers/plugin-folders';

let root = '';
before(async () => {
  root = await tempDir('g2g-plugin-gen-');
});
after(async () => {
  await removeDir(root);
});

const IMPORTING_PROTO = `syntax = "proto3";
package imports_g2g.v1;
import "g2g/v1/node.proto";
service Svc {
  rpc Ping(PingRequest) returns (PingResponse);
}
message PingRequest { string text = 1; }
message PingResponse { g2g.v1.NodeRecord node = 1; }
`;

test('plugin gen resolves g2g/v1/*.proto imports from the same include roots as the host (plugins check)', async () => {
  const dir = await writePlugin(root, 'imports-g2g', { proto: IMPORTING_PROTO });
  const checked = await checkPlugin(dir);
  assert.equal(checked.ok, true, `the host accepts the proto: ${JSON.stringify(checked)}`);
  const { outDir } = await generatePluginTypes(dir);
  const reply = await readFile(path.join(outDir, 'imports_g2g', 'v1', 'PingResponse.ts'), 'utf8');
  assert.match(reply, /NodeRecord__Output/, 'the reply type refers to the imported g2g message');
  const imported = await readFile(path.join(outDir, 'g2g', 'v1', 'NodeRecord.ts'), 'utf8');
  assert.match(imported, /^\/\/ Original file: g2g\/v1\/node\.proto$/m, 'an imported proto is named by its import path, not where g2g is installed');
});

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'plugin-author');
const EXAMPLE_GENERATED = path.join(EXAMPLE, 'src', 'generated');

async function tsFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).filter((f) => f.endsWith('.ts')).sort();
}

test('the example\'s committed generated types are what plugin gen makes today, with no machine-specific path', async () => {
  const dir = path.join(root, 'example-copy');
  await writePlugin(root, 'example-copy', { proto: null, entry: null, manifestText: await readFile(path.join(EXAMPLE, 'g2g-plugin.json'), 'utf8') });
  await copyFile(path.join(EXAMPLE, 'greeter.proto'), path.join(dir, 'greeter.proto'));
  const { outDir } = await generatePluginTypes(dir);
  const made = await tsFiles(outDir);
  const hint = 'regenerate them: node dist/src/cli/main.js plugin gen examples/plugin-author (after npm run build)';
  assert.deepEqual(await tsFiles(EXAMPLE_GENERATED), made, `the example's generated files are not the ones plugin gen makes; ${hint}`);
  for (const file of made) {
    const fresh = await readFile(path.join(outDir, file), 'utf8');
    assert.doesNotMatch(fresh, /Original file: \//, `${file} names an absolute path`);
    assert.equal(await readFile(path.join(EXAMPLE_GENERATED, file), 'utf8'), fresh, `${file} differs from a fresh plugin gen; ${hint}`);
  }
});
