import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEvent, formatEventLine, CLUSTER_EVENT_TYPES } from '../../src/events/cluster-event';
import { EventJournal } from '../../src/events/event-journal';
import { memberEvent } from '../../src/events/membership-events';

function journal(capacity: number, errors: unknown[] = []): EventJournal {
  let now = 1000;
  return new EventJournal({ observer: () => 'self', now: () => now++, onListenerError: (e) => errors.push(e) }, capacity);
}

test('the backlog keeps the newest events, numbered, and a watcher resumes after the last it saw', () => {
  const j = journal(3);
  for (const id of ['a', 'b', 'c', 'd', 'e']) j.record({ type: 'member_joined', nodeId: id });
  assert.deepEqual(j.since().map((e) => [e.seq, e.nodeId]), [[3, 'c'], [4, 'd'], [5, 'e']]);
  assert.deepEqual(j.since(4).map((e) => e.nodeId), ['e']);
  assert.equal(j.since(0)[0]!.observer, 'self');
  assert.equal(j.lastSeq, 5);
});

test('follow gives the backlog after a sequence number, then new events; unsubscribe stops them', () => {
  const j = journal(10);
  j.record({ type: 'member_joined', nodeId: 'a' });
  j.record({ type: 'member_suspect', nodeId: 'a', state: 'suspect' });
  const seen: string[] = [];
  const stop = j.follow((e) => seen.push(`${e.seq}:${e.type}`), 1);
  j.record({ type: 'member_dead', nodeId: 'a', state: 'dead' });
  stop();
  j.record({ type: 'member_removed', nodeId: 'a' });
  assert.deepEqual(seen, ['2:member_suspect', '3:member_dead']);
  const live: number[] = [];
  j.follow((e) => live.push(e.seq));
  j.record({ type: 'member_joined', nodeId: 'b' });
  assert.deepEqual(live, [5], 'no backlog without a sequence number');
});

test('a listener that throws is reported and does not stop the others', () => {
  const errors: unknown[] = [];
  const j = journal(10, errors);
  const seen: number[] = [];
  j.follow(() => {
    throw new Error('boom');
  });
  j.follow((e) => seen.push(e.seq));
  j.record({ type: 'member_joined', nodeId: 'a' });
  assert.deepEqual(seen, [1]);
  assert.equal(errors.length, 1);
});

test('a backlog of less than one event is refused', () => {
  assert.throws(() => journal(0), RangeError);
});

test('every event type has plain words, and membership events map to member_* with their facts', () => {
  for (const type of CLUSTER_EVENT_TYPES) assert.match(describeEvent({ type }), /^[a-z][a-zA-Z :,]+$/);
  const e = memberEvent({ type: 'alive', nodeId: 'n1', state: 'alive', record: { mode: 'server', addresses: ['10.0.0.1'], leaf: { notAfterMs: 5 } } });
  assert.deepEqual(e, { type: 'member_alive', nodeId: 'n1', state: 'alive', mode: 'server', addresses: ['10.0.0.1'], leafNotAfterMs: 5 });
  assert.equal(describeEvent(e), 'member is alive again');
  const removed = memberEvent({ type: 'removed', nodeId: 'n1', state: 'dead', by: 'n2', record: { mode: 'server', addresses: [], leaf: { notAfterMs: 5 } } });
  assert.equal(removed.state, 'removed');
  assert.equal(removed.by, 'n2');
  const line = formatEventLine({ seq: 1, atMs: 0, observer: 'self', type: 'join_refused', nodeId: '', code: 'ERR_JOIN_TOKEN', detail: 'join from 10.0.0.9' });
  assert.equal(line, '1970-01-01T00:00:00.000Z  join refused    code=ERR_JOIN_TOKEN  join from 10.0.0.9');
});
