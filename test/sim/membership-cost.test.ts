import assert from 'node:assert/strict';
import { SimCluster } from '../../src/testing/sim-cluster';
import type { GossipRoundReport } from '../../src/testing/sim-gossip-report';
import { simTest } from './sim-helpers';

/** Bounded tables (64 peers) as the simulation benchmark runs them: the configuration meant to scale. */
const BOUNDED = { maxPeers: 64, maxDigests: 64 };

async function idleReport(c: SimCluster, n: number): Promise<GossipRoundReport> {
  for (let i = 0; i < n; i++) c.addNode();
  c.bootstrap(64);
  // Past the bootstrap's rumours and first full syncs, then a quiet window.
  await c.runIntervals(4);
  return c.runWithReport(5);
}

simTest('an idle cluster: messages and bytes per node per round do not grow with N (100 vs 1,000), counted by every node', 4101, { latencyMs: [1, 10], membership: BOUNDED }, async (c, t) => {
  const small = await idleReport(c, 100);
  const large = await idleReport(new SimCluster({ seed: 4102, latencyMs: [1, 10], membership: BOUNDED }), 1000);
  t.diagnostic(`N=100: ${small.messagesPerNodePerRound.toFixed(2)} msg, ${Math.round(small.bytesPerNodePerRound)} B per node per round; N=1000: ${large.messagesPerNodePerRound.toFixed(2)} msg, ${Math.round(large.bytesPerNodePerRound)} B`);
  assert.ok(small.messagesPerNodePerRound > 0, 'an idle cluster still gossips (heartbeats, anti-entropy)');
  assert.ok(small.byKind.some((k) => k.kind === 'exchange' && k.direction === 'received' && k.messagesPerNodePerRound > 0), 'answers are counted as received');
  assert.ok(large.messagesPerNodePerRound / small.messagesPerNodePerRound <= 1.2, `messages per node per round grew ${(large.messagesPerNodePerRound / small.messagesPerNodePerRound).toFixed(2)}× from N=100 to N=1,000`);
  assert.ok(large.bytesPerNodePerRound / small.bytesPerNodePerRound <= 1.2, `bytes per node per round grew ${(large.bytesPerNodePerRound / small.bytesPerNodePerRound).toFixed(2)}× from N=100 to N=1,000`);
  assert.equal(large.events.deaths + small.events.deaths, 0, 'nobody died in an idle cluster');
});
