import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupByLatency, type Grouping } from '../../src/pool/latency-groups';
import { PeerStats } from '../../src/pool/peer-stats';
import { QueryOrder } from '../../src/pool/query-order';
import { SeededRandom } from '../../src/testing/seeded-random';
import { adjustedRandIndex, queryReachTable, runQueryReach } from '../bench/query-reach.bench';

test('adjusted Rand index: 1 for equal partitions under relabelling, below 1 otherwise, negative when worse than chance', () => {
  assert.equal(adjustedRandIndex([0, 0, 1, 1, 2, 2], ['a', 'a', 'b', 'b', 'c', 'c']), 1);
  assert.equal(adjustedRandIndex([0, 0, 1, 1, 2, 2], [5, 5, 3, 3, 9, 9]), 1);
  assert.equal(adjustedRandIndex([0, 0, 0], [1, 1, 1]), 1);
  assert.equal(adjustedRandIndex([0, 1, 2], [0, 1, 2]), 1);
  // sklearn: adjusted_rand_score([0, 0, 1, 1], [0, 1, 0, 1]) == -0.5
  assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]) + 0.5) < 1e-12);
  // sklearn: adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) ≈ 0.5714
  assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1]) - 4 / 7) < 1e-12);
  assert.ok(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3]) < 1);
  assert.throws(() => adjustedRandIndex([0], [0, 1]), RangeError);
});

test('three tiers from jittered RTT samples: recovered exactly (ARI 1) within 3 rounds and kept; the order alternates far/near', () => {
  const tiersMs = [1, 20, 80];
  const truth = tiersMs.flatMap((_, t) => [...Array(10).keys()].map((i) => ({ id: `t${t}-${i}`, tier: t })));
  const rnd = new SeededRandom(11);
  const stats = new Map(truth.map((p) => [p.id, new PeerStats()]));
  const order = new QueryOrder();
  let grouping: Grouping | undefined;
  for (let round = 1; round <= 50; round++) {
    for (const p of truth) stats.get(p.id)!.recordRtt(tiersMs[p.tier]! * (0.9 + 0.2 * rnd.next()), round * 1000);
    grouping = groupByLatency(truth.map((p) => ({ id: p.id, latencyMs: stats.get(p.id)!.snapshot().ewmaMs! })), grouping);
    const found = new Map(grouping.groups.flatMap((g) => g.members.map((m) => [m.id, g.id] as const)));
    const ari = adjustedRandIndex(truth.map((p) => p.tier), truth.map((p) => found.get(p.id)!));
    if (round >= 3) assert.equal(ari, 1, `round ${round}`);
    const tierOf = (id: string) => Number(id.slice(1, id.indexOf('-')));
    const list = order.next(grouping.groups);
    assert.equal(list.length, 30);
    if (round >= 3) assert.deepEqual(list.slice(0, 6).map(tierOf), [2, 0, 1, 2, 0, 1]);
  }
});

test('the query-reach benchmark: the virtual list reaches min(k, 3) tiers, a random order fewer', async () => {
  const result = await runQueryReach(() => {});
  for (const p of result.populations) {
    assert.equal(p.ari.min, 1);
    for (const r of p.reach) {
      assert.equal(r.virtualList, r.best);
      if (r.k >= 2) assert.ok(r.randomOrder < r.virtualList, `${p.population} k=${r.k}`);
    }
  }
  assert.match(queryReachTable(result), /tiers reached: virtual list/);
});
