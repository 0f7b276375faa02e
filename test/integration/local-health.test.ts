import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeProcess } from '../helpers/node-process';
import { ScaleCluster, scrapeMetrics, waitUntil } from '../helpers/scale-cluster';

/*
 * Local health awareness on real processes: one node of four (`local` profile: 200 ms interval,
 * 100 ms probe timeout, 1 s heartbeat-limit floor) has its whole process stopped for 1 s out of
 * every 2.5 s (SIGSTOP/SIGCONT by pid: its event loop, timers and sockets all wait, as in a long
 * synchronous block or GC). It must suspect none of its healthy peers, and the others may suspect
 * it but must never declare it dead: it refutes.
 */

const N = 4;
const CYCLES = 12;
const STOPPED_MS = 1000;
const RUNNING_MS = 1500;

let cluster: ScaleCluster | undefined;
after(() => cluster?.stop());

/** The value of a metric without labels (summed over labels if it has some), or undefined. */
async function metric(node: NodeProcess, name: string): Promise<number | undefined> {
  const text = await scrapeMetrics(node.facts.metricsPort).catch(() => '');
  const values = [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].map((m) => Number(m[1]));
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) : undefined;
}

test(`a node stopped ${STOPPED_MS} ms of every ${STOPPED_MS + RUNNING_MS} ms suspects no healthy peer and is never declared dead`, async () => {
  const started = await ScaleCluster.start(N);
  cluster = started.cluster;
  const c = cluster;
  const full = await waitUntil(() => c.fullView(), 120_000, 250);
  assert.ok(full >= 0, 'the cluster should reach a full view');
  const blocked = c.nodes[N - 1]!;
  const healthy = c.nodes.slice(0, N - 1);
  const pid = blocked.child.pid!;
  const suspicionsBefore = await metric(blocked, 'g2g_suspicions_total');
  assert.notEqual(suspicionsBefore, undefined, 'the node exports g2g_suspicions_total');
  const deathsBefore = await Promise.all(healthy.map((n) => metric(n, 'g2g_deaths_total')));
  c.falseSuspicions.length = 0;

  // Everyone's view, polled while the cycles run (ScaleCluster records every non-alive sighting).
  let cycling = true;
  const polling = (async () => {
    while (cycling) {
      await c.views();
      await sleep(200);
    }
  })();
  let worstScore = 0;
  try {
    for (let i = 0; i < CYCLES; i++) {
      process.kill(pid, 'SIGSTOP');
      await sleep(STOPPED_MS);
      process.kill(pid, 'SIGCONT');
      await sleep(RUNNING_MS / 3);
      // Read while the stop is fresh: the score decays by one per healthy interval afterwards.
      worstScore = Math.max(worstScore, (await metric(blocked, 'g2g_local_health_score')) ?? 0);
      await sleep((2 * RUNNING_MS) / 3);
    }
  } finally {
    process.kill(pid, 'SIGCONT');
    cycling = false;
    await polling;
  }
  // Settle, then look once more: the others list it alive again, it lists them alive.
  assert.ok((await waitUntil(() => c.fullView(), 30_000, 250)) >= 0, 'after the cycles every node should list every other alive');

  const byBlocked = c.falseSuspicions.filter((s) => s.observer === blocked.facts.nodeId);
  assert.deepEqual(byBlocked, [], 'the stopped node should never list a healthy peer as suspect or dead');
  assert.equal(await metric(blocked, 'g2g_suspicions_total'), suspicionsBefore, 'the stopped node should raise no suspicion');
  const deathsOfBlocked = c.falseSuspicions.filter((s) => s.subject === blocked.facts.nodeId && s.state === 'MEMBER_STATE_DEAD');
  assert.deepEqual(deathsOfBlocked, [], 'no peer should list the stopped node dead');
  const deathsAfter = await Promise.all(healthy.map((n) => metric(n, 'g2g_deaths_total')));
  assert.deepEqual(deathsAfter, deathsBefore, 'no peer should have declared anyone dead, even between polls');
  assert.ok(worstScore > 0, 'the stopped node should have noticed its own stalls (g2g_local_health_score)');
});
