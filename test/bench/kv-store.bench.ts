import { syncResponder, syncWith, type SyncPeer } from '../../plugins/kv/anti-entropy';
import type { KvEntry } from '../../plugins/kv/entry';
import { encodeEntry } from '../../plugins/kv/entry-codec';
import { KvState } from '../../plugins/kv/kv-state';
import { Replica } from '../../plugins/kv/replica';
import { silentLogger } from '../../src/log/logger';
import { SeededRandom } from '../../src/testing/seeded-random';
import { removeDir, tempDir } from '../helpers/node-process';
import { median, round, table } from './stats';

/*
 * The kv plugin's store, in one process (no network):
 *   1. durable writes: Put through the replica (HLC stamp, merge, append to the log, a no-op
 *      publish), one at a time and 64 in flight, with fsync on and off. Group commit should make
 *      64 in flight with fsync cost far less than 64 fsyncs; the figures are ratios against
 *      sequential writes with fsync off, measured in the same run (ROUNDS alternating rounds).
 *   2. anti-entropy cost: two stores of N keys that differ in d keys; one round's calls and
 *      bytes (entries as their channel encoding, key versions as key + 16, digests 4 KiB) against
 *      shipping the whole store.
 */

const WRITES = 400;
const ROUNDS = 3;
const N = 20_000;
const DIFFS = [0, 1, 10, 100, 1000];

export interface KvStoreResult {
  writes: { mode: string; writesPerSecond: number; ratio: number }[];
  sync: { differing: number; calls: number; bytes: number; fullStateBytes: number; fraction: number }[];
}

async function writeRun(fsync: boolean, concurrency: number): Promise<number> {
  const dir = await tempDir('g2g-kv-bench-');
  try {
    const replica = new Replica(
      { nodeId: 'bench', dir, wallClock: () => Date.now(), publish: async () => undefined, log: silentLogger() },
      { maxKeyBytes: 512, maxValueBytes: 65536, tombstoneRetentionMs: 86_400_000, fsync, compactAfter: 1_000_000, skewWarningMs: 60_000 },
    );
    await replica.load();
    const value = Buffer.alloc(200, 7);
    const started = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < WRITES) await replica.put(`key-${next++}`, value);
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await replica.close();
    return WRITES / seconds;
  } finally {
    await removeDir(dir);
  }
}

function entry(i: number, wallMs: number, value: string): KvEntry {
  return { key: `some/realistic/key-${i}`, value: Buffer.from(value), deleted: false, version: { wallMs, counter: 0, nodeId: 'node-a' } };
}

async function syncCost(differing: number): Promise<KvStoreResult['sync'][number]> {
  const a = new KvState({ tombstoneRetentionMs: 86_400_000, nowMs: () => 1 });
  const b = new KvState({ tombstoneRetentionMs: 86_400_000, nowMs: () => 1 });
  const rnd = new SeededRandom(differing + 1);
  const value = 'v'.repeat(100);
  let fullStateBytes = 0;
  for (let i = 0; i < N; i++) {
    const e = entry(i, 1000, value);
    a.merge(e);
    b.merge(e);
    fullStateBytes += encodeEntry(e).length;
  }
  const changed = new Set<number>();
  while (changed.size < differing) changed.add(Math.floor(rnd.next() * N));
  for (const i of changed) b.merge(entry(i, 2000, `${value}!`));
  let calls = 0;
  let bytes = 0;
  const peer: SyncPeer = {
    async digest(buckets) {
      calls++;
      bytes += buckets.length * 16;
      return syncResponder.digest(b, buckets, true);
    },
    async versions(buckets) {
      calls++;
      const out = syncResponder.versions(b, buckets);
      bytes += out.reduce((n, kv) => n + kv.key.length + 16, 0);
      return out;
    },
    async fetch(keys) {
      calls++;
      const out = syncResponder.fetch(b, keys, 1 << 20);
      bytes += keys.reduce((n, k) => n + k.length, 0) + out.reduce((n, e) => n + encodeEntry(e).length, 0);
      return out;
    },
    async push(entries) {
      calls++;
      bytes += entries.reduce((n, e) => n + encodeEntry(e).length, 0);
      for (const e of entries) b.merge(e);
    },
  };
  await syncWith(peer, {
    state: a,
    apply: async (entries) => void entries.forEach((e) => a.merge(e)),
    forget: async () => undefined,
  });
  if (a.differingBuckets(b.bucketDigests()).length !== 0) throw new Error('the round did not converge');
  return { differing, calls, bytes, fullStateBytes, fraction: round(bytes / fullStateBytes, 4) };
}

export async function runKvStore(log: (line: string) => void): Promise<KvStoreResult> {
  const modes = [
    { mode: 'fsync off, 1 at a time', fsync: false, concurrency: 1 },
    { mode: 'fsync off, 64 in flight', fsync: false, concurrency: 64 },
    { mode: 'fsync on, 1 at a time', fsync: true, concurrency: 1 },
    { mode: 'fsync on, 64 in flight', fsync: true, concurrency: 64 },
  ];
  const samples = new Map<string, number[]>(modes.map((m) => [m.mode, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const m of modes) {
      log(`kv-store: round ${r + 1}/${ROUNDS}, ${m.mode}`);
      samples.get(m.mode)!.push(await writeRun(m.fsync, m.concurrency));
    }
  }
  const baseline = median(samples.get(modes[0]!.mode)!);
  const writes = modes.map((m) => {
    const rate = median(samples.get(m.mode)!);
    return { mode: m.mode, writesPerSecond: Math.round(rate), ratio: round(rate / baseline, 2) };
  });
  const sync = [];
  for (const d of DIFFS) {
    log(`kv-store: sync cost, ${d} of ${N} keys differ`);
    sync.push(await syncCost(d));
  }
  return { writes, sync };
}

export function kvStoreTable(r: KvStoreResult): string {
  return [
    table([['Put (200-byte values)', 'writes/s (median)', 'vs fsync off, 1 at a time'], ...r.writes.map((w) => [w.mode, w.writesPerSecond, `${w.ratio}×`])]),
    '',
    table([
      [`one anti-entropy round, ${N} keys`, 'calls', 'bytes', 'of the whole store'],
      ...r.sync.map((s) => [`${s.differing} key${s.differing === 1 ? '' : 's'} differ${s.differing === 1 ? 's' : ''}`, s.calls, s.bytes, `${round(s.fraction * 100, 2)} %`]),
    ]),
  ].join('\n');
}
