import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually } from '../helpers/eventually';
import { KvCluster } from '../helpers/kv-cluster';
import type { NodeProcess } from '../helpers/node-process';

/**
 * The kv plugin on three real node processes: a node paused (SIGSTOP) while the others write
 * and delete converges when it resumes; a restarted node serves its data at once and catches up.
 */
const cluster = new KvCluster();

before(() => cluster.start([{}, {}, {}]));
after(() => cluster.close());

test('kv: a node cut off (SIGSTOP) while the others write and delete converges when it comes back', async () => {
  const [a, b, c] = cluster.nodes as [NodeProcess, NodeProcess, NodeProcess];
  await cluster.put(a, 'partition/doomed', 'v');
  await cluster.put(a, 'partition/changed', 'before');
  await eventually('written everywhere', () => cluster.converged('partition/', 2), 30_000, 100);
  b.child.kill('SIGSTOP');
  try {
    await cluster.put(a, 'partition/changed', 'during');
    await cluster.put(c, 'partition/new', 'x');
    await cluster.delete(a, 'partition/doomed');
    // Until the others stop seeing it alive (suspected or dead, local profile).
    await eventually('the others no longer see b alive', async () => !(await cluster.aliveSeenBy(a)).includes(b.facts.nodeId), 60_000, 200);
  } finally {
    b.child.kill('SIGCONT');
  }
  await eventually('b converges after it comes back', () => cluster.converged('partition/', 2), 60_000, 200);
  assert.equal(await cluster.get(b, 'partition/doomed'), undefined);
  assert.equal(await cluster.get(b, 'partition/changed'), 'during');
  assert.equal(await cluster.get(b, 'partition/new'), 'x');
});

test('kv: a restarted node serves its data at once from disk, then catches up on what it missed', async () => {
  const [a, b] = cluster.nodes as [NodeProcess, NodeProcess];
  await cluster.put(b, 'restart/kept', 'yes');
  await eventually('written everywhere', () => cluster.converged('restart/', 1), 30_000, 100);
  assert.equal(await b.stop('SIGKILL'), null);
  await cluster.put(a, 'restart/missed', 'meanwhile');
  const restarted = await cluster.restart(b);
  assert.equal(await cluster.get(restarted, 'restart/kept'), 'yes', 'served from its own data dir');
  await eventually('the restarted node catches up', () => cluster.converged('restart/', 2), 60_000, 200);
  assert.equal(await cluster.get(restarted, 'restart/missed'), 'meanwhile');
});
