import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors';
import { configText, explainConfig, loadConfig, type ConfigSources } from '../../src/config';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'g2g-config-units-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function problemsOf(sources: ConfigSources): string[] {
  try {
    loadConfig({ env: {}, flags: {}, cwd: tmp, ...sources });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  return assert.fail('expected a ConfigError');
}

test('a bare number for a duration or a size is refused with one line naming the key and the units, from every source', () => {
  const file = path.join(tmp, 'bare.json');
  fs.writeFileSync(file, JSON.stringify({ drainTimeout: 5000, channelRetentionBytes: 1048576 }));
  const problems = problemsOf({
    env: { G2G_LEAF_LIFETIME: '90', G2G_CHANNEL_MAX_MESSAGE_BYTES: '4096' },
    flags: { 'max-connection-age': '30', config: file },
  });
  assert.equal(problems.length, 5, problems.join('\n'));
  for (const p of problems) {
    assert.match(p, /bare number has no unit/, p);
    assert.doesNotMatch(p, /\n/, 'one line each');
  }
  assert.ok(problems.some((p) => p.startsWith('leafLifetime (G2G_LEAF_LIFETIME') && p.includes('90s')));
  assert.ok(problems.some((p) => p.startsWith('channelMaxMessageBytes') && p.includes('4096B')));
  assert.ok(problems.some((p) => p.startsWith('drainTimeout') && p.includes(`(from config file ${file})`)));
});

test('durations and sizes with units load; `g2g config` prints them as they were entered, defaults in their largest exact unit', () => {
  const explained = explainConfig({ env: { G2G_LEAF_LIFETIME: '90m' }, flags: { 'drain-timeout': '1500ms', 'channel-retention-bytes': '2048KiB' }, cwd: tmp });
  assert.equal(explained.config.leafLifetime, 90 * 60_000);
  assert.equal(explained.config.channelRetentionBytes, 2 * 1024 * 1024);
  const text = configText(explained);
  assert.match(text, /^leafLifetime +\= 90m  \(from the environment\)$/m, 'not 1h30m');
  assert.match(text, /^drainTimeout +\= 1500ms  \(from the command line\)$/m, 'not 1s500ms');
  assert.match(text, /^channelRetentionBytes += 2048KiB  \(from the command line\)$/m, 'not 2MiB');
  assert.match(text, /^caLifetime +\= 3650d  \(default\)$/m, 'a default duration with its unit, not 315360000000');
  assert.match(text, /^maxConnectionAge +\= 15m  \(default\)$/m);
});

test('the local profile\'s durations print with units and name the profile', () => {
  const text = configText(explainConfig({ env: {}, flags: { profile: 'local' }, cwd: tmp }));
  assert.match(text, /^leafLifetime +\= 2m  \(from profile "local"\)$/m);
});
