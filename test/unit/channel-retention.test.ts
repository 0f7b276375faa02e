import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envelopeSize, type SignedMessage } from '../../src/channel/message';
import { RetentionBuffer } from '../../src/channel/retention-buffer';

const msg = (origin: string, seq: number, epoch = 1, bytes = 10): SignedMessage => ({
  origin,
  epoch,
  seq,
  topic: 't/x',
  data: new Uint8Array(bytes),
  publishedAtMs: 0,
  signature: new Uint8Array(16),
});

const seqs = (it: Iterable<SignedMessage>): string[] => [...it].map((m) => `${m.epoch}:${m.seq}`);

test('after() answers per origin in (epoch, seq) order, whatever the arrival order', () => {
  const r = new RetentionBuffer({ maxMessages: 100, maxBytes: 1e9, maxAgeMs: 1e9 });
  for (const s of [3, 1, 2, 5]) r.add(msg('a', s), 0);
  r.add(msg('a', 1, 2), 0);
  r.add(msg('b', 1), 0);
  assert.deepEqual(seqs(r.after('a', 0, 0)), ['1:1', '1:2', '1:3', '1:5', '2:1']);
  assert.deepEqual(seqs(r.after('a', 1, 2)), ['1:3', '1:5', '2:1']);
  assert.deepEqual(seqs(r.after('a', 2, 0)), ['2:1']);
  assert.deepEqual(seqs(r.after('a', 2, 1)), []);
  assert.deepEqual(seqs(r.after('c', 0, 0)), []);
  assert.deepEqual([...r.origins()].sort(), ['a', 'b']);
  assert.equal(r.newest('a')?.epoch, 2);
});

test('bounded by count: the oldest arrivals go first and leave the index', () => {
  const r = new RetentionBuffer({ maxMessages: 3, maxBytes: 1e9, maxAgeMs: 1e9 });
  for (let s = 1; s <= 5; s++) r.add(msg('a', s), s);
  assert.equal(r.size, 3);
  assert.deepEqual(seqs(r.after('a', 0, 0)), ['1:3', '1:4', '1:5']);
  r.add(msg('b', 1), 6);
  assert.deepEqual(seqs(r.after('a', 0, 0)), ['1:4', '1:5']);
});

test('bounded by bytes and by age; an origin with nothing left disappears', () => {
  const size = envelopeSize(msg('a', 1));
  const r = new RetentionBuffer({ maxMessages: 100, maxBytes: 2 * size, maxAgeMs: 1000 });
  r.add(msg('a', 1), 0);
  r.add(msg('a', 2), 0);
  r.add(msg('b', 1), 500);
  assert.equal(r.size, 2);
  assert.equal(r.bytes, 2 * size);
  assert.deepEqual(seqs(r.after('a', 0, 0)), ['1:2']);
  assert.equal(r.evict(1000), 0);
  assert.equal(r.evict(1001), 1);
  assert.deepEqual([...r.origins()], ['b']);
  assert.equal(r.evict(1501), 1);
  assert.equal(r.size, 0);
  assert.equal(r.bytes, 0);
  assert.deepEqual([...r.origins()], []);
});

test('stays consistent over many adds (the arrival list compacts)', () => {
  const r = new RetentionBuffer({ maxMessages: 500, maxBytes: 1e9, maxAgeMs: 1e9 });
  for (let s = 1; s <= 20_000; s++) r.add(msg(`o${s % 7}`, s), s);
  assert.equal(r.size, 500);
  let n = 0;
  for (const o of r.origins()) n += [...r.after(o, 0, 0)].length;
  assert.equal(n, 500);
});
