import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Logger } from '../../src/log/logger';
import type { KvEntry } from '../../plugins/kv/entry';
import { EntryLog } from '../../plugins/kv/entry-log';
import { MAX_COUNTER } from '../../plugins/kv/hlc';
import { Replica } from '../../plugins/kv/replica';
import { ManualClock } from '../../src/testing/manual-clock';
import { removeDir, tempDir } from '../helpers/node-process';

const NOW = Date.UTC(2026, 11, 8, 2, 0, 0);
const MINUTE = 60_000;

function entry(key: string, wallMs: number, counter: number): KvEntry {
  return { key, value: Buffer.from(`value of ${key}`), deleted: false, version: { wallMs, counter, nodeId: 'writer' }, signature: new Uint8Array(0) };
}

/** A store written as an older version would have: whatever entries it was given, unchecked. */
async function writeStore(dir: string, entries: KvEntry[]): Promise<void> {
  const log = new EntryLog(dir, { fsync: false, compactAfter: 1000, compactRetryMs: 1000 }, { snapshotSource: () => entries, onCompactionError: () => undefined, now: () => NOW });
  await log.load();
  await log.open();
  for (const e of entries) await log.append(e);
  await log.close();
}

function collectingLog(warnings: string[]): Logger {
  const log = {
    warn: (_fields: object, message: string) => warnings.push(message),
    info: () => undefined,
    debug: () => undefined,
    error: () => undefined,
    trace: () => undefined,
    fatal: () => undefined,
    child: () => log,
  };
  return log as unknown as Logger;
}

function replicaIn(dir: string, warnings: string[]): Replica {
  return new Replica(
    {
      nodeId: 'self',
      dir,
      wallClock: () => NOW,
      clock: new ManualClock(NOW),
      publish: async () => undefined,
      authorship: { sign: async () => new Uint8Array(0), verify: () => 'valid' },
      onWritable: () => undefined,
      log: collectingLog(warnings),
    },
    { maxKeyBytes: 64, maxValueBytes: 1024, tombstoneRetentionMs: 7 * 24 * 60 * MINUTE, fsync: false, compactAfter: 1000, maxClockDriftMs: MINUTE, storageProbeMs: 1000 },
  );
}

test('a store poisoned before entries were checked (max timestamp, far future, counter past the wire) keeps its data but does not pin the clock; one warning', async () => {
  const dir = await tempDir();
  const warnings: string[] = [];
  const replica = replicaIn(dir, warnings);
  try {
    await writeStore(dir, [
      entry('pinned', Number.MAX_SAFE_INTEGER, MAX_COUNTER),
      entry('next-year', NOW + 365 * 24 * 60 * MINUTE, 0),
      entry('wide-counter', NOW - MINUTE, MAX_COUNTER + 1),
      entry('ordinary', NOW - 1_000, 7),
      entry('within-drift', NOW + 30_000, 2),
    ]);
    const loaded = await replica.load();
    assert.equal(loaded.entries, 5, 'every entry is kept');
    assert.equal(loaded.unobserved, 3);
    for (const key of ['pinned', 'next-year', 'wide-counter', 'ordinary', 'within-drift']) {
      assert.equal(Buffer.from(replica.state.get(key)!.value).toString(), `value of ${key}`, `${key} is served`);
    }
    assert.equal(replica.hlc.current().wallMs, NOW + 30_000, 'the clock moved past the entries within the drift bound only');
    assert.ok(replica.hlc.current().counter > 2);
    const written = await replica.put('after-restart', Buffer.from('x'));
    assert.equal(written.version.wallMs, NOW + 30_000, 'a new write is stamped near real time, so peers accept it');
    assert.ok(written.version.counter > 2 && written.version.counter < MAX_COUNTER, 'after the entry within the drift bound');
    assert.equal(warnings.filter((w) => /do not move the clock/.test(w)).length, 1, `one warning: ${warnings.join(' | ')}`);
    assert.match(warnings.find((w) => /do not move the clock/.test(w))!, /^3 stored kv entries/);
  } finally {
    await replica.close();
    await removeDir(dir);
  }
});

test('an unpoisoned store moves the clock past every stored timestamp, without a warning', async () => {
  const dir = await tempDir();
  const warnings: string[] = [];
  const replica = replicaIn(dir, warnings);
  try {
    await writeStore(dir, [entry('a', NOW - 5_000, 1), entry('b', NOW + 10_000, 9)]);
    assert.equal((await replica.load()).unobserved, 0);
    assert.equal(replica.hlc.current().wallMs, NOW + 10_000);
    assert.ok(replica.hlc.current().counter > 9, 'after the latest stored entry');
    assert.deepEqual(warnings, []);
  } finally {
    await replica.close();
    await removeDir(dir);
  }
});
