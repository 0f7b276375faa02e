import type { PluginAuthorship, Logger, Clock, TimerHandle } from 'g2g';
import { compareVersions, entrySigningBytes, type KvEntry } from './entry';
import { EntryLog, type KvMeta } from './entry-log';
import { InvalidKeyError, KvStorageError, KvStoppedError, ValueTooLargeError } from './errors';
import { HybridLogicalClock, MAX_COUNTER } from './hlc';
import { KvState } from './kv-state';

export interface ReplicaOptions {
  maxKeyBytes: number;
  maxValueBytes: number;
  tombstoneRetentionMs: number;
  fsync: boolean;
  compactAfter: number;
  /** An entry stamped more than this ahead of our wall clock is refused (it would pin every clock ahead). */
  maxClockDriftMs: number;
  /** While the store refuses writes, how often it is tried again (health comes back when it takes one). */
  storageProbeMs: number;
}

/** Why an entry from a peer was refused (each counted, see `Replica.refusals`). */
export type RefusalReason =
  /** Its signature is not its writer's. */
  | 'forged'
  /** No CA of its writer is known here yet (anti-entropy offers it again later). */
  | 'unknown-writer'
  /** Stamped more than maxClockDrift ahead of our clock. */
  | 'future'
  /** A counter or time past what the wire can carry. */
  | 'out-of-range';

export interface ReplicaComponents {
  nodeId: string;
  /** Where the snapshot and log live (the plugin's data dir). */
  dir: string;
  /** This node's wall clock (ms). */
  wallClock: () => number;
  /** Timers (the storage probe). */
  clock: Pick<Clock, 'setTimeout'>;
  /** Spreads a local write to the other members (the gossip channel). */
  publish(entry: KvEntry): Promise<void>;
  /** Signs our writes and checks every writer's. */
  authorship: PluginAuthorship;
  /** Storage took or refused a write: health follows (NOT_SERVING while it refuses). */
  onWritable(writable: boolean): void;
  /** An entry from a peer was refused (for the plugin's metric); the replica counts and logs it too. */
  onRefused?(reason: RefusalReason): void;
  log: Logger;
}

/** How often one refusal reason is logged at most (each refusal is counted). */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * One node's copy of the store: the merged state, the hybrid logical clock that stamps local
 * writes, and the log that makes every entry durable before it is applied or acknowledged.
 * Local writes and entries from peers (channel, sync) go through here; reads go to `state`.
 *
 * The write path: sign (local) or verify (remote) → persist (whole, synced) → apply → answer.
 * A write whose persist fails is neither applied nor acknowledged, and the store reports itself
 * unwritable until a probe write succeeds.
 */
export class Replica {
  readonly state: KvState;
  readonly hlc: HybridLogicalClock;
  private readonly store: EntryLog;
  private meta: KvMeta = { lastSyncMs: 0 };
  private open = false;
  private writable = true;
  private probeTimer: TimerHandle | undefined;
  private readonly refused: Record<RefusalReason, number> = { forged: 0, 'unknown-writer': 0, future: 0, 'out-of-range': 0 };
  private readonly refusalLoggedAt = new Map<RefusalReason, number>();
  private readonly warnedPublish = new Set<string>();

  constructor(
    private readonly c: ReplicaComponents,
    private readonly options: ReplicaOptions,
  ) {
    this.hlc = new HybridLogicalClock(c.wallClock);
    this.state = new KvState({ tombstoneRetentionMs: options.tombstoneRetentionMs, nowMs: c.wallClock });
    this.store = new EntryLog(
      c.dir,
      { fsync: options.fsync, compactAfter: options.compactAfter, compactRetryMs: 1000 },
      {
        snapshotSource: (persisted) => this.snapshotContents(persisted),
        onCompactionError: (error, retryInMs) =>
          c.log.warn({ err: error, retryInMs }, 'could not fold the kv log into a new snapshot (writes are safe in the log); retrying later'),
        now: c.wallClock,
      },
    );
  }

