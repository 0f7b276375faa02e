import assert from 'node:assert/strict';
import { appendFile, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { compareVersions, type KvEntry } from '../../plugins/kv/entry';
import { EntryLog, LOG_FILE } from '../../plugins/kv/entry-log';
import { KvState } from '../../plugins/kv/kv-state';
import { removeDir, tempDir } from '../helpers/node-process';
import { ManualClock } from '../../src/testing/manual-clock';

/** An authorship that signs nothing and takes every writer's word (this file tests storage, not authors). */
const TRUST_ALL = { sign: async () => new Uint8Array(0), verify: () => 'valid' as const };

function put(key: string, value: string, wallMs: number): KvEntry {
  return { key, value: Buffer.from(value), deleted: false, version: { wallMs, counter: 0, nodeId: 'n1' }, signature: new Uint8Array(0) };
}

/** A state persisted by an EntryLog in `dir`, loaded from whatever is there. */
async function openStore(dir: string, compactAfter = 1000) {
  const state = new KvState({ tombstoneRetentionMs: 86_400_000, nowMs: () => 1 });
  const compactionErrors: unknown[] = [];
  const log = new EntryLog(dir, { fsync: true, compactAfter, compactRetryMs: 1000 }, {
    snapshotSource: (persisted) => overlay(state, persisted),
    onCompactionError: (error) => compactionErrors.push(error),
    now: () => 0,
  });
  const loaded = await log.load();
  for (const e of loaded.entries) state.merge(e);
  await log.open();
  // Persist, then apply (the replica's order).
  const write = async (e: KvEntry) => {
    await log.append(e);
    state.merge(e);
  };
  return { state, log, loaded, write, compactionErrors };
}

/** The state with just-persisted entries laid over it (what the replica hands the log). */
function overlay(state: KvState, persisted: readonly KvEntry[]): KvEntry[] {
  const byKey = new Map([...state.all()].map((e) => [e.key, e]));
  for (const e of persisted) {
    const held = byKey.get(e.key);
    if (!held || compareVersions(e.version, held.version) > 0) byKey.set(e.key, e);
  }
  return [...byKey.values()];
}

function dump(state: KvState): Record<string, string> {
  return Object.fromEntries([...state.all()].map((e) => [e.key, e.deleted ? '<deleted>' : Buffer.from(e.value).toString()]));
}

test('a reopened store holds every acknowledged write, tombstones included', async () => {
  const dir = await tempDir('g2g-kv-');
  try {
    const a = await openStore(dir);
    await Promise.all([a.write(put('x', '1', 10)), a.write(put('y', '2', 11)), a.write(put('z', 'bytes\u0000\u00ff', 12))]);
    await a.write({ key: 'y', value: new Uint8Array(0), deleted: true, version: { wallMs: 20, counter: 0, nodeId: 'n1' }, signature: new Uint8Array(0) });
    // Simulate a crash: no close(), so nothing but the log and the first snapshot is on disk.
    const b = await openStore(dir);
    assert.deepEqual(dump(b.state), { x: '1', y: '<deleted>', z: 'bytes\u0000\u00ff' });
    assert.equal(b.loaded.skippedRecords, 0);
    await a.log.close().catch(() => undefined);
    await b.log.close();
  } finally {
    await removeDir(dir);
  }
});

test('a torn last line (a crash mid-append) is skipped, and later appends are not glued to it', async () => {
  const dir = await tempDir('g2g-kv-');
  try {
    const a = await openStore(dir);
    await a.write(put('x', '1', 10));
    await appendFile(path.join(dir, LOG_FILE), '{"k":"half-writ');
    const b = await openStore(dir);
    assert.equal(b.loaded.skippedRecords, 1);
    assert.deepEqual(dump(b.state), { x: '1' });
    await b.write(put('after', '2', 11));
    const c = await openStore(dir);
    assert.equal(c.loaded.skippedRecords, 0);
    assert.deepEqual(dump(c.state), { x: '1', after: '2' });
    for (const s of [a, b, c]) await s.log.close().catch(() => undefined);
  } finally {
    await removeDir(dir);
  }
});

test('the log is folded into a snapshot after compactAfter records, and the data survives it', async () => {
  const dir = await tempDir('g2g-kv-');
  try {
    const a = await openStore(dir, 10);
    for (let i = 0; i < 25; i++) await a.write(put(`k${i % 7}`, `v${i}`, 100 + i));
    const logBytes = (await stat(path.join(dir, LOG_FILE))).size;
    const lines = (await readFile(path.join(dir, LOG_FILE), 'utf8')).split('\n').filter(Boolean).length;
    assert.ok(lines < 10, `the log was compacted (${lines} records, ${logBytes} bytes)`);
    const b = await openStore(dir, 10);
    assert.deepEqual(dump(b.state), dump(a.state));
    assert.equal(Object.keys(dump(b.state)).length, 7);
    await a.log.close();
    await b.log.close();
  } finally {
    await removeDir(dir);
  }
});

test('concurrent appends are group-committed and all acknowledged; close is idempotent and refuses later appends', async () => {
  const dir = await tempDir('g2g-kv-');
  try {
    const a = await openStore(dir, 1_000_000);
    await Promise.all(Array.from({ length: 200 }, (_, i) => a.write(put(`k${i}`, 'v', 10 + i))));
    await a.log.close();
    await a.log.close();
    await assert.rejects(a.log.append(put('late', 'v', 1)));
    const b = await openStore(dir);
    assert.equal(b.state.size, 200);
    await b.log.close();
  } finally {
    await removeDir(dir);
  }
});

test('metadata survives a restart, and compactNow makes a dropped entry stay dropped', async () => {
  const dir = await tempDir('g2g-kv-');
  try {
    const a = await openStore(dir);
    await a.write(put('keep', '1', 10));
    await a.write(put('drop', '2', 11));
    await a.log.saveMeta({ lastSyncMs: 12345 });
    a.state.forget('drop');
    await a.log.compactNow();
    const b = await openStore(dir);
    assert.deepEqual(dump(b.state), { keep: '1' });
    assert.equal(b.loaded.meta.lastSyncMs, 12345);
    await a.log.close();
    await b.log.close();
  } finally {
    await removeDir(dir);
  }
});

test('a replica that applies an expired tombstone over an old value does not get the value back after a restart', async () => {
  const { Replica } = await import('../../plugins/kv/replica');
  const { silentLogger } = await import('../../src/log/logger');
  const dir = await tempDir('g2g-kv-');
  const DAY = 86_400_000;
  const now = { ms: 10 * DAY };
  const open = async () => {
    const r = new Replica(
      { nodeId: 'me', dir, wallClock: () => now.ms, clock: new ManualClock(now.ms), publish: async () => undefined, authorship: TRUST_ALL, onWritable: () => undefined, log: silentLogger() },
      { maxKeyBytes: 64, maxValueBytes: 64, tombstoneRetentionMs: DAY, fsync: false, compactAfter: 1000, maxClockDriftMs: 60_000, storageProbeMs: 1000 },
    );
    await r.load();
    return r;
  };
  try {
    const a = await open();
    await a.applyRemote([put('old', 'v', 1 * DAY)], 'peer');
    // A tombstone from day 2 arrives on day 10 (long collected elsewhere): it still deletes.
    await a.applyRemote([{ key: 'old', value: new Uint8Array(0), deleted: true, version: { wallMs: 2 * DAY, counter: 0, nodeId: 'n2' }, signature: new Uint8Array(0) }], 'peer');
    assert.equal(a.state.get('old'), undefined);
    // Crash: no close. The restarted replica must not serve the value again.
    const b = await open();
    assert.equal(b.state.get('old'), undefined);
    assert.equal(b.state.totalEntries, 0);
    await b.close();
  } finally {
    await removeDir(dir);
  }
});
