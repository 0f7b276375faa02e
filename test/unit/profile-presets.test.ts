import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHANNEL_DEFAULTS, channelOptions } from '../../src/channel/options';
import { profileChannelOptions, profileMembershipOptions, profiles } from '../../src/config/profiles';
import { MEMBERSHIP_DEFAULTS, membershipOptions } from '../../src/membership/options';

const NAMES = ['lan', 'wan', 'local'] as const;

test('one registry: every profile name has its config, membership and channel values', () => {
  assert.deepEqual(Object.keys(profiles).sort(), [...NAMES].sort());
  for (const name of NAMES) {
    for (const part of ['config', 'membership', 'channel'] as const) assert.equal(typeof profiles[name][part], 'object', `${name}.${part}`);
  }
  // lan is the defaults of all three, unchanged.
  assert.deepEqual(profiles.lan, { config: {}, membership: {}, channel: {} });
  assert.deepEqual(profileMembershipOptions('lan'), membershipOptions());
  assert.deepEqual(profileChannelOptions('lan'), channelOptions());
});

test('the profiles keep the values of the three tables they replace', () => {
  const wan = profileMembershipOptions('wan');
  assert.deepEqual(
    [wan.intervalMs, wan.spatialShare, wan.exchangeTimeoutMs, wan.probeTimeoutMs, wan.limitFloorIntervals, wan.suspicionMult, wan.reconnectIntervalMs, wan.pushPullIntervalMs, wan.deadRetentionMs],
    [2000, 2 / 3, 1500, 1000, 6, 6, 30_000, 60_000, MEMBERSHIP_DEFAULTS.deadRetentionMs],
  );
  const local = profileMembershipOptions('local');
  assert.deepEqual(
    [local.intervalMs, local.exchangeTimeoutMs, local.probeTimeoutMs, local.reconnectIntervalMs, local.pushPullIntervalMs, local.deadRetentionMs, local.leftRetentionMs, local.suspicionMult],
    [200, 150, 100, 2000, 5000, 600_000, 10_000, MEMBERSHIP_DEFAULTS.suspicionMult],
  );
  const wanChannel = profileChannelOptions('wan');
  assert.deepEqual([wanChannel.flushDelayMs, wanChannel.pushTimeoutMs, wanChannel.pullTimeoutMs, wanChannel.repairIntervalMs, wanChannel.gapTimeoutMs], [5, 10_000, 6000, 2000, 240_000]);
  const localChannel = profileChannelOptions('local');
  assert.deepEqual([localChannel.repairIntervalMs, localChannel.gapTimeoutMs, localChannel.pushTimeoutMs], [200, 30_000, CHANNEL_DEFAULTS.pushTimeoutMs]);
  assert.deepEqual(profiles.wan.config, {
    leafLifetime: 6 * 3600_000,
    maxConnectionAge: 3600_000,
    caRotationGrace: 6 * 3600_000,
    drainTimeout: 30_000,
    serviceJoinInterval: 60_000,
    gossipInterval: 2000,
    gossipProbeTimeout: 1000,
    gossipSuspicionMult: 6,
    gossipPushPullInterval: 60_000,
  });
  assert.deepEqual(profiles.local.config, {
    host: '127.0.0.1',
    leafLifetime: 120_000,
    maxConnectionAge: 30_000,
    caRotationGrace: 90_000,
    drainTimeout: 2000,
    serviceJoinInterval: 2000,
    gossipInterval: 200,
    gossipProbeTimeout: 100,
    gossipPushPullInterval: 5000,
  });
});

test('overrides win over the profile, and are checked', () => {
  assert.equal(profileMembershipOptions('wan', { intervalMs: 50 }).intervalMs, 50);
  assert.equal(profileChannelOptions('local', { repairIntervalMs: 7 }).repairIntervalMs, 7);
  assert.throws(() => profileMembershipOptions('local', { intervalMs: 0 }), /intervalMs/);
  assert.throws(() => profileChannelOptions('wan', { pushTimeoutMs: 0 }), /pushTimeoutMs/);
});
