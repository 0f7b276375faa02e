import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OriginWindow, SeenMessages } from '../../src/channel/dedup-window';

const limits = { gapTimeoutMs: 1000, maxAhead: 4 };

test('in order: each seq is new once, then a duplicate; the watermark follows', () => {
  const w = new OriginWindow();
  for (let s = 1; s <= 5; s++) {
    assert.equal(w.check(1, s), 'new');
    w.mark(1, s, 0, limits);
    assert.equal(w.check(1, s), 'duplicate');
  }
  assert.equal(w.contiguous, 5);
  assert.equal(w.ahead.size, 0);
  assert.equal(w.gapSinceMs, undefined);
});

test('out of order: early seqs wait above the gap, and the watermark jumps when it fills', () => {
  const w = new OriginWindow();
  w.mark(1, 1, 0, limits);
  w.mark(1, 3, 10, limits);
  w.mark(1, 4, 20, limits);
  assert.equal(w.contiguous, 1);
  assert.deepEqual(w.held(10), [3, 4]);
  assert.deepEqual(w.held(1), [3]);
  assert.equal(w.gapSinceMs, 10);
  assert.equal(w.check(1, 2), 'new');
  assert.equal(w.check(1, 3), 'duplicate');
  w.mark(1, 2, 30, limits);
  assert.equal(w.contiguous, 4);
  assert.equal(w.ahead.size, 0);
  assert.equal(w.gapSinceMs, undefined);
});

test('a higher epoch (the origin restarted) starts afresh; a lower one is stale', () => {
  const w = new OriginWindow();
  for (let s = 1; s <= 3; s++) w.mark(5, s, 0, limits);
  assert.equal(w.check(6, 1), 'new');
  w.mark(6, 1, 0, limits);
  assert.equal(w.epoch, 6);
  assert.equal(w.contiguous, 1);
  assert.equal(w.check(5, 4), 'stale');
  assert.equal(w.check(6, 1), 'duplicate');
  assert.equal(w.check(6, 2), 'new');
});

test('a gap is given up after the timeout, or at once when too many wait above it; memory stays bounded', () => {
  const w = new OriginWindow();
  w.mark(1, 1, 0, limits);
  w.mark(1, 5, 100, limits);
  assert.equal(w.expireGap(1099, limits), 0);
  assert.equal(w.expireGap(1100, limits), 3); // 2, 3, 4 given up
  assert.equal(w.contiguous, 5);
  assert.equal(w.check(1, 3), 'duplicate');

  const v = new OriginWindow();
  let lost = 0;
  for (let s = 2; s <= 1000; s++) lost += v.mark(1, s, 0, limits); // seq 1 never comes
  assert.equal(lost, 1);
  assert.ok(v.ahead.size <= limits.maxAhead);
  assert.equal(v.contiguous, 1000);
});

test('a partly filled gap restarts the clock for the next gap', () => {
  const w = new OriginWindow();
  w.mark(1, 2, 0, limits);
  w.mark(1, 5, 0, limits);
  w.mark(1, 1, 900, limits); // the first gap fills at 900: the gap at 3-4 is new
  assert.equal(w.contiguous, 2);
  assert.equal(w.expireGap(1500, limits), 0);
  assert.equal(w.expireGap(1900, limits), 2);
  assert.equal(w.contiguous, 5);
});

test('SeenMessages keeps one window per origin and prunes origins gone quiet and unknown', () => {
  const seen = new SeenMessages(limits);
  assert.equal(seen.check('a', 1, 1), 'new');
  seen.mark('a', 1, 1, 0);
  seen.mark('b', 1, 1, 0);
  seen.mark('b', 1, 3, 5000);
  assert.equal(seen.check('a', 1, 1), 'duplicate');
  assert.equal(seen.size, 2);
  assert.equal(seen.expireGaps(5999), 0);
  assert.equal(seen.expireGaps(6000), 1);
  seen.prune(10_000, 8000, (origin) => origin === 'a');
  assert.deepEqual([...seen.entries()].map(([o]) => o).sort(), ['a', 'b']);
  seen.prune(20_000, 8000, (origin) => origin === 'a');
  assert.deepEqual([...seen.entries()].map(([o]) => o), ['a']);
});
