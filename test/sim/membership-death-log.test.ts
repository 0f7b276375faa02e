import assert from 'node:assert/strict';
import { EventJournal } from '../../src/events/event-journal';
import { logEvents } from '../../src/events/event-log';
import { memberEvent } from '../../src/events/membership-events';
import { createLogger } from '../../src/log/logger';
import { simTest } from './sim-helpers';

/**
 * One fact, one log line: a member's death is logged once on the node that sees it, as its
 * `member is dead` event line, not a second time by membership (`peer declared dead`).
 */
simTest('a dead member is one log line on the node that declares it', 2101, { latencyMs: [1, 10], membership: { reconnectIntervalMs: 5000 } }, async (c) => {
  const lines: Array<{ msg: string; nodeId?: string }> = [];
  const sink = {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.trim()) lines.push(JSON.parse(line) as { msg: string; nodeId?: string });
    },
  };
  const log = createLogger('info', sink, { format: 'json' });
  // As the node wires them: membership logs through its logger, its events through the journal's log.
  const watcher = c.addNode({ log });
  const journal = new EventJournal({ observer: () => watcher.id, now: () => c.scheduler.now(), onListenerError: (e) => assert.fail(String(e)) }, 100);
  logEvents(journal, log);
  watcher.membership.onEvent((e) => journal.record(memberEvent(e)));
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
