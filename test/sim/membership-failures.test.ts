import assert from 'node:assert/strict';
import type { MembershipEvent } from '../../src/membership/membership';
import { simTest } from './sim-helpers';

const FAST = { reconnectIntervalMs: 5000 };

simTest('a crashed node is declared dead by every other node', 2001, { latencyMs: [1, 10], membership: FAST }, async (c) => {
  for (let i = 0; i < 100; i++) c.addNode();
  c.bootstrap();
  await c.runIntervals(30);
  assert.ok(c.converged(), 'the cluster should be converged before the crash');
  const victim = c.nodes[17]!;
  c.crash(victim.id);
  const rounds = await c.runUntil(() => c.countSeeing(victim.id, 'dead') === 99, 120);
  assert.ok(rounds > 0, `after 120 intervals only ${c.countSeeing(victim.id, 'dead')} of 99 nodes declared the crashed node dead`);
  // Nobody else was dragged down with it.
  for (const n of c.live()) assert.equal(c.countSeeing(n.id, 'alive'), 98, `${n.id} is not alive everywhere`);
});

simTest('a partition longer than the suspicion time, then a heal: one view again', 2002, { latencyMs: [1, 10], membership: FAST }, async (c) => {
  for (let i = 0; i < 60; i++) c.addNode();
  c.bootstrap();
  await c.runIntervals(20);
  const left = c.nodes.slice(0, 30).map((n) => n.id);
  const right = c.nodes.slice(30).map((n) => n.id);
  c.network.partition([left, right]);
  const split = await c.runUntil(() => left.every((a) => right.every((b) => c.stateAt(a, b) === 'dead' && c.stateAt(b, a) === 'dead')), 200);
  assert.ok(split > 0, 'each side should declare the other dead while partitioned');
  // Within a side nobody was declared dead.
  for (const side of [left, right]) for (const a of side) for (const b of side) if (a !== b) assert.equal(c.stateAt(a, b), 'alive');
  c.network.heal();
  const healed = await c.runUntil(() => c.converged(), 120);
  assert.ok(healed > 0, 'after the heal every node should list every other as alive again');
});

simTest('10 % of nodes pausing for 2 intervals at random for an hour: no healthy node is declared dead', 2003, { latencyMs: [1, 10] }, async (c) => {
  const n = 40;
  for (let i = 0; i < n; i++) c.addNode();
  c.bootstrap();
  const deaths: MembershipEvent[] = [];
  const suspicions: MembershipEvent[] = [];
  for (const node of c.nodes) {
    node.membership.onEvent((e) => {
      if (e.type === 'dead') deaths.push(e);
      if (e.type === 'suspect') suspicions.push(e);
    });
  }
  // About 10 % of the nodes paused at any moment, each pause 2 intervals, starting anywhere.
  const pauses = await c.runPausing(3600);
  assert.ok(pauses > 3600 * n * 0.04, `the workload should have paused nodes often (${pauses} pauses)`);
  assert.equal(deaths.length, 0, `healthy nodes were declared dead: ${deaths.slice(0, 5).map((e) => `${e.nodeId} by ${e.by}`).join(', ')} (${suspicions.length} suspicions)`);
});
