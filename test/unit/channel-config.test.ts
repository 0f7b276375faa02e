import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config';
import { formatBytes, parseBytes } from '../../src/config/formats';
import { ConfigError } from '../../src/errors';

const load = (flags: Record<string, string>, env: Record<string, string> = {}) => loadConfig({ flags, env });

test('channel sizes take binary units in env and flags; counts take whole numbers', () => {
  const c = load({ 'channel-max-message-bytes': '512KiB', 'channel-fanout': '6' }, { G2G_CHANNEL_RETENTION_BYTES: '1GiB', G2G_CHANNEL_RETENTION: '2m' });
  assert.equal(c.channelMaxMessageBytes, 512 * 1024);
  assert.equal(c.channelFanout, 6);
  assert.equal(c.channelRetentionBytes, 1024 ** 3);
  assert.equal(c.channelRetention, 120_000);
  assert.equal(parseBytes('4096B'), 4096);
  assert.equal(parseBytes('4096'), undefined, 'a bare number has no unit');
  assert.equal(parseBytes('64 MiB'), 64 * 1024 * 1024);
  assert.equal(parseBytes('1.5MiB'), undefined);
  assert.equal(parseBytes('12kb'), undefined);
  assert.equal(formatBytes(256 * 1024), '256KiB');
  assert.equal(formatBytes(1000), '1000B');
});

test('out-of-range or malformed channel settings fail start-up, each named', () => {
  const bad: Record<string, string> = {
    'channel-max-message-bytes': '2MiB',
    'channel-fanout': '1.5',
    'channel-queue-messages': '0',
    'channel-retention-bytes': 'lots',
  };
  try {
    load(bad);
    assert.fail('expected a ConfigError');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    const text = error.problems.join('\n');
    for (const key of ['channelMaxMessageBytes', 'channelFanout', 'channelQueueMessages', 'channelRetentionBytes']) assert.match(text, new RegExp(key));
    assert.match(text, /at most 1MiB/);
  }
});
