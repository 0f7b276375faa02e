import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PeerLatencies } from '../../src/pool/peer-latencies';

test('PeerLatencies: the latency of a peer is the minimum of its recent samples, measured peers are grouped, the order alternates far/near and rotates', () => {
  const l = new PeerLatencies();
  const rtt: Record<string, number> = { a1: 1, a2: 1.1, b1: 40, b2: 44, c1: 160 };
  for (let round = 1; round <= 3; round++) for (const [id, ms] of Object.entries(rtt)) l.track(id).recordRtt(ms, round);
  l.track('unmeasured').recordError(1);
  l.track('b2').recordRtt(90, 4); // one sample queued behind a busy peer
  assert.equal(l.latencyOf('b2'), 44, 'a slow sample does not move the latency');
  assert.ok(l.snapshotOf('b2')!.ewmaMs! > 44, 'while the EWMA follows it');
  assert.equal(l.latencyOf('unmeasured'), undefined, 'a peer with errors only has no distance');
  assert.equal(l.latencyOf('nobody'), undefined);
  const grouping = l.regroup();
  assert.deepEqual(grouping.groups.map((g) => g.members.map((m) => m.id)), [['a1', 'a2'], ['b1', 'b2'], ['c1']]);
  assert.deepEqual(l.groups(), grouping.groups);
  assert.deepEqual(l.peekOrder(), ['c1', 'a1', 'b1', 'a2', 'b2']);
  assert.deepEqual(l.nextOrder(), ['c1', 'a1', 'b1', 'a2', 'b2']);
  assert.deepEqual(l.nextOrder(3), ['c1', 'a2', 'b2'], 'the rotation within groups advanced');
  assert.equal(l.all().length, 6);
  assert.equal(l.snapshotOf('c1')!.samples, 3);
});

test('PeerLatencies: retain forgets departed peers; a regrouping keeps the groups of those that stay (hysteresis)', () => {
  const l = new PeerLatencies();
  for (const [id, ms] of Object.entries({ a: 2, b: 2.2, c: 50, d: 55 })) l.track(id).recordRtt(ms, 1);
  const before = l.regroup();
  const groupOfC = before.groups.find((g) => g.members.some((m) => m.id === 'c'))!.id;
  l.retain(new Set(['a', 'c', 'd']));
  assert.equal(l.get('b'), undefined);
  l.track('c').recordRtt(58, 2); // jitter within the band
  const after = l.regroup();
  assert.deepEqual(after.groups.map((g) => g.members.map((m) => m.id)), [['a'], ['c', 'd']]);
  assert.equal(after.groups[1]!.id, groupOfC);
});
