import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

test('the package exports the plugin contract (with types) and the testing kit', () => {
  // Self-reference by package name goes through package.json "exports", as a plugin's import does.
  const g2g = require('g2g') as typeof import('../../src/plugins/index');
  assert.equal(g2g.PluginTokens.context, 'g2g:PluginContext');
  assert.equal(g2g.MANIFEST_FILE, 'g2g-plugin.json');
  assert.equal(new g2g.PluginConfigError('kv', 'bad').code, 'ERR_PLUGIN_CONFIG');
  assert.ok(existsSync(require.resolve('g2g').replace(/\.js$/, '.d.ts')), 'declarations ship next to the module');
  const kit = require('g2g/testing') as typeof import('../../src/plugins/testing');
  assert.equal(typeof kit.createFakeContext, 'function');
  assert.equal(typeof kit.FakeNetwork, 'function');
  assert.throws(() => require('g2g/dist/src/node/g2g-node'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' }, 'internals are not part of the API');
});

test('every exported subpath also resolves for classic `node` resolution (typesVersions), and grpc-js is a peer dependency', () => {
  const pkg = require('../../../package.json') as {
    exports: Record<string, { types?: string; default?: string } | string>;
    typesVersions: Record<string, Record<string, string[]>>;
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
    files: string[];
  };
  const root = path.resolve(__dirname, '../../..');
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (subpath === '.' || subpath === './package.json' || typeof target === 'string') continue;
    const mapped = pkg.typesVersions['*']?.[subpath.slice(2)];
    assert.deepEqual(mapped, [target.types], `typesVersions maps ${subpath} to its types`);
    assert.ok(existsSync(path.join(root, target.types!)), `${target.types} is built`);
  }
  // Plugins import grpc-js types; the same grpc-js the node loads their handlers into.
  assert.equal(pkg.peerDependencies['@grpc/grpc-js'], pkg.dependencies['@grpc/grpc-js']);
  for (const dir of ['dist/src', 'proto']) assert.ok(pkg.files.includes(dir), `${dir} is packed`);
});
