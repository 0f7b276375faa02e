import assert from 'node:assert/strict';
import { EventJournal } from '../../src/events/event-journal';
import { logEvents } from '../../src/events/event-log';
import { memberEvent } from '../../src/events/membership-events';
import { createLogger } from '../../src/log/logger';
import type { SimCluster, SimNode } from '../../src/testing/sim-cluster';
import { simTest } from './sim-helpers';

/**
 * One fact, one log line: a member's death or removal is logged once on the node that sees it,
 * as its event line (`member is dead`, `member removed`), not a second time by membership.
 */

type Line = { msg: string; nodeId?: string; by?: string };

/** A node whose membership and event lines are captured, wired as the node wires them. */
function watched(c: SimCluster): { node: SimNode; lines: Line[] } {
  const lines: Line[] = [];
  const sink = {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Line);
    },
  };
  const log = createLogger('info', sink, { format: 'json' });
  const node = c.addNode({ log });
  const journal = new EventJournal({ observer: () => node.id, now: () => c.scheduler.now(), onListenerError: (e) => assert.fail(String(e)) }, 100);
  logEvents(journal, log);
  node.membership.onEvent((e) => journal.record(memberEvent(e)));
  return { node, lines };
}

simTest('a dead member is one log line on the node that declares it', 2101, { latencyMs: [1, 10], membership: { reconnectIntervalMs: 5000 } }, async (c) => {
  const { node: watcher, lines } = watched(c);
  for (let i = 0; i < 4; i++) c.addNode();
  c.bootstrap();
  await c.runIntervals(20);
  assert.ok(c.converged(), 'converged before the crash');
  const victim = c.nodes[3]!;
  c.crash(victim.id);
  assert.ok((await c.runUntil(() => c.stateAt(watcher.id, victim.id) === 'dead', 120)) > 0, 'the watcher declares the crashed node dead');
  await c.runIntervals(2);
  const deaths = lines.filter((l) => l.nodeId === victim.id && /dead/.test(l.msg));
  assert.deepEqual(deaths.map((l) => l.msg), ['member is dead'], JSON.stringify(lines.filter((l) => l.nodeId === victim.id)));
});

simTest('a removed member is one log line, naming the remover, on a node that learns of it', 2102, { latencyMs: [1, 10] }, async (c) => {
  const { node: watcher, lines } = watched(c);
  for (let i = 0; i < 4; i++) c.addNode();
  c.bootstrap();
  await c.runIntervals(20);
  assert.ok(c.converged(), 'converged before the removal');
  const [remover, victim] = [c.nodes[1]!, c.nodes[3]!];
  remover.membership.remove(victim.id);
  assert.ok((await c.runUntil(() => watcher.membership.removalOf(victim.id) !== undefined, 40)) > 0, 'the removal reaches the watcher');
  await c.runIntervals(2);
  const removed = lines.filter((l) => l.nodeId === victim.id && /removed/.test(l.msg));
  assert.deepEqual(removed.map((l) => [l.msg, l.by]), [['member removed', remover.id]], JSON.stringify(lines.filter((l) => l.nodeId === victim.id)));
});
