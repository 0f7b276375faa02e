import { createHash } from 'node:crypto';
import { compareVersions, entryFingerprint, type KvEntry, type Version } from './entry';

/** Number of digest buckets: a sync compares 256 × 16 bytes, then only the buckets that differ. */
export const BUCKETS = 256;
const FINGERPRINT_BYTES = 16;

export type MergeOutcome =
  /** The entry is newer than what we held and is now the key's state. */
  | 'applied'
  /** We already hold exactly this write. */
  | 'duplicate'
  /** We hold a newer write for the key. */
  | 'stale'
  /** A tombstone past the retention period: it removed an older value if we had one, and is not kept. */
  | 'expired';

export interface ChangeEvent {
  /** The key's new state (a tombstone for a delete). */
  entry: KvEntry;
  /** The state it replaced, if any. */
  previous: KvEntry | undefined;
}

export interface KvStateOptions {
  /** How long a tombstone is kept after its write (ms), measured on `nowMs`. */
  tombstoneRetentionMs: number;
  /** The local wall clock (ms), for tombstone expiry. */
  nowMs: () => number;
}

/**
 * The replicated map's contents and its merge rule: per key, the entry with the greatest
 * {@link Version} wins (last-writer-wins on hybrid logical time). Merging is commutative,
 * associative and idempotent, so nodes that have received the same set of writes, in any order
 * and any number of times, hold the same contents. Keeps an XOR digest per bucket of keys,
 * updated on every change, for anti-entropy.
 */
export class KvState {
  private readonly entries = new Map<string, KvEntry>();
  private readonly digests: Buffer[] = Array.from({ length: BUCKETS }, () => Buffer.alloc(FINGERPRINT_BYTES));
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  private live = 0;

  constructor(private readonly options: KvStateOptions) {}

  /** Merges one write (local, gossiped, synced or replayed from disk). */
  merge(entry: KvEntry): MergeOutcome {
    const current = this.entries.get(entry.key);
    if (current) {
      const order = compareVersions(entry.version, current.version);
      if (order === 0) return 'duplicate';
      if (order < 0) return 'stale';
    }
    if (entry.deleted && this.isExpired(entry)) {
      // A tombstone old enough to have been collected elsewhere still wins over an older value
      // (a node that missed the delete must not keep it), but is not stored again.
      if (current && !current.deleted) {
        this.remove(current);
        this.emit({ entry, previous: current });
      } else if (current) {
        this.remove(current);
      }
      return 'expired';
    }
    if (current) this.remove(current);
    this.insert(entry);
    this.emit({ entry, previous: current });
    return 'applied';
  }

  get(key: string): KvEntry | undefined {
    return this.entries.get(key);
  }

  /** Every entry, tombstones included (for snapshots and sync). */
  all(): IterableIterator<KvEntry> {
    return this.entries.values();
  }

  /** Number of keys with a value (tombstones excluded). */
  get size(): number {
    return this.live;
  }

  /** Number of entries held, tombstones included. */
  get totalEntries(): number {
    return this.entries.size;
  }

  /**
   * Live entries whose key starts with `prefix`, in key order, after `afterKey` (exclusive),
   * at most `limit`.
   */
  list(prefix: string, afterKey: string | undefined, limit: number): KvEntry[] {
    const keys: string[] = [];
    for (const [key, e] of this.entries) {
      if (!e.deleted && key.startsWith(prefix) && (afterKey === undefined || key > afterKey)) keys.push(key);
    }
    keys.sort();
    return keys.slice(0, limit).map((k) => this.entries.get(k)!);
  }

  /**
   * Drops a key's entry without a newer write (anti-entropy's stale-node rule: the network
   * deleted it and has already collected the tombstone). Watchers see a delete.
   */
  forget(key: string): void {
    const current = this.entries.get(key);
    if (!current) return;
    this.remove(current);
    if (!current.deleted) this.emit({ entry: { ...current, value: new Uint8Array(0), deleted: true }, previous: current });
  }

  /** Drops tombstones past the retention period. Returns how many. */
  collectTombstones(): number {
    let removed = 0;
    for (const e of [...this.entries.values()]) {
      if (e.deleted && this.isExpired(e)) {
        this.remove(e);
        removed++;
      }
    }
    return removed;
  }

  /** Whether `entry` is a tombstone past retention (it would not be stored). */
  isExpired(entry: KvEntry): boolean {
    return entry.deleted && entry.version.wallMs + this.options.tombstoneRetentionMs < this.options.nowMs();
  }

  /** The XOR of the fingerprints of the entries in each bucket. */
  bucketDigests(): Buffer[] {
    return this.digests.map((d) => Buffer.from(d));
  }

  /** The buckets whose digest differs from `remote` (a missing or malformed remote digest differs). */
  differingBuckets(remote: readonly Uint8Array[]): number[] {
    const out: number[] = [];
    for (let b = 0; b < BUCKETS; b++) {
      const r = remote[b];
      if (!r || r.length !== FINGERPRINT_BYTES || !this.digests[b]!.equals(r)) out.push(b);
    }
    return out;
  }

  /** Key and version of every entry in `buckets`. */
  versionsIn(buckets: readonly number[]): { key: string; version: Version }[] {
    const wanted = new Set(buckets);
    const out: { key: string; version: Version }[] = [];
    for (const e of this.entries.values()) if (wanted.has(bucketOf(e.key))) out.push({ key: e.key, version: e.version });
    return out;
  }

  /** Calls `listener` after every change of a key's state; returns the unsubscribe function. */
  onChange(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private insert(entry: KvEntry): void {
    this.entries.set(entry.key, entry);
    if (!entry.deleted) this.live++;
    xorInto(this.digests[bucketOf(entry.key)]!, entryFingerprint(entry.key, entry.version));
  }

  private remove(entry: KvEntry): void {
    this.entries.delete(entry.key);
    if (!entry.deleted) this.live--;
    xorInto(this.digests[bucketOf(entry.key)]!, entryFingerprint(entry.key, entry.version));
  }

  private emit(event: ChangeEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A watcher's failure is its own (it ends its stream); the merge has happened.
      }
    }
  }
}

/** The digest bucket of a key: the first byte of its SHA-256. */
export function bucketOf(key: string): number {
  return createHash('sha256').update(key).digest()[0]!;
}

function xorInto(target: Buffer, other: Buffer): void {
  for (let i = 0; i < target.length; i++) target[i] = target[i]! ^ other[i]!;
}
