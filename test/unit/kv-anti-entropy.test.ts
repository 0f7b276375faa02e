import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupBuckets, syncResponder, syncWith, type SyncPeer } from '../../plugins/kv/anti-entropy';
import type { KvEntry } from '../../plugins/kv/entry';
import { KvState } from '../../plugins/kv/kv-state';
import { SeededRandom } from '../../src/testing/seeded-random';

const DAY = 86_400_000;

function put(key: string, value: string, wallMs: number, nodeId = 'n1'): KvEntry {
  return { key, value: Buffer.from(value), deleted: false, version: { wallMs, counter: 0, nodeId }, signature: new Uint8Array(0) };
}
function del(key: string, wallMs: number, nodeId = 'n1'): KvEntry {
  return { key, value: new Uint8Array(0), deleted: true, version: { wallMs, counter: 0, nodeId }, signature: new Uint8Array(0) };
}

/** A node in memory: its state, how it applies entries, and its responder as a SyncPeer. */
function node(now: { ms: number }, options: { authoritative?: boolean; fetchMaxBytes?: number } = {}) {
  const state = new KvState({ tombstoneRetentionMs: DAY, nowMs: () => now.ms });
  const calls = { digest: 0, versions: 0, fetch: 0, push: 0 };
  const asPeer: SyncPeer = {
    digest: async (b) => (calls.digest++, syncResponder.digest(state, b, options.authoritative ?? true)),
    versions: async (b) => (calls.versions++, syncResponder.versions(state, b)),
    fetch: async (k) => (calls.fetch++, syncResponder.fetch(state, k, options.fetchMaxBytes ?? 1 << 20)),
    push: async (entries) => {
      calls.push++;
      for (const e of entries) state.merge(e);
    },
  };
  const collaborators = {
    state,
    apply: async (entries: KvEntry[]) => {
      for (const e of entries) state.merge(e);
    },
    forget: async (keys: string[]) => {
      for (const k of keys) state.forget(k);
    },
  };
  return { state, asPeer, collaborators, calls };
}

function contents(s: KvState): string[] {
  return [...s.all()].map((e) => `${e.key}=${e.deleted ? '-' : Buffer.from(e.value).toString()}@${e.version.wallMs}`).sort();
}

test('one round makes two diverged stores identical (each side keeps the newer of every key)', async () => {
  const now = { ms: 1_000 };
  const a = node(now);
  const b = node(now);
  for (let i = 0; i < 300; i++) {
    a.state.merge(put(`shared-${i}`, 'same', 10));
    b.state.merge(put(`shared-${i}`, 'same', 10));
  }
  a.state.merge(put('only-a', 'a', 20));
  b.state.merge(put('only-b', 'b', 20));
  a.state.merge(put('both', 'a-newer', 30, 'na'));
  b.state.merge(put('both', 'b-older', 25, 'nb'));
  a.state.merge(put('deleted-on-b', 'v', 10));
  b.state.merge(del('deleted-on-b', 40));
  const outcome = await syncWith(b.asPeer, a.collaborators);
  assert.deepEqual(contents(a.state), contents(b.state));
  assert.equal(a.state.get('both')!.version.nodeId, 'na');
  assert.equal(a.state.get('deleted-on-b')!.deleted, true);
  assert.equal(outcome.pulled, 2, 'only-b and the tombstone');
  assert.equal(outcome.pushed, 2, 'only-a and the newer "both"');
  assert.ok(outcome.differingBuckets <= 4);
  // A second round finds nothing to do after one digest call.
  b.calls.digest = b.calls.versions = 0;
  const again = await syncWith(b.asPeer, a.collaborators);
  assert.deepEqual(again, { differingBuckets: 0, pulled: 0, pushed: 0, forgotten: 0 });
  assert.deepEqual([b.calls.digest, b.calls.versions], [1, 0]);
});

