import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KvEntry } from '../../plugins/kv/entry';
import { KvState, type ChangeEvent } from '../../plugins/kv/kv-state';
import { SeededRandom } from '../../src/testing/seeded-random';

const DAY = 86_400_000;

function put(key: string, value: string, wallMs: number, nodeId = 'n1', counter = 0): KvEntry {
  return { key, value: Buffer.from(value), deleted: false, version: { wallMs, counter, nodeId }, signature: new Uint8Array(0) };
}

function del(key: string, wallMs: number, nodeId = 'n1', counter = 0): KvEntry {
  return { key, value: new Uint8Array(0), deleted: true, version: { wallMs, counter, nodeId }, signature: new Uint8Array(0) };
}

function newState(now = { ms: 1_000 }, retentionMs = DAY): KvState {
  return new KvState({ tombstoneRetentionMs: retentionMs, nowMs: () => now.ms });
}

function contents(s: KvState): string[] {
  return [...s.all()].map((e) => `${e.key}=${e.deleted ? '<deleted>' : Buffer.from(e.value).toString()}@${e.version.wallMs}.${e.version.counter}.${e.version.nodeId}`).sort();
}

test('last writer wins: a newer version replaces, an older one is stale, the same one a duplicate', () => {
  const s = newState();
  assert.equal(s.merge(put('k', 'one', 10)), 'applied');
  assert.equal(s.merge(put('k', 'two', 20)), 'applied');
  assert.equal(s.merge(put('k', 'old', 15)), 'stale');
  assert.equal(s.merge(put('k', 'two', 20)), 'duplicate');
  assert.equal(Buffer.from(s.get('k')!.value).toString(), 'two');
  assert.equal(s.size, 1);
});

test('a delete is a tombstone that beats older writes and loses to newer ones', () => {
  const s = newState();
  s.merge(put('k', 'v', 10));
  assert.equal(s.merge(del('k', 20)), 'applied');
  assert.equal(s.get('k')!.deleted, true);
  assert.equal(s.size, 0);
  assert.equal(s.totalEntries, 1);
  assert.equal(s.merge(put('k', 'late-but-older', 15)), 'stale', 'an older write arriving after the delete stays deleted');
  assert.deepEqual(s.list('', undefined, 10), []);
  assert.equal(s.merge(put('k', 'again', 30)), 'applied');
  assert.equal(s.size, 1);
});

test('merging is order-independent: 200 shuffled replays of the same writes give the same contents and digests', () => {
  const writes: KvEntry[] = [];
  const rnd = new SeededRandom(7);
  for (let i = 0; i < 120; i++) {
    const key = `k${Math.floor(rnd.next() * 15)}`;
    const wall = 1 + Math.floor(rnd.next() * 40);
    const node = `n${Math.floor(rnd.next() * 3)}`;
    writes.push(rnd.next() < 0.25 ? del(key, wall, node) : put(key, `v${i}`, wall, node));
  }
  // Two writes with one version but different values cannot happen (a version names one write).
  const byVersion = new Map<string, KvEntry>();
  for (const w of writes) byVersion.set(`${w.key}/${w.version.wallMs}/${w.version.nodeId}`, w);
  const unique = [...byVersion.values()];
  const reference = newState();
  for (const w of unique) reference.merge(w);
  for (let trial = 0; trial < 200; trial++) {
    const s = newState();
    const order = [...unique, ...unique.slice(0, 30)]; // some duplicates too
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd.next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const w of order) s.merge(w);
    assert.deepEqual(contents(s), contents(reference));
    assert.deepEqual(s.bucketDigests(), reference.bucketDigests());
  }
});

test('tombstones are collected after the retention period, and an expired tombstone still deletes an older value', () => {
  const now = { ms: 1_000 };
  const s = newState(now, DAY);
  s.merge(del('gone', 1_000));
  s.merge(put('kept', 'v', 1_000));
  now.ms = 1_000 + DAY - 1;
  assert.equal(s.collectTombstones(), 0);
  now.ms = 1_000 + DAY + 1;
  assert.equal(s.collectTombstones(), 1);
  assert.equal(s.get('gone'), undefined);
  assert.equal(s.get('kept')!.deleted, false, 'values are never collected');

  // A node that missed the delete holds the old value; the expired tombstone still removes it,
  // but is not stored again (it would only be collected once more).
  const lagging = newState(now, DAY);
  lagging.merge(put('gone', 'old', 500));
  assert.equal(lagging.merge(del('gone', 1_000)), 'expired');
  assert.equal(lagging.get('gone'), undefined);
  assert.equal(lagging.merge(del('other', 1_000)), 'expired');
  assert.equal(lagging.totalEntries, 0);
});

test('bucket digests: equal contents give equal digests, and only the buckets of differing keys differ', () => {
  const a = newState();
  const b = newState();
  for (let i = 0; i < 50; i++) {
    a.merge(put(`key-${i}`, 'x', 10));
    b.merge(put(`key-${i}`, 'x', 10));
  }
  assert.deepEqual(a.differingBuckets(b.bucketDigests()), []);
  b.merge(put('key-7', 'y', 11));
  b.merge(del('key-9', 12));
  const differing = a.differingBuckets(b.bucketDigests());
  assert.ok(differing.length >= 1 && differing.length <= 2);
  const keys = a.versionsIn(differing).map((kv) => kv.key);
  assert.ok(keys.includes('key-7') && keys.includes('key-9'));
  assert.ok(keys.length < 50, 'only the differing buckets are listed');
  // The digests are updated in place on every replacement (XOR out the old, XOR in the new).
  a.merge(put('key-7', 'y', 11));
  a.merge(del('key-9', 12));
  assert.deepEqual(a.differingBuckets(b.bucketDigests()), []);
});

test('list pages through live keys under a prefix in key order', () => {
  const s = newState();
  for (const k of ['b/2', 'a/1', 'b/1', 'b/3', 'c']) s.merge(put(k, k, 10));
  s.merge(del('b/2', 11));
  assert.deepEqual(s.list('b/', undefined, 10).map((e) => e.key), ['b/1', 'b/3']);
  assert.deepEqual(s.list('', 'a/1', 2).map((e) => e.key), ['b/1', 'b/3']);
});

test('change events carry the new state and the previous one, for applied merges and forgotten keys only', () => {
  const s = newState();
  const events: ChangeEvent[] = [];
  const off = s.onChange((e) => events.push(e));
  s.merge(put('k', 'one', 10));
  s.merge(put('k', 'stale', 5));
  s.merge(del('k', 20));
  s.merge(put('j', 'x', 10));
  s.forget('j');
  off();
  s.merge(put('k', 'unseen', 30));
  assert.deepEqual(
    events.map((e) => [e.entry.key, e.entry.deleted, e.previous?.deleted ?? null]),
    [
      ['k', false, null],
      ['k', true, false],
      ['j', false, null],
      ['j', true, false],
    ],
  );
  assert.equal(s.get('j'), undefined);
});
