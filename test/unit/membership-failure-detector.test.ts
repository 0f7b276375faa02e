import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeartbeatStats, MIN_SAMPLES, suspicionBounds, suspicionTimeout } from '../../src/membership/failure-detector';
import { SeededRandom } from '../../src/testing/seeded-random';

const OPTS = { intervalMs: 1000, limitFloorIntervals: 5, limitSigmas: 4, initialLimitIntervals: 10 };

test('the heartbeat limit is per peer: a clockwork peer sits at the floor, a jittery one gets more room', () => {
  const steady = new HeartbeatStats();
  const jittery = new HeartbeatStats();
  const r = new SeededRandom(1);
  for (let i = 0; i < 200; i++) {
    steady.addGap(1000);
    jittery.addGap(1000 + r.next() * 8000);
  }
  // All peers healthy and alike: the seed's global "mean + 2σ of now − last" would collapse to about
  // one interval; per peer over time the floor holds.
  assert.equal(steady.limit(OPTS), 5000);
  assert.ok(steady.stddev < 1e-6);
  assert.ok(jittery.limit(OPTS) > 10_000, `jittery limit ${jittery.limit(OPTS)}`);
  assert.ok(jittery.limit(OPTS) > jittery.mean + 3 * jittery.stddev);
});

test('the initial limit applies until enough gaps are seen', () => {
  const s = new HeartbeatStats();
  for (let i = 0; i < MIN_SAMPLES - 1; i++) s.addGap(100);
  assert.equal(s.limit(OPTS), 10_000);
  s.addGap(100);
  assert.equal(s.limit(OPTS), 5000);
});

test('the limit follows a peer whose gaps grow (exponential weighting forgets old behaviour)', () => {
  const s = new HeartbeatStats();
  for (let i = 0; i < 50; i++) s.addGap(1000);
  for (let i = 0; i < 50; i++) s.addGap(9000);
  assert.ok(s.mean > 8500 && s.limit(OPTS) >= s.mean);
  s.addGap(Number.NaN);
  assert.ok(Number.isFinite(s.limit(OPTS)), 'a bad sample must not poison the statistic');
});

test('suspicion time: log10 N scale, longest with no confirmation, shrinking to the minimum with K confirmations', () => {
  const opts = { intervalMs: 1000, suspicionMult: 4, suspicionMaxMult: 6 };
  const b10 = suspicionBounds(opts, 10);
  const b1000 = suspicionBounds(opts, 1000);
  assert.equal(b10.minMs, 4000);
  assert.equal(b1000.minMs, 12_000);
  assert.equal(b1000.maxMs, 72_000);
  assert.equal(suspicionTimeout(b1000, 0), 72_000);
  const one = suspicionTimeout(b1000, 1);
  assert.ok(one < 72_000 && one > 12_000);
  assert.equal(suspicionTimeout(b1000, b1000.expected), 12_000);
  assert.equal(suspicionTimeout(b1000, 100), 12_000);
});
