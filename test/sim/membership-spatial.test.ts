import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TieredTopology } from '../../src/testing/tiered-topology';
import { SimCluster } from '../../src/testing/sim-cluster';
import { runSpatialTrial } from '../bench/spatial-gossip.bench';
import { simTest } from './sim-helpers';

/**
 * Exchanges each node started with each peer tier, over `intervals`, and which peers it reached.
 * Counts requests only (the caller's choice), from every node.
 */
async function partnerChoice(c: SimCluster, topology: TieredTopology, intervals: number): Promise<{ byTier: number[]; contacted: Map<string, Set<string>> }> {
  const byTier = new Array<number>(topology.tiers).fill(0);
  const contacted = new Map(c.nodes.map((n) => [n.id, new Set<string>()]));
  c.network.observeTraffic((from, to, _bytes, kind, answer) => {
    if (kind !== 'exchange' || answer) return;
    byTier[topology.tierOf(from, to)]!++;
    contacted.get(from)!.add(to);
  });
  await c.runIntervals(intervals);
  c.network.observeTraffic(undefined);
  return { byTier, contacted };
}

// 2 regions × 2 zones × 8 nodes: from each node 7 peers at 1 ms, 8 at 20 ms, 16 at 80 ms (one-way).
const SHAPE = [2, 2, 8];
const ONE_WAY = [1, 20, 80];

function build(c: SimCluster, topology: TieredTopology, spatialShare: number, known: (tier: number) => boolean = () => true): void {
  for (let i = 0; i < topology.capacity; i++) {
    let self = '';
    const node = c.addNode({
      membership: { spatialShare },
      distance: (id) => (known(topology.tierOf(self, id)) ? topology.rttMs(self, id) : undefined),
    });
    self = node.id;
    topology.place(node.id);
  }
  c.bootstrap();
}

// A round-robin cycle here is 31 peers at one round-robin pick per interval (2 of the 3 partners
// are spatial), so any 2 × 31 intervals hold a whole cycle.
const CYCLE_BOUND = 64;

for (const [name, share, seed] of [
  ['uniform partner choice', 0, 6001],
  ['spatial partner choice (2/3)', 2 / 3, 6002],
] as const) {
  const topology = new TieredTopology(SHAPE, ONE_WAY, 0.1);
  simTest(`${name}: every node still exchanges with every peer within ${CYCLE_BOUND} intervals (round-robin kept)`, seed, { latencyModel: topology.latency }, async (c) => {
    build(c, topology, share);
    await c.runIntervals(2);
    const { contacted } = await partnerChoice(c, topology, CYCLE_BOUND);
    for (const [id, peers] of contacted) assert.equal(peers.size, topology.capacity - 1, `${id} exchanged with only ${peers.size} of ${topology.capacity - 1} peers`);
  });
}

test('spatial picks favour near peers (∝ 1/d²) while a uniform share still reaches far ones; unmeasured peers count as uniform', async () => {
  const shares = new Map<string, number[]>();
  for (const [arm, share, known] of [
    ['uniform', 0, () => true],
    ['spatial', 2 / 3, () => true],
    ['spatial, nothing measured', 2 / 3, () => false],
  ] as const) {
    const topology = new TieredTopology(SHAPE, ONE_WAY, 0.1);
    const c = new SimCluster({ seed: 6003, latencyModel: topology.latency });
    build(c, topology, share, known);
    await c.runIntervals(2);
    const { byTier } = await partnerChoice(c, topology, 40);
    const total = byTier.reduce((a, b) => a + b, 0);
    shares.set(arm, byTier.map((x) => x / total));
  }
  const [uNear, , uFar] = shares.get('uniform')!;
  const [sNear, , sFar] = shares.get('spatial')!;
  const [xNear] = shares.get('spatial, nothing measured')!;
  // Uniform: 7 of 31 peers are near. Spatial: two of three partners near (their weight is 1/4
  // against 1/1600 and 1/25,600), the third uniform: (2 + 7/31) / 3 ≈ 0.74.
  assert.ok(Math.abs(uNear! - 7 / 31) < 0.05, `uniform near share ${uNear}`);
  assert.ok(sNear! > 2.5 * uNear!, `spatial near share ${sNear} vs uniform ${uNear}`);
  assert.ok(sFar! > 0.25 * uFar!, `the far tier kept ${sFar} of the exchanges (uniform: ${uFar})`);
  assert.ok(Math.abs(xNear! - uNear!) < 0.05, `with no distance measured, spatial picks should be uniform: near share ${xNear} vs ${uNear}`);
});

test('spatial gossip over measured RTTs (4 regions × 3 zones × 10): about a third of the slow-link bytes of uniform gossip, and news still reaches every node within log2 N rounds', async () => {
  const common = { shape: [4, 3, 10], oneWayMs: [1, 20, 80], seed: 6004, distance: 'measured' as const, changes: 6, windowRounds: 10, maxRounds: 30 };
  const uniform = await runSpatialTrial({ ...common, spatialShare: 0 });
  const spatial = await runSpatialTrial({ ...common, spatialShare: 2 / 3 });
  const bound = Math.ceil(Math.log2(uniform.n));
  for (const t of [uniform, spatial]) {
    for (const r of t.rounds) assert.ok(r > 0 && r <= bound, `share ${t.spatialShare}: a change took ${r} rounds (bound ${bound}; -1: never) [seed ${common.seed}]`);
  }
  assert.ok(Math.max(...spatial.rounds) <= Math.max(...uniform.rounds) + 2, `spatial ${spatial.rounds} vs uniform ${uniform.rounds} rounds`);
  const slowRatio = spatial.slowBytesPerNodeRound / uniform.slowBytesPerNodeRound;
  assert.ok(slowRatio < 0.5, `slow-link bytes spatial/uniform ${slowRatio.toFixed(3)} [seed ${common.seed}]`);
  assert.ok(spatial.slowShare < uniform.slowShare / 2, `slow share ${spatial.slowShare} vs ${uniform.slowShare}`);
  // Not by sending less overall: the total stays about the same.
  const bytesRatio = spatial.bytesPerNodeRound / uniform.bytesPerNodeRound;
  assert.ok(bytesRatio > 0.8 && bytesRatio < 1.1, `total bytes spatial/uniform ${bytesRatio.toFixed(3)}`);
});