  /**
   * Loads the snapshot and log, so the node serves its data at once; the clock is moved past
   * every stored timestamp, so a clock that went backwards across the restart cannot stamp a new
   * write before an old one. Except past timestamps this node would refuse from a peer (out of
   * range, or more than maxClockDrift ahead of its clock): a store written before entries were
   * checked may hold one, and observing it would pin the clock there — every later write stamped
   * at the maximum, and refused by every peer. Such an entry keeps its data (it is served and
   * kept on disk as it was) but does not move the clock; one warning says how many there were.
   */
  async load(): Promise<{ entries: number; skippedRecords: number; unobserved: number }> {
    let loaded;
    try {
      loaded = await this.store.load();
    } catch (error) {
      throw new KvStorageError(`cannot read the kv store in ${this.c.dir}: ${(error as Error).message}`, { cause: error });
    }
    const unobserved: Record<'future' | 'out-of-range', number> = { future: 0, 'out-of-range': 0 };
    // The snapshot and the log may both hold an entry (the log is emptied at the next open): count it once.
    const counted = new Set<string>();
    let example: KvEntry | undefined;
    for (const e of loaded.entries) {
      this.state.merge(e);
      const refusal = this.timestampRefusal(e);
      if (refusal === undefined) {
        this.hlc.observe(e.version);
        continue;
      }
      const id = `${e.key}\0${e.version.nodeId}\0${e.version.wallMs}\0${e.version.counter}`;
      if (counted.has(id)) continue;
      counted.add(id);
      unobserved[refusal] += 1;
      example ??= e;
    }
    const skipped = unobserved.future + unobserved['out-of-range'];
    if (example) {
      this.c.log.warn(
        { ...unobserved, key: example.key, writer: example.version.nodeId, wallMs: example.version.wallMs, counter: example.version.counter },
        `${skipped} stored kv entries are stamped out of range or more than maxClockDrift (${this.options.maxClockDriftMs} ms) ahead of this node's clock; their data is kept, but they do not move the clock (they would pin it, and peers would refuse every later write)`,
      );
    }
    this.meta = loaded.meta;
    this.state.collectTombstones();
    await this.store.open();
    this.open = true;
    return { entries: this.state.totalEntries, skippedRecords: loaded.skippedRecords, unobserved: skipped };
  }

  get lastSyncMs(): number {
    return this.meta.lastSyncMs;
  }

  /** Whether the last write to storage succeeded (health). */
  get storageWritable(): boolean {
    return this.writable;
  }

  /** Entries from peers refused so far, by reason. */
  refusals(): Readonly<Record<RefusalReason, number>> {
    return { ...this.refused };
  }

  async put(key: string, value: Uint8Array): Promise<KvEntry> {
    this.checkKey(key);
    if (value.length > this.options.maxValueBytes) {
      throw new ValueTooLargeError(`value of ${value.length} bytes exceeds maxValueBytes (${this.options.maxValueBytes})`);
    }
    return this.write(key, new Uint8Array(value), false);
  }

  /** Writes a tombstone (even for a key we hold no value for: a peer may, unseen yet). */
  async delete(key: string): Promise<{ entry: KvEntry; existed: boolean }> {
    this.checkKey(key);
    const existed = this.state.get(key)?.deleted === false;
    const entry = await this.write(key, new Uint8Array(0), true);
    return { entry, existed };
  }

  /**
   * Merges entries from peers (channel or sync): each is checked (writer's signature, clock
   * drift, ranges), those that would change the state are persisted, and only then applied.
   * Returns how many changed the state (an expired tombstone counts). Refused entries are counted
   * and logged, not thrown: the rest of the batch still counts.
   */
  async applyRemote(entries: readonly KvEntry[], from: string): Promise<number> {
    this.checkOpen();
    const accepted: KvEntry[] = [];
    for (const entry of entries) {
      const refusal = this.check(entry);
      if (refusal) {
        this.refuse(refusal, entry, from);
        continue;
      }
      this.hlc.observe(entry.version);
      if (this.wouldChange(entry)) accepted.push(entry);
    }
    if (accepted.length === 0) return 0;
    await this.persist(accepted);
    let changed = 0;
    for (const entry of accepted) {
      const outcome = this.state.merge(entry);
      if (outcome === 'applied' || outcome === 'expired') changed++;
    }
    return changed;
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
    this.probeTimer?.cancel();
    this.probeTimer = undefined;
    await this.store.close();
  }