test('random partitions healed by rounds between random pairs converge every node to the same contents', async () => {
  const now = { ms: 1_000 };
  const rnd = new SeededRandom(11);
  const nodes = Array.from({ length: 5 }, () => node(now));
  // Each node received a different random subset of 400 writes (what the channel delivered
  // on its side of a partition).
  for (let i = 0; i < 400; i++) {
    const key = `k${Math.floor(rnd.next() * 60)}`;
    const entry = rnd.next() < 0.2 ? del(key, 100 + i, `n${i % 5}`) : put(key, `v${i}`, 100 + i, `n${i % 5}`);
    for (const n of nodes) if (rnd.next() < 0.4) n.state.merge(entry);
  }
  for (let round = 0; round < 12; round++) {
    for (let i = 0; i < nodes.length; i++) {
      const j = (i + 1 + Math.floor(rnd.next() * (nodes.length - 1))) % nodes.length;
      await syncWith(nodes[j]!.asPeer, nodes[i]!.collaborators);
    }
  }
  const reference = contents(nodes[0]!.state);
  for (const n of nodes) assert.deepEqual(contents(n.state), reference);
});

test('fetch answers are bounded in bytes; the initiator asks again for the rest', async () => {
  const now = { ms: 1_000 };
  const a = node(now);
  const b = node(now, { fetchMaxBytes: 10_000 });
  for (let i = 0; i < 20; i++) b.state.merge(put(`big-${i}`, 'x'.repeat(4_000), 10));
  const outcome = await syncWith(b.asPeer, a.collaborators);
  assert.equal(outcome.pulled, 20);
  assert.ok(b.calls.fetch >= 7, `${b.calls.fetch} fetch calls of at most 10 kB`);
  assert.deepEqual(contents(a.state), contents(b.state));
});

test('a stale node drops old entries an up-to-date peer no longer has, instead of resurrecting them', async () => {
  const now = { ms: 10 * DAY };
  const stale = node(now);
  const peer = node(now, { authoritative: true });
  // Both had "deleted-later" at the stale node's last sync (day 1); the network deleted it on
  // day 2 and collected the tombstone on day 3. The stale node also wrote while cut off.
  stale.state.merge(put('deleted-later', 'old', 0.5 * DAY));
  stale.state.merge(put('kept', 'v', 0.5 * DAY));
  peer.state.merge(put('kept', 'v', 0.5 * DAY));
  stale.state.merge(put('written-while-away', 'new', 5 * DAY));
  const outcome = await syncWith(peer.asPeer, stale.collaborators, { staleBeforeMs: 1 * DAY });
  assert.equal(outcome.forgotten, 1);
  assert.equal(stale.state.get('deleted-later'), undefined);
  assert.equal(peer.state.get('deleted-later'), undefined, 'not pushed back');
  assert.equal(Buffer.from(peer.state.get('written-while-away')!.value).toString(), 'new', 'writes made while away still spread');
  assert.deepEqual(contents(stale.state), contents(peer.state));
});

test('a stale node keeps and pushes its entries when the peer is not up to date either', async () => {
  const now = { ms: 10 * DAY };
  const stale = node(now);
  const fresh = node(now, { authoritative: false }); // e.g. a node that never synced
  stale.state.merge(put('old', 'v', 0.5 * DAY));
  const outcome = await syncWith(fresh.asPeer, stale.collaborators, { staleBeforeMs: 1 * DAY });
  assert.equal(outcome.forgotten, 0);
  assert.equal(outcome.pushed, 1);
  assert.ok(fresh.state.get('old'));
});

test('buckets are grouped so that each versions call stays under the entry limit', () => {
  const groups = groupBuckets([{ bucket: 1, entries: 5 }, { bucket: 2, entries: 5 }, { bucket: 3, entries: 30 }, { bucket: 4, entries: 1 }], 10);
  assert.deepEqual(groups, [[1, 2], [3], [4]]);
});
