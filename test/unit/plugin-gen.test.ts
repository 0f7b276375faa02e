import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkPlugin } from '../../src/plugins/check-plugin';
import { generatePluginTypes } from '../../src/plugins/scaffold/proto-gen';
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
  await readFile(path.join(outDir, 'g2g', 'v1', 'NodeRecord.ts'), 'utf8');
});
