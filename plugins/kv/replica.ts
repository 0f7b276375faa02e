import type { Logger } from '../../src/log/logger';
import type { KvEntry } from './entry';
import { EntryLog, type KvMeta } from './entry-log';
import { InvalidKeyError, KvStorageError, KvStoppedError, ValueTooLargeError } from './errors';
import { HybridLogicalClock } from './hlc';
import { KvState } from './kv-state';

export interface ReplicaOptions {
  maxKeyBytes: number;
  maxValueBytes: number;
  tombstoneRetentionMs: number;
  fsync: boolean;
  compactAfter: number;
  /** A remote timestamp this far ahead of our wall clock is logged (a peer's clock is wrong). */
  skewWarningMs: number;
}

export interface ReplicaComponents {
  nodeId: string;
  /** Where the snapshot and log live (the plugin's data dir). */
  dir: string;
  /** This node's wall clock (ms). */
  wallClock: () => number;
  /** Spreads a local write to the other members (the gossip channel). */
  publish(entry: KvEntry): Promise<void>;
  log: Logger;
}

/**
 * One node's copy of the store: the merged state, the hybrid logical clock that stamps local
 * writes, and the log that makes every applied entry durable before it is acknowledged. Local
 * writes and entries from peers (channel, sync) go through here; reads go to `state`.
 */
export class Replica {
  readonly state: KvState;
  readonly hlc: HybridLogicalClock;
  private readonly store: EntryLog;
  private meta: KvMeta = { lastSyncMs: 0 };
  private open = false;
  private readonly warnedSkew = new Set<string>();
  private readonly warnedPublish = new Set<string>();

  constructor(
    private readonly c: ReplicaComponents,
    private readonly options: ReplicaOptions,
  ) {
    this.hlc = new HybridLogicalClock(c.wallClock);
    this.state = new KvState({ tombstoneRetentionMs: options.tombstoneRetentionMs, nowMs: c.wallClock });
    this.store = new EntryLog(c.dir, { fsync: options.fsync, compactAfter: options.compactAfter }, () => this.state.all());
  }

  /**
   * Loads the snapshot and log, so the node serves its data at once; the clock is moved past
   * every stored timestamp, so a clock that went backwards across the restart cannot stamp a new
   * write before an old one.
   */
  async load(): Promise<{ entries: number; skippedRecords: number }> {
    let loaded;
    try {
      loaded = await this.store.load();
    } catch (error) {
      throw new KvStorageError(`cannot read the kv store in ${this.c.dir}: ${(error as Error).message}`, { cause: error });
    }
    for (const e of loaded.entries) {
      this.state.merge(e);
      this.hlc.observe(e.version);
    }
    this.meta = loaded.meta;
    this.state.collectTombstones();
    await this.store.open();
    this.open = true;
    return { entries: this.state.totalEntries, skippedRecords: loaded.skippedRecords };
  }

  get lastSyncMs(): number {
    return this.meta.lastSyncMs;
  }

  async put(key: string, value: Uint8Array): Promise<KvEntry> {
    this.checkKey(key);
    if (value.length > this.options.maxValueBytes) {
      throw new ValueTooLargeError(`value of ${value.length} bytes exceeds maxValueBytes (${this.options.maxValueBytes})`);
    }
    return this.write({ key, value: new Uint8Array(value), deleted: false, version: { ...this.hlc.tick(), nodeId: this.c.nodeId } });
  }

  /** Writes a tombstone (even for a key we hold no value for: a peer may, unseen yet). */
  async delete(key: string): Promise<{ entry: KvEntry; existed: boolean }> {
    this.checkKey(key);
    const existed = this.state.get(key)?.deleted === false;
    const entry = await this.write({ key, value: new Uint8Array(0), deleted: true, version: { ...this.hlc.tick(), nodeId: this.c.nodeId } });
    return { entry, existed };
  }

  /**
   * Merges entries from peers (channel or sync); persists those that changed the state. Returns
   * how many did (an expired tombstone counts).
   */
  async applyRemote(entries: readonly KvEntry[], from: string): Promise<number> {
    this.checkOpen();
    const writes: Promise<void>[] = [];
    for (const entry of entries) {
      const ahead = this.hlc.observe(entry.version);
      if (ahead > this.options.skewWarningMs && !this.warnedSkew.has(entry.version.nodeId)) {
        this.warnedSkew.add(entry.version.nodeId);
        this.c.log.warn({ writer: entry.version.nodeId, from, aheadMs: ahead }, 'a write is stamped ahead of this node\'s clock (one of the two clocks is wrong); ordering stays consistent');
      }
      const outcome = this.state.merge(entry);
      // An expired tombstone may have removed an older value: log it too, or a restart would
      // bring the value back (replaying it removes the value again, and it is never stored).
      if (outcome === 'applied' || outcome === 'expired') writes.push(this.store.append(entry));
    }
    await this.persist(writes);
    return writes.length;
  }

  /** Drops entries without a newer write (the stale-node rule of anti-entropy), durably. */
  async forget(keys: readonly string[]): Promise<void> {
    this.checkOpen();
    for (const key of keys) this.state.forget(key);
    await this.store.compactNow();
  }

  async recordSync(atMs: number): Promise<void> {
    this.meta = { lastSyncMs: atMs };
    if (this.open) await this.store.saveMeta(this.meta);
  }

  /** Collects expired tombstones (in memory; the next compaction drops them from disk). */
  collectTombstones(): number {
    return this.state.collectTombstones();
  }

  /** Flushes and closes the log. Writes are refused afterwards. Idempotent. */
  async close(): Promise<void> {
    this.open = false;
    await this.store.close();
  }

  private async write(entry: KvEntry): Promise<KvEntry> {
    this.checkOpen();
    this.state.merge(entry);
    await this.persist([this.store.append(entry)]);
    try {
      await this.c.publish(entry);
    } catch (error) {
      // The write stands here and is durable; anti-entropy carries it to the others. Logged once
      // per error code: a client-mode node, which may not publish, would otherwise log every write.
      const code = String((error as { code?: unknown }).code ?? 'unknown');
      if (!this.warnedPublish.has(code)) {
        this.warnedPublish.add(code);
        this.c.log.warn({ err: error, code }, 'could not publish a write on the channel; writes spread by anti-entropy (logged once per error code)');
      }
    }
    return entry;
  }

  private async persist(writes: Promise<void>[]): Promise<void> {
    try {
      await Promise.all(writes);
    } catch (error) {
      throw new KvStorageError(`could not persist to ${this.c.dir}: ${(error as Error).message}`, { cause: error });
    }
  }

  private checkKey(key: string): void {
    const bytes = Buffer.byteLength(key, 'utf8');
    if (bytes === 0) throw new InvalidKeyError('key is empty');
    if (bytes > this.options.maxKeyBytes) throw new InvalidKeyError(`key of ${bytes} bytes exceeds maxKeyBytes (${this.options.maxKeyBytes})`);
  }

  private checkOpen(): void {
    if (!this.open) throw new KvStoppedError('the kv store is not open (the plugin is stopping or has not started)');
  }
}
