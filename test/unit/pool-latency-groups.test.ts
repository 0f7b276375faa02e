import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupByLatency, groupIdsByPeer, isCut, type Grouping, type PeerLatency } from '../../src/pool/latency-groups';
import { SeededRandom } from '../../src/testing/seeded-random';

const peers = (spec: Record<string, number>): PeerLatency[] => Object.entries(spec).map(([id, latencyMs]) => ({ id, latencyMs }));
const memberIds = (g: Grouping): string[][] => g.groups.map((x) => x.members.map((m) => m.id));

function tiers(base: number[], perTier: number): { id: string; tier: number; base: number }[] {
  return base.flatMap((ms, t) => [...Array(perTier).keys()].map((i) => ({ id: `t${t}-${i}`, tier: t, base: ms })));
}

function jittered(list: { id: string; base: number }[], rnd: SeededRandom, jitter: number): PeerLatency[] {
  return list.map((p) => ({ id: p.id, latencyMs: p.base * (1 + jitter * (2 * rnd.next() - 1)) }));
}

test('the cut rule: a relative gap and an absolute floor, both', () => {
  assert.equal(isCut(1, 20), true);
  assert.equal(isCut(20, 80), true);
  assert.equal(isCut(1, 1.1), false); // jitter
  assert.equal(isCut(18, 22), false); // ±10 % at 20 ms
  assert.equal(isCut(0.1, 0.3), false); // ratio 3, but 0.2 ms is noise
  assert.equal(isCut(0.2, 5), true); // a LAN rack versus a zone
  assert.equal(isCut(100, 140), false); // 40 ms apart but only ×1.4
  assert.equal(isCut(100, 160), true);
});

test('empty input gives no groups, with or without a previous grouping', () => {
  const empty = groupByLatency([]);
  assert.deepEqual(empty.groups, []);
  const previous = groupByLatency(peers({ a: 1, b: 50 }));
  assert.deepEqual(groupByLatency([], previous).groups, []);
});

test('three tiers separate at natural gaps; each group is labelled by its mean', () => {
  const g = groupByLatency(peers({ c: 21, a: 1.1, f: 82, b: 0.9, d: 19, e: 78, g: 80 }));
  assert.deepEqual(memberIds(g), [['b', 'a'], ['d', 'c'], ['e', 'g', 'f']]);
  assert.deepEqual(g.groups.map((x) => x.labelMs), [1, 20, 80]);
  assert.deepEqual(g.groups.map((x) => [x.minMs, x.maxMs]), [[0.9, 1.1], [19, 21], [78, 82]]);
  assert.deepEqual(g.groups.map((x) => x.id), [0, 1, 2]);
  assert.equal(g.nextGroupId, 3);
});

test('fixed inputs with 1, 2, 4 and 7 groups', () => {
  assert.equal(groupByLatency(peers({ a: 5 })).groups.length, 1);
  assert.equal(groupByLatency(peers({ a: 5, b: 5.5, c: 6 })).groups.length, 1);
  assert.deepEqual(memberIds(groupByLatency(peers({ a: 0.3, b: 0.5, c: 40, d: 44 }))), [['a', 'b'], ['c', 'd']]);
  assert.deepEqual(memberIds(groupByLatency(peers({ a: 0.5, b: 5, c: 50, d: 500 }))), [['a'], ['b'], ['c'], ['d']]);
  const seven = [1, 5, 12, 30, 70, 160, 400];
  const g = groupByLatency(seven.map((ms, i) => ({ id: `p${i}`, latencyMs: ms })));
  assert.deepEqual(memberIds(g), seven.map((_, i) => [`p${i}`]));
});

test('no fixed thresholds: the same shape groups alike at LAN and WAN scale', () => {
  const shape = [1, 1.1, 0.95, 10, 11, 9.5];
  for (const scale of [1, 10, 100]) {
    const g = groupByLatency(shape.map((ms, i) => ({ id: `p${i}`, latencyMs: ms * scale })));
    assert.deepEqual(memberIds(g), [['p2', 'p0', 'p1'], ['p5', 'p3', 'p4']], `scale ${scale}`);
  }
  // A continuum has no natural gap: one group.
  assert.equal(groupByLatency([...Array(40).keys()].map((i) => ({ id: `p${i}`, latencyMs: i + 1 }))).groups.length, 1);
});

test('ties: equal latencies never cut, are ordered by id, and input order does not matter', () => {
  const same = groupByLatency(peers({ c: 7, a: 7, b: 7 }));
  assert.deepEqual(memberIds(same), [['a', 'b', 'c']]);
  const input = peers({ a: 1, b: 1, c: 20, d: 20, e: 20, f: 80 });
  const expected = groupByLatency(input);
  const rnd = new SeededRandom(9);
  for (let i = 0; i < 20; i++) {
    const shuffled = [...input].sort(() => rnd.next() - 0.5);
    assert.deepEqual(groupByLatency(shuffled), expected);
  }
  assert.deepEqual(memberIds(expected), [['a', 'b'], ['c', 'd', 'e'], ['f']]);
});

test('invalid input is refused', () => {
  assert.throws(() => groupByLatency(peers({ a: -1 })), RangeError);
  assert.throws(() => groupByLatency(peers({ a: Number.NaN })), RangeError);
  assert.throws(() => groupByLatency([{ id: 'a', latencyMs: 1 }, { id: 'a', latencyMs: 2 }]), RangeError);
  assert.throws(() => groupByLatency([], undefined, { ratio: 1 }), RangeError);
});

