import assert from 'node:assert/strict';
import type { MembershipEvent } from '../../src/membership/membership';
import type { SimCluster, SimNode } from '../../src/testing/sim-cluster';
import { simTest } from './sim-helpers';

/** What happened around one slow node: suspicions it raised, and what the others did to it. */
interface SlowNodeRun {
  raisedBySlow: MembershipEvent[];
  deathsOfSlow: number;
  refutations: number;
  maxScore: number;
}

/** 16 nodes converge; then `slow` (node 3) is made slow by `impair` for `seconds`, then healed. */
async function slowNodeRun(c: SimCluster, seconds: number, impair: (c: SimCluster, slow: SimNode) => () => void): Promise<SlowNodeRun> {
  for (let i = 0; i < 16; i++) c.addNode();
  c.bootstrap();
  await c.runIntervals(30);
  assert.ok(c.converged(), 'the cluster should be converged first');
  const slow = c.nodes[3]!;
  const run: SlowNodeRun = { raisedBySlow: [], deathsOfSlow: 0, refutations: 0, maxScore: 0 };
  for (const node of c.nodes) {
    node.membership.onEvent((e) => {
      if (node === slow && (e.type === 'suspect' || e.type === 'dead') && e.by === slow.id) run.raisedBySlow.push(e);
      if (e.nodeId === slow.id && e.type === 'dead') run.deathsOfSlow++;
    });
  }
  const heal = impair(c, slow);
  for (let s = 0; s < seconds; s++) {
    await c.run(1000);
    run.maxScore = Math.max(run.maxScore, slow.membership.localHealth().score);
  }
  heal();
  await c.runIntervals(60);
  run.refutations = slow.membership.stats().refutations;
  assert.ok(c.converged(), 'once healed, every node should list every other as alive');
  return run;
}

/** Every message to `slow` (requests and the answers to its own calls) reaches it `lagMs` late: its loop runs that far behind. */
function messagesLate(lagMs: number) {
  return (c: SimCluster, slow: SimNode): (() => void) => {
    for (const o of c.nodes) if (o !== slow) c.network.setLinkLatency(o.id, slow.id, [lagMs, lagMs + 10]);
    return () => {
      for (const o of c.nodes) if (o !== slow) c.network.setLinkLatency(o.id, slow.id, [1, 10]);
    };
  };
}

simTest('a node whose loop runs a second behind for five minutes suspects no healthy peer', 4101, { latencyMs: [1, 10] }, async (c) => {
  const run = await slowNodeRun(c, 300, messagesLate(1000));
  assert.deepEqual(
    run.raisedBySlow.map((e) => `${e.type} ${e.nodeId}`),
    [],
    'the slow node should raise no suspicion of a healthy peer',
  );
  assert.ok(run.maxScore > 0, 'the slow node should have known it was slow');
  assert.equal(run.deathsOfSlow, 0);
});

simTest('the same slow node, same seed, without local health awareness: false suspicions (what the awareness prevents)', 4101, { latencyMs: [1, 10], membership: { lhaMaxMultiplier: 1 } }, async (c) => {
  const run = await slowNodeRun(c, 300, messagesLate(1000));
  assert.ok(run.raisedBySlow.length > 0, 'without local health awareness the slow node should suspect healthy peers (else the test above proves nothing)');
  assert.equal(run.maxScore, 0);
});

simTest('a node whose loop is blocked 6 s of every 8 s for five minutes is refuted, never declared dead, and suspects no one', 4102, { latencyMs: [1, 10] }, async (c) => {
  const run = await slowNodeRun(c, 300, (cl, slow) => cl.blockLoop(slow.id, 6000, 8000));
  assert.deepEqual(run.raisedBySlow.map((e) => `${e.type} ${e.nodeId}`), [], 'the blocked node should raise no suspicion');
  assert.equal(run.deathsOfSlow, 0, 'the blocked node should never be declared dead');
  assert.ok(run.refutations > 0, 'its blocks outlast the heartbeat limit: it should have been suspected, and refuted');
  assert.ok(run.maxScore > 0);
});
