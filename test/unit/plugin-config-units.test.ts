import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { PluginSettings } from '../../src/config/schema';
import { checkManifest } from '../../src/plugins/manifest';
import { resolvePluginConfig } from '../../src/plugins/plugin-config';

/**
 * Plugin settings follow the host's rule: a duration or a size carries a unit in the file, the
 * environment and flags alike; a bare number (`90`: seconds or milliseconds?) is refused.
 */

const root = path.resolve(__dirname, '../../..');
const kv = checkManifest(JSON.parse(readFileSync(path.join(root, 'plugins/kv/g2g-plugin.json'), 'utf8')) as unknown, 'kv');
const settings = (over: Partial<PluginSettings>): PluginSettings => ({ file: {}, env: {}, flags: {}, ...over });
const refused = (over: Partial<PluginSettings>, pattern: RegExp) =>
  assert.throws(() => resolvePluginConfig(kv, settings(over)), (e: Error & { code?: string }) => e.code === 'ERR_PLUGIN_CONFIG' && pattern.test(e.message), JSON.stringify(over));

test('kv sizes take units (4KiB) and refuse bare numbers from every source', () => {
  const config = resolvePluginConfig(kv, settings({ env: { G2G_PLUGIN_KV_MAX_VALUE_BYTES: '4KiB' }, flags: { 'plugin-kv-max-key-bytes': '1KiB' } }));
  assert.equal(config.maxValueBytes, 4096);
  assert.equal(config.maxKeyBytes, 1024);
  assert.equal(resolvePluginConfig(kv, settings({ file: { kv: { maxValueBytes: '64KiB' } } })).maxValueBytes, 65536);
  refused({ env: { G2G_PLUGIN_KV_MAX_VALUE_BYTES: '4096' } }, /maxValueBytes.*bare number has no unit/);
  refused({ flags: { 'plugin-kv-max-key-bytes': '100' } }, /maxKeyBytes.*bare number has no unit/);
  refused({ file: { kv: { maxValueBytes: 4096 } } }, /plugins\.kv\.maxValueBytes: a bare number has no unit.*"4096KiB".*\(config file\)/);
});

test('kv durations, clockOffset included, take units and refuse bare numbers, a JSON number in the file included', () => {
  assert.equal(resolvePluginConfig(kv, settings({ env: { G2G_PLUGIN_KV_CLOCK_OFFSET: '10m' } })).clockOffset, 600_000);
  assert.equal(resolvePluginConfig(kv, settings({ file: { kv: { syncInterval: '90s' } } })).syncInterval, 90_000);
  refused({ env: { G2G_PLUGIN_KV_CLOCK_OFFSET: '600000' } }, /clockOffset.*bare number has no unit/);
  refused({ file: { kv: { syncInterval: 90 } } }, /plugins\.kv\.syncInterval: a bare number has no unit.*"90s"/);
  refused({ flags: { 'plugin-kv-sync-interval': '90' } }, /syncInterval.*bare number has no unit/);
  // Counts stay plain numbers.
  assert.equal(resolvePluginConfig(kv, settings({ file: { kv: { compactAfter: 500 } } })).compactAfter, 500);
});
