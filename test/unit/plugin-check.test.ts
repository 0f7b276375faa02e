import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkPlugin } from '../../src/plugins/check-plugin';
import { removeDir, tempDir } from '../helpers/node-process';
import { defaultEntry, writePlugin } from '../helpers/plugin-folders';

let root = '';
before(async () => {
  root = await tempDir('g2g-plugin-check-');
});
after(async () => {
  await removeDir(root);
});

test('plugins check: a valid plugin is ok, with its services and config keys', async () => {
  const dir = await writePlugin(root, 'good', {});
  const result = await checkPlugin(dir);
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.equal(result.ok && result.name, 'good');
  const example = await checkPlugin(path.resolve(__dirname, '../../../examples/plugin-author'));
  assert.deepEqual(example.ok && example.configKeys.map((k) => k.key), ['greeting', 'keepHeard', 'peerTimeout']);
});

test('plugins check gives the host\'s coded errors: manifest, host version, undefined service, config, entry without a class', async () => {
  const cases: [string, Parameters<typeof writePlugin>[2], string][] = [
    ['badmanifest', { manifest: { services: 'nope' } }, 'ERR_PLUGIN_MANIFEST'],
    ['oldhost', { manifest: { host: '^9.0.0' } }, 'ERR_PLUGIN_HOST_VERSION'],
    ['noservice', { manifest: { services: ['other.v1.Missing'] } }, 'ERR_PLUGIN_SERVICE_UNDEFINED'],
    ['badconfig', { manifest: { config: { n: { doc: 'x', format: 'g2g-number', min: 5, default: 1 } } } }, 'ERR_PLUGIN_CONFIG'],
    ['noclass', { entry: 'module.exports = 42;' }, 'ERR_PLUGIN_LOAD'],
  ];
  for (const [folder, options, code] of cases) {
    const result = await checkPlugin(await writePlugin(root, folder, options));
    assert.equal(result.ok, false, folder);
    assert.equal(!result.ok && result.error.code, code, `${folder}: ${!result.ok && result.error.message}`);
  }
  // The default entry is fine: the failure above was the entry's, not the fixture's.
  assert.equal((await checkPlugin(await writePlugin(root, 'classy', { entry: defaultEntry('classy.v1.Svc') }))).ok, true);
});
