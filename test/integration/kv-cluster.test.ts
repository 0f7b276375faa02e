import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually } from '../helpers/eventually';
import { KvCluster } from '../helpers/kv-cluster';
import type { NodeProcess } from '../helpers/node-process';

/**
 * The kv plugin on three real node processes: concurrent writers converge, and a node whose
 * clock runs 10 minutes fast (plugins.kv.clockOffset) does not win with an older write.
 * (kv-recovery.test.ts: a paused node and a restart, in a file of its own to stay well inside
 * the runner's per-file time budget.)
 */
const TEN_MINUTES = 10 * 60_000;
const cluster = new KvCluster();
// Every node tolerates the skew (the default maxClockDrift, 1 min, would refuse the fast node's
// writes: kv-authorship.test.ts tests that).
const TOLERATE = { G2G_PLUGIN_KV_MAX_CLOCK_DRIFT: '20m' };

before(() => cluster.start([TOLERATE, TOLERATE, { ...TOLERATE, G2G_PLUGIN_KV_CLOCK_OFFSET: '10m' }]));
after(() => cluster.close());

test('kv: concurrent writes of the same keys from 3 real nodes converge to the same contents', async () => {
  const keys = Array.from({ length: 20 }, (_, i) => `concurrent/${i}`);
  await Promise.all(cluster.nodes.flatMap((node, n) => keys.map((key) => cluster.put(node, key, `from-${n}`))));
  await eventually('every node lists the same 20 entries', () => cluster.converged('concurrent/', 20), 60_000, 200);
  for (const line of await cluster.list(cluster.nodes[0]!, 'concurrent/')) assert.match(line, /=from-[012]@/);
});

test('kv: a node whose wall clock is 10 minutes fast does not win with an older write', async () => {
  const [a, , fast] = cluster.nodes as [NodeProcess, NodeProcess, NodeProcess];
  const before = Date.now();
  const old = await cluster.put(fast, 'skew/config', 'old');
  assert.ok(old.wallMs >= before + TEN_MINUTES - 1_000, 'the fast node stamps 10 minutes ahead');
  await eventually('the honest node has the fast node\'s write', async () => (await cluster.get(a, 'skew/config')) === 'old', 30_000, 100);
  const newer = await cluster.put(a, 'skew/config', 'new'); // a real-time later write, made after seeing the old one
  assert.ok(newer.wallMs >= old.wallMs, 'stamped after what it had seen, not by its own clock');
  assert.ok(Date.now() < old.wallMs, 'the real time is still before the fast node\'s stamp');
  await eventually('every node keeps the newer write', async () => (await Promise.all(cluster.nodes.map((n) => cluster.get(n, 'skew/config')))).every((v) => v === 'new'), 30_000, 100);
});