  private async write(key: string, value: Uint8Array, deleted: boolean): Promise<KvEntry> {
    this.checkOpen();
    const unsigned = { key, value, deleted, version: { ...this.hlc.tick(), nodeId: this.c.nodeId } };
    const signature = await this.c.authorship.sign(entrySigningBytes(unsigned));
    const entry: KvEntry = { ...unsigned, signature };
    await this.persist([entry]);
    this.state.merge(entry);
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

  /** Whether merging `entry` would change the state (so it must be persisted first). */
  private wouldChange(entry: KvEntry): boolean {
    const current = this.state.get(entry.key);
    if (current && compareVersions(entry.version, current.version) <= 0) return false;
    // A tombstone past retention still removes an older value: logged, or a restart would bring the value back.
    return !(entry.deleted && this.state.isExpired(entry) && !current);
  }

  /** Whether `entry`'s timestamp is one the clock may observe: in range, and at most maxClockDrift ahead. */
  private timestampRefusal(entry: KvEntry): 'future' | 'out-of-range' | undefined {
    const { wallMs, counter } = entry.version;
    if (!Number.isSafeInteger(wallMs) || wallMs < 0 || !Number.isSafeInteger(counter) || counter < 0 || counter > MAX_COUNTER) return 'out-of-range';
    if (wallMs > this.hlc.physicalNow() + this.options.maxClockDriftMs) return 'future';
    return undefined;
  }

  private check(entry: KvEntry): RefusalReason | undefined {
    const timestamp = this.timestampRefusal(entry);
    if (timestamp !== undefined) return timestamp;
    const { nodeId } = entry.version;
    const verdict = this.c.authorship.verify(nodeId, entrySigningBytes(entry), entry.signature);
    if (verdict === 'unknown') return 'unknown-writer';
    return verdict === 'valid' ? undefined : 'forged';
  }

  private refuse(reason: RefusalReason, entry: KvEntry, from: string): void {
    this.refused[reason]++;
    this.c.onRefused?.(reason);
    const now = this.c.wallClock();
    const last = this.refusalLoggedAt.get(reason);
    if (last !== undefined && now - last < REFUSAL_LOG_INTERVAL_MS) return;
    this.refusalLoggedAt.set(reason, now);
    const why = {
      forged: "its signature is not its writer's",
      'unknown-writer': 'this node knows no key of its writer yet',
      future: `it is stamped more than maxClockDrift (${this.options.maxClockDriftMs} ms) ahead of this node's clock`,
      'out-of-range': 'its timestamp is out of range',
    }[reason];
    this.c.log.warn(
      { reason, refused: this.refused[reason], writer: entry.version.nodeId, from, key: entry.key, aheadMs: entry.version.wallMs - this.hlc.physicalNow() },
      `refused a kv entry from a peer: ${why} (counted; logged at most every ${REFUSAL_LOG_INTERVAL_MS / 1000} s per reason)`,
    );
  }

  private async persist(entries: readonly KvEntry[]): Promise<void> {
    try {
      await Promise.all(entries.map((e) => this.store.append(e)));
    } catch (error) {
      this.setWritable(false);
      throw new KvStorageError(`could not persist to ${this.c.dir}: ${(error as Error).message}`, { cause: error });
    }
    this.setWritable(true);
  }

  private setWritable(writable: boolean): void {
    if (writable === this.writable) return;
    this.writable = writable;
    if (writable) {
      this.c.log.info({ dir: this.c.dir }, 'kv storage takes writes again: serving');
    } else {
      this.c.log.warn({ dir: this.c.dir }, 'kv storage refuses writes (disk full or failing): NOT_SERVING until a write succeeds');
      this.scheduleProbe();
    }
    this.c.onWritable(writable);
  }

  /** While unwritable, try the log every storageProbeMs, so health comes back without a client write. */
  private scheduleProbe(): void {
    if (this.probeTimer || !this.open) return;
    this.probeTimer = this.c.clock.setTimeout(() => {
      this.probeTimer = undefined;
      if (this.writable || !this.open) return;
      // Room for the largest record: the value in base64, the key, and the JSON around them.
      this.store.probe(Math.ceil((this.options.maxValueBytes * 4) / 3) + this.options.maxKeyBytes + 512).then(
        () => this.setWritable(true),
        () => this.scheduleProbe(),
      );
    }, this.options.storageProbeMs);
  }

  /** The state with the just-persisted batch laid over it (see EntryLogComponents.snapshotSource). */
  private *snapshotContents(persisted: readonly KvEntry[]): Iterable<KvEntry> {
    if (persisted.length === 0) {
      yield* this.state.all();
      return;
    }
    const over = new Map<string, KvEntry | null>();
    for (const e of persisted) {
      const held = over.get(e.key) ?? this.state.get(e.key);
      if (held && compareVersions(e.version, held.version) <= 0) continue;
      over.set(e.key, e.deleted && this.state.isExpired(e) ? null : e);
    }
    for (const e of this.state.all()) if (!over.has(e.key)) yield e;
    for (const e of over.values()) if (e) yield e;
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
