import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../../..');
const BUF = path.join(ROOT, 'node_modules', '.bin', 'buf');

/**
 * The shipped plugins' and the guide's protos pass `buf lint` with the rules of our own protos
 * (buf.yaml), except that a plugin's proto sits at its folder's root rather than in a
 * directory named after its package, so that the manifest can name it simply.
 */
const MODULES = ['plugins/kv', 'plugins/query', 'examples/plugin-author'];

test('plugin protos are buf-lint clean', { timeout: 120_000 }, async () => {
  const modules = MODULES.filter((m) => existsSync(path.join(ROOT, m)));
  assert.ok(modules.includes('plugins/kv'));
  const config = {
    version: 'v2',
    modules: modules.map((m) => ({ path: m })),
    lint: {
      use: ['STANDARD'],
      except: ['SERVICE_SUFFIX', 'RPC_REQUEST_RESPONSE_UNIQUE', 'RPC_REQUEST_STANDARD_NAME', 'RPC_RESPONSE_STANDARD_NAME', 'PACKAGE_DIRECTORY_MATCH'],
    },
  };
  const result = await new Promise<{ code: number; out: string }>((resolve) =>
    execFile(BUF, ['lint', '--config', JSON.stringify(config)], { cwd: ROOT, timeout: 100_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    ),
  );
  assert.equal(result.code, 0, result.out);
});
