import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MEMBERSHIP_PRESETS, membershipOptions } from '../../src/membership/options';

test('membership options: spatial gossip share in [0, 1] and a positive distance floor; presets lean further to spatial on a WAN', () => {
  assert.equal(membershipOptions().spatialShare, 1 / 3);
  assert.equal(membershipOptions({}, 'wan').spatialShare, 2 / 3);
  assert.ok(MEMBERSHIP_PRESETS.lan.spatialFloorMs > 0);
  assert.equal(membershipOptions({ spatialShare: 0 }).spatialShare, 0);
  assert.equal(membershipOptions({ spatialShare: 1 }).spatialShare, 1);
  assert.throws(() => membershipOptions({ spatialShare: -0.1 }), /spatialShare/);
  assert.throws(() => membershipOptions({ spatialShare: 1.5 }), /spatialShare/);
  assert.throws(() => membershipOptions({ spatialShare: Number.NaN }), /spatialShare/);
  assert.throws(() => membershipOptions({ spatialFloorMs: 0 }), /spatialFloorMs/);
});

test('each config profile sets the membership keys to its preset, and G2G_GOSSIP_* override them', () => {
  const os = require('node:os') as typeof import('node:os');
  const { loadConfig } = require('../../src/config/load-config') as typeof import('../../src/config/load-config');
  const { membershipTimers } = require('../../src/membership/options') as typeof import('../../src/membership/options');
  const cwd = os.tmpdir();
  for (const profile of ['lan', 'wan', 'local'] as const) {
    const config = loadConfig({ env: { G2G_PROFILE: profile }, flags: {}, cwd });
    const preset = MEMBERSHIP_PRESETS[profile];
    assert.deepEqual(membershipTimers(config), { intervalMs: preset.intervalMs, probeTimeoutMs: preset.probeTimeoutMs, suspicionMult: preset.suspicionMult, pushPullIntervalMs: preset.pushPullIntervalMs, maxPeers: preset.maxPeers, lhaMaxMultiplier: preset.lhaMaxMultiplier }, `profile ${profile}`);
  }
  const set = loadConfig({ env: { G2G_PROFILE: 'local', G2G_GOSSIP_INTERVAL: '50ms', G2G_GOSSIP_PROBE_TIMEOUT: '20ms', G2G_GOSSIP_SUSPICION_MULT: '5', G2G_GOSSIP_PUSH_PULL_INTERVAL: '2s', G2G_GOSSIP_MAX_PEERS: '64', G2G_GOSSIP_LHA_MAX_MULTIPLIER: '3' }, flags: {}, cwd });
  const options = membershipOptions(membershipTimers(set), 'local');
  assert.deepEqual([options.intervalMs, options.probeTimeoutMs, options.suspicionMult, options.pushPullIntervalMs, options.maxPeers, options.lhaMaxMultiplier], [50, 20, 5, 2000, 64, 3]);
});

test('local health awareness: lhaMaxMultiplier is an integer >= 1 (1 turns it off), 8 by default as memberlist', () => {
  assert.equal(membershipOptions().lhaMaxMultiplier, 8);
  assert.equal(membershipOptions({ lhaMaxMultiplier: 1 }).lhaMaxMultiplier, 1);
  assert.throws(() => membershipOptions({ lhaMaxMultiplier: 0 }), /lhaMaxMultiplier/);
  assert.throws(() => membershipOptions({ lhaMaxMultiplier: 2.5 }), /lhaMaxMultiplier/);
});
