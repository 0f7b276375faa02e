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
