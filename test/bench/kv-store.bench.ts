import { syncResponder, syncWith, type SyncPeer } from '../../plugins/kv/anti-entropy';
import type { KvEntry } from '../../plugins/kv/entry';
import { encodeEntry } from '../../plugins/kv/entry-codec';
import { KvState } from '../../plugins/kv/kv-state';
import { Replica } from '../../plugins/kv/replica';
import { EntryLog } from '../../plugins/kv/entry-log';
import { HybridLogicalClock } from '../../plugins/kv/hlc';
import { generateKeyPairSync } from 'node:crypto';
import { CaPublicKeys } from '../../src/identity/ca-public-keys';
import type { PluginAuthorship } from '../../src/plugins/contract';
import { pluginAuthorship } from '../../src/plugins/plugin-authorship';
import { systemClock } from '../../src/util/clock';
import { silentLogger } from '../../src/log/logger';
import { SeededRandom } from '../../src/testing/seeded-random';
import { removeDir, tempDir } from '../helpers/node-process';
import { median, round, table } from './stats';

/*
 * The kv plugin's store, in one process (no network):
 *   1. durable writes: Put, one at a time and 64 in flight, fsync on (the default), 200-byte
 *      values, three write paths measured in the same run (ROUNDS alternating rounds):
 *        - before: the old order, apply then persist, unsigned (re-created here from the same
 *          EntryLog, KvState and clock, as Replica.write was before persist-before-apply);
 *        - persist → apply: the Replica's order now, with a signer that signs nothing, so the
 *          difference to "before" is the order alone;
 *        - persist → apply + signature: the Replica as it runs in a node, each write signed with
 *          an RSA-2048 node CA key (on libuv's thread pool).
 *      Group commit should make 64 in flight with fsync cost far less than 64 fsyncs.
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

type WritePath = 'before' | 'persist-apply' | 'persist-apply-signed';

const UNSIGNED: PluginAuthorship = { sign: async () => new Uint8Array(0), verify: () => 'valid' };
let signedAuthorship: PluginAuthorship | undefined;

/** An authorship over a real RSA-2048 key, as a node's kv plugin has. */
function rsaAuthorship(): PluginAuthorship {
  if (!signedAuthorship) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    signedAuthorship = pluginAuthorship('kv', { signingKeyPem: () => pem, casOf: () => [] }, new CaPublicKeys());
  }
  return signedAuthorship;
}

/** The write path before persist-before-apply: stamp, apply, then append (a failed append left the write applied). */
async function oldOrderStore(dir: string): Promise<{ put(key: string, value: Uint8Array): Promise<void>; close(): Promise<void> }> {
  const state = new KvState({ tombstoneRetentionMs: 86_400_000, nowMs: () => Date.now() });
  const hlc = new HybridLogicalClock(() => Date.now());
  const log = new EntryLog(dir, { fsync: true, compactAfter: 1_000_000, compactRetryMs: 1000 }, { snapshotSource: () => state.all(), onCompactionError: () => undefined, now: () => Date.now() });
  await log.load();
  await log.open();
  return {
    async put(key, value) {
      const entry: KvEntry = { key, value, deleted: false, version: { ...hlc.tick(), nodeId: 'bench' }, signature: new Uint8Array(0) };
      state.merge(entry);
      await log.append(entry);
    },
    close: () => log.close(),
  };
}

async function writeRun(path: WritePath, concurrency: number): Promise<number> {
  const dir = await tempDir('g2g-kv-bench-');
  try {
    let store: { put(key: string, value: Uint8Array): Promise<unknown>; close(): Promise<void> };
    if (path === 'before') store = await oldOrderStore(dir);
    else {
      const replica = new Replica(
        {
          nodeId: 'bench',
          dir,
          wallClock: () => Date.now(),
          clock: systemClock,
          publish: async () => undefined,
          authorship: path === 'persist-apply' ? UNSIGNED : rsaAuthorship(),
          onWritable: () => undefined,
          log: silentLogger(),
        },
        { maxKeyBytes: 512, maxValueBytes: 65536, tombstoneRetentionMs: 86_400_000, fsync: true, compactAfter: 1_000_000, maxClockDriftMs: 60_000, storageProbeMs: 1000 },
      );
      await replica.load();
      store = replica;
    }
    const value = Buffer.alloc(200, 7);
    const started = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < WRITES) await store.put(`key-${next++}`, value);
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await store.close();
    return WRITES / seconds;
  } finally {
    await removeDir(dir);
  }
}

function entry(i: number, wallMs: number, value: string): KvEntry {
  return { key: `some/realistic/key-${i}`, value: Buffer.from(value), deleted: false, version: { wallMs, counter: 0, nodeId: 'node-a' }, signature: new Uint8Array(0) };
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
  const paths: { path: WritePath; label: string }[] = [
    { path: 'before', label: 'before: apply → persist' },
    { path: 'persist-apply', label: 'persist → apply' },
    { path: 'persist-apply-signed', label: 'persist → apply + RSA signature' },
  ];
  const modes = [1, 64].flatMap((concurrency) => paths.map((p) => ({ ...p, concurrency, mode: `${p.label}, ${concurrency === 1 ? '1 at a time' : `${concurrency} in flight`}` })));
  const samples = new Map<string, number[]>(modes.map((m) => [m.mode, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const m of modes) {
      log(`kv-store: round ${r + 1}/${ROUNDS}, ${m.mode}`);
      samples.get(m.mode)!.push(await writeRun(m.path, m.concurrency));
    }
  }
  // Each against the old order at the same concurrency.
  const writes = modes.map((m) => {
    const rate = median(samples.get(m.mode)!);
    const before = median(samples.get(modes.find((b) => b.path === 'before' && b.concurrency === m.concurrency)!.mode)!);
    return { mode: m.mode, writesPerSecond: Math.round(rate), ratio: round(rate / before, 2) };
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
    table([['Put (200-byte values, fsync on)', 'writes/s (median)', 'vs before, same concurrency'], ...r.writes.map((w) => [w.mode, w.writesPerSecond, `${w.ratio}×`])]),
    '',
    table([
      [`one anti-entropy round, ${N} keys`, 'calls', 'bytes', 'of the whole store'],
      ...r.sync.map((s) => [`${s.differing} key${s.differing === 1 ? '' : 's'} differ${s.differing === 1 ? 's' : ''}`, s.calls, s.bytes, `${round(s.fraction * 100, 2)} %`]),
    ]),
  ].join('\n');
}
