import assert from 'node:assert/strict';
import { targetOf } from '../../src/membership/transport';
import { PeerLatencies } from '../../src/pool/peer-latencies';
import { passOrder } from '../../src/pool/query-order';
import { SimLatencyProbe } from '../../src/testing/sim-latency-probe';
import { TieredTopology } from '../../src/testing/tiered-topology';
import type { SimCluster, SimNode } from '../../src/testing/sim-cluster';
import { adjustedRandIndex } from '../bench/query-reach.bench';
import { simTest } from './sim-helpers';

// 3 regions × 3 zones × 3 nodes: from every node, 2 peers at 1 ms (its zone), 6 at 20 ms (its
// region) and 18 at 80 ms (one-way, ±10 %), so every node sees the three tiers around it.
const topology = new TieredTopology([3, 3, 3], [1, 20, 80], 0.1);
const ROUNDS = 12;
const BOUND = 3;

/** Every node with its own measurement loop (the pool's, over the simulated network), feeding its membership's distances. */
function withProbes(c: SimCluster, n: number): { node: SimNode; probe: SimLatencyProbe }[] {
  const out: { node: SimNode; probe: SimLatencyProbe }[] = [];
  for (let i = 0; i < n; i++) {
    const latencies = new PeerLatencies();
    const node = c.addNode({ distance: (id) => latencies.latencyOf(id) });
    topology.place(node.id);
    const probe = new SimLatencyProbe(
      {
        clock: node.endpoint.clock,
        transport: node.endpoint.transport,
        peers: () => node.membership.members().filter((m) => m.state === 'alive' && m.mode === 'server').map((m) => targetOf(m.record)),
      },
      { intervalMs: c.intervalMs, timeoutMs: c.intervalMs },
      latencies,
    );
    out.push({ node, probe });
  }
  return out;
}

simTest('three latency tiers (1, 20, 80 ms): every node recovers them as its latency groups (ARI 1) within 3 rounds, and its query order alternates far/near', 5001, { latencyModel: topology.latency }, async (c) => {
  const nodes = withProbes(c, topology.capacity);
  c.bootstrap();
  for (const { probe } of nodes) probe.start(c.random.int(c.intervalMs));
  // Round r of a node is its r-th completed measurement; the first round every node has matched from and kept matching.
  const exactFrom = new Map<string, number>();
  for (let step = 0; step < ROUNDS + 4; step++) {
    await c.runIntervals(1);
    for (const { node, probe } of nodes) {
      if (probe.rounds === 0) continue;
      const groups = probe.latencies.groups();
      const peers = groups.flatMap((g) => g.members.map((m) => ({ id: m.id, group: g.id })));
      assert.equal(peers.length, topology.capacity - 1, `${node.id} grouped ${peers.length} peers`);
      const ari = adjustedRandIndex(peers.map((p) => topology.tierOf(node.id, p.id)), peers.map((p) => p.group));
      if (ari !== 1) exactFrom.delete(node.id);
      else if (!exactFrom.has(node.id)) exactFrom.set(node.id, probe.rounds);
    }
  }
  for (const { node, probe } of nodes) {
    assert.ok(probe.rounds >= ROUNDS, `${node.id} measured only ${probe.rounds} rounds`);
    const from = exactFrom.get(node.id);
    assert.ok(from !== undefined && from <= BOUND, `${node.id}: tiers recovered from round ${from ?? 'never'} (bound ${BOUND})`);

    // The query order: far, near, mid, far, near, mid, … (passOrder for three groups), every peer once.
    const groups = probe.latencies.groups();
    assert.equal(groups.length, 3);
    assert.deepEqual(passOrder(3), [2, 0, 1]);
    const labels = groups.map((g) => g.labelMs);
    assert.ok(labels[0]! < 3 && labels[1]! > 30 && labels[1]! < 50 && labels[2]! > 140, `${node.id}: group labels ${labels.join(', ')} ms`);
    for (let q = 0; q < 3; q++) {
      const order = probe.latencies.nextOrder();
      assert.equal(new Set(order).size, topology.capacity - 1);
      const tiers = order.map((id) => topology.tierOf(node.id, id));
      // 2 near, 6 mid, 18 far: two full passes, then the near tier is used up.
      assert.deepEqual(tiers.slice(0, 6), [2, 0, 1, 2, 0, 1]);
      assert.deepEqual(tiers.slice(6, 14), [2, 1, 2, 1, 2, 1, 2, 1]);
    }
  }
});