test('hysteresis: ±10 % jitter never moves a peer (three tiers, 1,000 seeded rounds)', () => {
  const list = tiers([1, 20, 80], 10);
  const rnd = new SeededRandom(42);
  let g = groupByLatency(list.map((p) => ({ id: p.id, latencyMs: p.base })));
  assert.equal(g.groups.length, 3);
  const initial = groupIdsByPeer(g);
  for (let round = 0; round < 1000; round++) {
    g = groupByLatency(jittered(list, rnd, 0.1), g);
    assert.deepEqual(groupIdsByPeer(g), initial, `round ${round}`);
  }
});

test('hysteresis: tiers close to the cut neither split nor merge on jitter, where fresh grouping would flap', () => {
  // 10 ms and 16 ms: a ratio of 1.6 at rest, between 1.31 and 1.96 under ±10 % jitter.
  const list = tiers([10, 16], 3);
  const rnd = new SeededRandom(7);
  let g = groupByLatency(list.map((p) => ({ id: p.id, latencyMs: p.base })));
  assert.equal(g.groups.length, 2);
  const initial = groupIdsByPeer(g);
  const freshCounts = new Set<number>();
  for (let round = 0; round < 1000; round++) {
    const sample = jittered(list, rnd, 0.1);
    freshCounts.add(groupByLatency(sample).groups.length);
    g = groupByLatency(sample, g);
    assert.deepEqual(groupIdsByPeer(g), initial, `round ${round}`);
  }
  assert.deepEqual([...freshCounts].sort(), [1, 2], 'without hysteresis the grouping flaps');
});

test('hysteresis: a real change moves a peer (1 ms → 80 ms and back)', () => {
  const base = { a: 1, b: 1.05, c: 0.95, m: 20, n: 21, x: 80, y: 82 };
  const g0 = groupByLatency(peers(base));
  const ids = groupIdsByPeer(g0);
  const g1 = groupByLatency(peers({ ...base, a: 81 }), g0);
  assert.equal(groupIdsByPeer(g1).get('a'), ids.get('x'));
  assert.equal(groupIdsByPeer(g1).get('b'), ids.get('b'));
  const g2 = groupByLatency(peers(base), g1);
  assert.deepEqual(groupIdsByPeer(g2), ids);
});

test('hysteresis: in a two-peer group the one that moved leaves, the one that stayed keeps the group', () => {
  const g0 = groupByLatency(peers({ a: 1, b: 1.1, x: 80 }));
  const g1 = groupByLatency(peers({ a: 1, b: 78, x: 80 }), g0);
  const before = groupIdsByPeer(g0);
  const after = groupIdsByPeer(g1);
  assert.equal(after.get('a'), before.get('a'));
  assert.equal(after.get('b'), before.get('x'));
  assert.equal(g1.groups.length, 2);
});

test('new peers join a group whose band holds them, or form a new group; a closed gap merges groups', () => {
  const g0 = groupByLatency(peers({ a: 1, b: 1.2, x: 80 }));
  const g1 = groupByLatency(peers({ a: 1, b: 1.2, x: 80, n: 1.1, far: 300 }), g0);
  const ids1 = groupIdsByPeer(g1);
  assert.equal(ids1.get('n'), ids1.get('a'));
  assert.equal(ids1.get('far'), 2); // a fresh id
  assert.equal(g1.groups.length, 3);
  assert.equal(g1.nextGroupId, 3);
  // A peer that left is dropped; its group goes when it was the last member.
  const g2 = groupByLatency(peers({ a: 1, b: 1.2, n: 1.1, far: 300 }), g1);
  assert.deepEqual(memberIds(g2), [['a', 'n', 'b'], ['far']]);
  // The 300 ms peer's route improves to 1.5 ms: no gap is left, it joins the near group.
  const g3 = groupByLatency(peers({ a: 1, b: 1.2, n: 1.1, far: 1.5 }), g2);
  assert.deepEqual(memberIds(g3), [['a', 'n', 'b', 'far']]);
  // Two groups whose whole membership converges merge, keeping the lower id.
  const h0 = groupByLatency(peers({ a: 10, b: 10, c: 30, d: 30 }));
  const h1 = groupByLatency(peers({ a: 10, b: 10, c: 10.5, d: 11 }), h0);
  assert.equal(h1.groups.length, 1);
  assert.equal(h1.groups[0]!.id, 0);
});

test('a peer creeping a little each round does not drag its group along', () => {
  const others = { a: 10, b: 10.5, c: 9.5 };
  let g = groupByLatency(peers({ ...others, p: 10 }));
  const home = groupIdsByPeer(g).get('a');
  let latency = 10;
  for (let round = 0; round < 30; round++) {
    latency *= 1.1;
    g = groupByLatency(peers({ ...others, p: latency }), g);
  }
  // 10 · 1.1^30 ≈ 174 ms: long since out of the 10 ms group's band.
  assert.notEqual(groupIdsByPeer(g).get('p'), home);
  assert.equal(groupIdsByPeer(g).get('a'), home);
  assert.equal(g.groups.length, 2);
});
