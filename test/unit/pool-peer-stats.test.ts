import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_EWMA_ALPHA, DEFAULT_RING_SIZE, PeerStats } from '../../src/pool/peer-stats';

test('a new peer has no latency figures, no errors and nothing in flight', () => {
  assert.deepEqual(new PeerStats().snapshot(), {
    ewmaMs: null,
    meanMs: null,
    latencyMs: null,
    p95Ms: null,
    samples: 0,
    totalSamples: 0,
    errors: 0,
    consecutiveErrors: 0,
    lastSuccessMs: null,
    lastErrorMs: null,
    lastSampleMs: null,
    inFlight: 0,
  });
});

test('the EWMA starts at the first sample and moves by α of each new one (α = 0.2 by default)', () => {
  assert.equal(DEFAULT_EWMA_ALPHA, 0.2);
  const s = new PeerStats();
  s.recordRtt(10, 1000);
  assert.equal(s.snapshot().ewmaMs, 10);
  s.recordRtt(20, 1001);
  assert.ok(Math.abs(s.snapshot().ewmaMs! - 12) < 1e-9);
  s.recordRtt(0, 1002);
  assert.ok(Math.abs(s.snapshot().ewmaMs! - 9.6) < 1e-9);
  assert.equal(s.snapshot().lastSampleMs, 1002);

  const half = new PeerStats({ alpha: 0.5 });
  half.recordRtt(8, 0);
  half.recordRtt(4, 0);
  assert.equal(half.snapshot().ewmaMs, 6);
});

test('the mean is over the bounded ring of recent samples only', () => {
  const s = new PeerStats({ ringSize: 4 });
  for (let i = 1; i <= 10; i++) s.recordRtt(i, i);
  const snap = s.snapshot();
  assert.equal(snap.samples, 4);
  assert.equal(snap.totalSamples, 10);
  assert.equal(snap.meanMs, (7 + 8 + 9 + 10) / 4);
  assert.deepEqual(s.recentSamples(), [7, 8, 9, 10]);

  const partial = new PeerStats({ ringSize: 4 });
  partial.recordRtt(3, 0);
  partial.recordRtt(5, 0);
  assert.deepEqual(partial.recentSamples(), [3, 5]);
  assert.equal(partial.snapshot().meanMs, 4);
});

test('the default ring holds 32 samples and its mean stays exact over many laps', () => {
  assert.equal(DEFAULT_RING_SIZE, 32);
  const s = new PeerStats();
  for (let i = 0; i < 10_000; i++) s.recordRtt(i % 2 === 0 ? 0.1 : 0.3, i);
  assert.equal(s.snapshot().samples, 32);
  assert.ok(Math.abs(s.snapshot().meanMs! - 0.2) < 1e-12);
});

test('errors count up; a success resets the consecutive count but not the total', () => {
  const s = new PeerStats();
  s.recordError(5);
  s.recordError(6);
  assert.equal(s.snapshot().errors, 2);
  assert.equal(s.snapshot().consecutiveErrors, 2);
  assert.equal(s.snapshot().lastErrorMs, 6);
  s.recordSuccess(7);
  assert.equal(s.snapshot().errors, 2);
  assert.equal(s.snapshot().consecutiveErrors, 0);
  assert.equal(s.snapshot().lastSuccessMs, 7);
});

test('in-flight calls count begin/end; an unmatched end is refused', () => {
  const s = new PeerStats();
  s.begin();
  s.begin();
  assert.equal(s.snapshot().inFlight, 2);
  s.end();
  s.end();
  assert.equal(s.snapshot().inFlight, 0);
  assert.throws(() => s.end(), RangeError);
  assert.equal(s.snapshot().inFlight, 0);
});

test('invalid samples and options are refused', () => {
  const s = new PeerStats();
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => s.recordRtt(bad, 0), RangeError);
  assert.equal(s.snapshot().totalSamples, 0);
  assert.throws(() => new PeerStats({ alpha: 0 }), RangeError);
  assert.throws(() => new PeerStats({ alpha: 1.5 }), RangeError);
  assert.throws(() => new PeerStats({ ringSize: 0 }), RangeError);
  assert.throws(() => new PeerStats({ ringSize: 2.5 }), RangeError);
});

test('p95 is the nearest-rank 95th percentile of the recent samples', () => {
  const s = new PeerStats({ ringSize: 20 });
  for (let i = 1; i <= 20; i++) s.recordRtt(i, i);
  assert.equal(s.snapshot().p95Ms, 19);
  assert.equal(s.snapshot().latencyMs, 1, 'latency: the minimum of the window');
  assert.equal(s.quantile(1), 20);
  assert.equal(s.quantile(0), 1);
  for (let i = 0; i < 20; i++) s.recordRtt(3, 100); // the ring forgets the old ones
  assert.equal(s.snapshot().p95Ms, 3);
});

test('quantiles kept incrementally equal those of a sort of the window, across many laps of the ring', () => {
  const s = new PeerStats({ ringSize: 7 });
  let x = 12345;
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) % 1000) / 10; // repeats values too
  for (let i = 0; i < 200; i++) {
    s.recordRtt(next(), i);
    const window = s.recentSamples().sort((a, b) => a - b);
    for (const q of [0, 0.25, 0.5, 0.95, 1]) {
      assert.equal(s.quantile(q), window[Math.min(window.length - 1, Math.max(0, Math.ceil(q * window.length) - 1))], `q ${q} after ${i + 1} samples`);
    }
  }
});
