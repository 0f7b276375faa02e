import assert from 'node:assert/strict';
import { joinThroughSeed, simTest } from './sim-helpers';

// Full view (the table bound is above N), so "converged" means everyone lists everyone as alive.
// Rumours announce each newcomer; the few (node, newcomer) pairs a rumour misses in a join storm
// are repaired by full syncs, whose interval is shortened here from 30 s so that the test is short.
const OPTIONS = { latencyMs: [1, 10] as [number, number], membership: { maxDigests: 32, initialLimitIntervals: 30, pushPullIntervalMs: 5000 } };

simTest('1,000 nodes join through one seed and converge; then a change reaches everyone', 1001, OPTIONS, async (c) => {
  await joinThroughSeed(c, 1000, 250);
  const rounds = await c.runUntil(() => c.converged(), 60);
  assert.ok(rounds >= 0, `not converged after 60 intervals: min view ${Math.min(...c.nodes.map((n) => n.membership.peerCount))}`);
  for (const n of c.nodes) assert.equal(n.membership.peerCount, 999);

  // A leaf rotation on one node: a version bump gossiped as a rumour.
  const changed = c.nodes[c.random.int(c.nodes.length)]!;
  const record = changed.membership.updateLocal({ leaf: { fingerprint: `sha256:${'1'.repeat(64)}`, notAfterMs: c.scheduler.now() + 7200_000 } });
  const reached = () => c.nodes.every((n) => n.id === changed.id || c.recordAt(n.id, changed.id)?.version === record.version);
  const spread = await c.runUntil(reached, 20);
  assert.ok(spread > 0, `the change had not reached everyone after 20 intervals`);
  assert.ok(spread <= Math.ceil(Math.log2(1000)), `the change took ${spread} intervals, more than log2 N`);
  assert.equal(c.recordAt(c.nodes.find((n) => n.id !== changed.id)!.id, changed.id)?.leaf.fingerprint, `sha256:${'1'.repeat(64)}`);
});
