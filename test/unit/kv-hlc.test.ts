import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareVersions, type Version } from '../../plugins/kv/entry';
import { compareHlc, HybridLogicalClock } from '../../plugins/kv/hlc';

const MINUTE = 60_000;

test('local ticks are strictly increasing, even when the wall clock stands still or goes back', () => {
  let wall = 1_000_000;
  const hlc = new HybridLogicalClock(() => wall);
  const a = hlc.tick();
  const b = hlc.tick();
  wall -= 5_000; // NTP stepped the clock back
  const c = hlc.tick();
  wall += 10_000;
  const d = hlc.tick();
  assert.deepEqual([a, b, c], [{ wallMs: 1_000_000, counter: 0 }, { wallMs: 1_000_000, counter: 1 }, { wallMs: 1_000_000, counter: 2 }]);
  assert.deepEqual(d, { wallMs: 1_005_000, counter: 0 });
  assert.ok(compareHlc(a, b) < 0 && compareHlc(b, c) < 0 && compareHlc(c, d) < 0);
});

test('a node whose wall clock is 10 minutes fast cannot make an older write win', () => {
  const realNow = 1_700_000_000_000;
  const fast = new HybridLogicalClock(() => realNow + 10 * MINUTE);
  const honest = new HybridLogicalClock(() => realNow + 1_000); // one real second later
  // The fast node writes first; the honest node receives it, then overwrites the key.
  const older: Version = { ...fast.tick(), nodeId: 'zzzz-fast' };
  honest.observe(older);
  const newer: Version = { ...honest.tick(), nodeId: 'aaaa-honest' };
  assert.ok(compareVersions(newer, older) > 0, 'the causally later write wins although its wall clock reads 10 minutes earlier');
  // Wall-clock last-writer-wins would have kept the older value:
  assert.ok(realNow + 1_000 < older.wallMs);
});

test('observe returns how far a remote timestamp is ahead of the local wall clock', () => {
  const hlc = new HybridLogicalClock(() => 5_000);
  assert.equal(hlc.observe({ wallMs: 65_000, counter: 0 }), 60_000);
  assert.equal(hlc.observe({ wallMs: 1_000, counter: 7 }), -4_000);
  // The clock now runs on from the remote time.
  assert.deepEqual(hlc.tick(), { wallMs: 65_000, counter: 3 });
});

test('receive rule: counters follow whichever of local, remote and wall time is greatest', () => {
  let wall = 100;
  const hlc = new HybridLogicalClock(() => wall);
  hlc.tick(); // (100, 0)
  hlc.observe({ wallMs: 100, counter: 5 }); // equal wall times: max counter + 1
  assert.deepEqual(hlc.current(), { wallMs: 100, counter: 6 });
  hlc.observe({ wallMs: 90, counter: 9 }); // local is ahead: own counter + 1
  assert.deepEqual(hlc.current(), { wallMs: 100, counter: 7 });
  hlc.observe({ wallMs: 150, counter: 2 }); // remote is ahead: remote counter + 1
  assert.deepEqual(hlc.current(), { wallMs: 150, counter: 3 });
  wall = 200;
  hlc.observe({ wallMs: 120, counter: 0 }); // wall time is ahead: counter resets
  assert.deepEqual(hlc.current(), { wallMs: 200, counter: 0 });
});

test('equal timestamps are ordered by node id, so every node picks the same winner', () => {
  const a: Version = { wallMs: 10, counter: 1, nodeId: 'aaa' };
  const b: Version = { wallMs: 10, counter: 1, nodeId: 'bbb' };
  assert.ok(compareVersions(a, b) < 0);
  assert.ok(compareVersions(b, a) > 0);
  assert.equal(compareVersions(a, { ...a }), 0);
  assert.ok(compareVersions({ ...a, counter: 2 }, b) > 0, 'the counter outranks the node id');
});
