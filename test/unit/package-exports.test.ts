import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
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
