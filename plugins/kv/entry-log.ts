import { mkdir, open, readFile, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from 'g2g';
import type { KvEntry } from './entry';

/** What survives a restart besides the entries. */
export interface KvMeta {
  /** Local wall time (ms) of the last complete anti-entropy round with a peer; 0 if never. */
  lastSyncMs: number;
}

export interface EntryLogOptions {
  /** fdatasync each batch of appends before acknowledging it (a write then survives power loss). */
  fsync: boolean;
  /** Appended records after which the log is folded into a new snapshot. */
  compactAfter: number;
  /** After a failed compaction, wait this long (doubling up to 64×) before trying again. */
  compactRetryMs: number;
}

export interface EntryLogComponents {
  /**
   * The contents for a snapshot: the applied state with `persisted` laid over it (entries of the
   * batch just written to the log, which their writers apply only once this batch resolves).
   */
  snapshotSource(persisted: readonly KvEntry[]): Iterable<KvEntry>;
  /** A compaction failed (logged by the owner; the log keeps every entry, and it is retried). */
  onCompactionError(error: unknown, retryInMs: number): void;
  /** Local wall clock (ms), for the compaction retry backoff. */
  now(): number;
}

export interface LoadedState {
  entries: KvEntry[];
  meta: KvMeta;
  /** Log lines that could not be read (a torn last line after a crash, or corruption). */
  skippedRecords: number;
}

/** One entry as a JSON line: short names, the value in base64. */
interface EntryRecord {
  k: string;
  v: string;
  d?: 1;
  w: number;
  c: number;
  n: string;
  /** The writer's signature (base64); absent in stores written before entries were signed. */
  s?: string;
}

interface SnapshotFile {
  format: 1;
  entries: EntryRecord[];
}

export const SNAPSHOT_FILE = 'snapshot.json';
export const LOG_FILE = 'entries.log';
export const META_FILE = 'meta.json';
/** Written and removed again to test whether a full disk has room (see probe). */
export const PROBE_FILE = '.probe';
const FILE_MODE = 0o600;

/**
 * The store on disk: a snapshot (replaced atomically) plus an append-only log of the writes
 * since. Appends are group-committed: writes that arrive while a batch is being flushed go out
 * together in the next one, so one fsync covers many writes.
 *
 * A batch resolves only once every byte of it is written (short writes are continued) and, when
 * configured, fdatasynced; its writers apply it only then. A batch that fails (ENOSPC, EIO) is cut
 * off the log again (ftruncate to where it began), so nothing that was refused can come back at
 * the next start, and the next batch is written at that same offset.
 *
 * When the log grows past `compactAfter` records it is folded into a new snapshot and truncated;
 * a crash between the two steps only replays writes the snapshot already holds, which merging
 * makes harmless. A failed compaction is not a failed write (the batch is in the log): it is
 * reported to `onCompactionError` and tried again after a backoff.
 */
export class EntryLog {
  private handle: FileHandle | undefined;
  private pending: { entry: KvEntry; line: string; done: (error?: unknown) => void }[] = [];
  private tail: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private appended = 0;
  private closed = false;
  /** Bytes of the log that hold acknowledged records; everything past it is cut. */
  private size = 0;
  /** A failed batch could not be cut off: cut it before the next write. */
  private cutPending = false;
  private compactFailures = 0;
  private compactNotBeforeMs = 0;

  constructor(
    private readonly dir: string,
    private readonly options: EntryLogOptions,
    private readonly c: EntryLogComponents,
  ) {}

  /**
   * Reads the snapshot and replays the log. The caller merges the entries, then calls `open`,
   * which folds everything into a fresh snapshot (so a torn tail is never appended to).
   */
  async load(): Promise<LoadedState> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const out: LoadedState = { entries: [], meta: { lastSyncMs: 0 }, skippedRecords: 0 };
    const snapshotText = await readIfExists(path.join(this.dir, SNAPSHOT_FILE));
    if (snapshotText !== undefined) {
      const snapshot = JSON.parse(snapshotText) as SnapshotFile;
      if (snapshot.format !== 1) throw new Error(`unknown snapshot format ${String(snapshot.format)} in ${SNAPSHOT_FILE}`);
      for (const r of snapshot.entries) out.entries.push(fromRecord(r));
    }
    const metaText = await readIfExists(path.join(this.dir, META_FILE));
    if (metaText !== undefined) {
      try {
        out.meta = { lastSyncMs: Number((JSON.parse(metaText) as Partial<KvMeta>).lastSyncMs) || 0 };
      } catch {
        // A lost sync time only makes the next round more careful (see anti-entropy's stale rule).
      }
    }
    const logText = await readIfExists(path.join(this.dir, LOG_FILE));
    if (logText !== undefined) {
      for (const line of logText.split('\n')) {
        if (line.length === 0) continue;
        try {
          out.entries.push(fromRecord(JSON.parse(line) as EntryRecord));
        } catch {
          out.skippedRecords++;
        }
      }
    }
    return out;
  }

  /** Writes a snapshot of the loaded state, starts an empty log and accepts appends. */
  async open(): Promise<void> {
    await this.writeSnapshot([]);
    // Positioned writes at `size` (not append mode), so a failed batch's bytes are overwritten.
    this.handle = await open(path.join(this.dir, LOG_FILE), 'w', FILE_MODE);
    this.size = 0;
  }

  /** Resolves once the entry is on disk (fsynced when configured); rejects if it is not, and it is then not in the log. */
  append(entry: KvEntry): Promise<void> {
    if (this.closed || !this.handle) return Promise.reject(new Error('entry log is not open'));
    return new Promise((resolve, reject) => {
      this.pending.push({ entry, line: `${JSON.stringify(toRecord(entry))}\n`, done: (e) => (e ? reject(e) : resolve()) });
      if (!this.flushQueued) {
        // Appends arriving while this flush waits its turn (or while an earlier one runs) join it.
        this.flushQueued = true;
        void this.exclusive(() => {
          this.flushQueued = false;
          return this.flush();
        });
      }
    });
  }

  /**
   * Whether the directory takes a write of `bytes` again (written, synced, then removed): for a
   * store that refused a write, to find out when it can serve again without a client write. A
   * full-sized record, not one byte: a full disk often still has room for a byte in the log's
   * last page.
   */
  probe(bytes: number): Promise<void> {
    return this.exclusive(async () => {
      const file = path.join(this.dir, PROBE_FILE);
      const handle = await open(file, 'w', FILE_MODE);
      try {
        const data = Buffer.alloc(bytes, 0x20);
        let written = 0;
        while (written < data.length) written += (await handle.write(data, written, data.length - written, written)).bytesWritten;
        await handle.datasync();
      } finally {
        await handle.close();
        await unlink(file).catch(() => undefined);
      }
    });
  }

  /** Records the metadata (a small file of its own, replaced atomically). */
  saveMeta(meta: KvMeta): Promise<void> {
    return this.exclusive(() => writeFileAtomic(path.join(this.dir, META_FILE), JSON.stringify(meta), FILE_MODE));
  }

  /**
   * Folds the log into a snapshot of the current contents now. Needed after an entry was dropped
   * without a newer write replacing it (the log would otherwise bring it back on restart).
   */
  compactNow(): Promise<void> {
    return this.exclusive(async () => {
      if (this.handle) await this.compact([]);
    });
  }

  /** Flushes what is pending, writes a final snapshot and closes the log. Idempotent. */
  close(): Promise<void> {
    if (this.closed) return this.tail;
    this.closed = true;
    return this.exclusive(async () => {
      await this.flush();
      if (!this.handle) return;
      await this.handle.close();
      this.handle = undefined;
      await this.writeSnapshot([]);
    });
  }

  /** Runs disk operations one at a time, in call order: a snapshot never races a truncation. */
  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      await this.writeBatch(Buffer.from(batch.map((p) => p.line).join(''), 'utf8'));
    } catch (error) {
      for (const p of batch) p.done(error);
      return;
    }
    this.appended += batch.length;
    if (this.appended >= this.options.compactAfter && this.c.now() >= this.compactNotBeforeMs) {
      try {
        await this.compact(batch.map((p) => p.entry));
        this.compactFailures = 0;
      } catch (error) {
        // The batch is durable in the log; only folding it failed (a read-only or full
        // snapshot directory). Reported, retried later, never a failed write.
        const retryInMs = this.options.compactRetryMs * 2 ** Math.min(this.compactFailures, 6);
        this.compactFailures++;
        this.compactNotBeforeMs = this.c.now() + retryInMs;
        this.c.onCompactionError(error, retryInMs);
      }
    }
    for (const p of batch) p.done();
  }

  /** Writes `bytes` at the end of the acknowledged log, whole and synced, or cuts them off again and throws. */
  private async writeBatch(bytes: Buffer): Promise<void> {
    const handle = this.handle!;
    try {
      if (this.cutPending) {
        await handle.truncate(this.size);
        this.cutPending = false;
      }
      let written = 0;
      // write(2) may write less than asked (a disk filling up): continue until all of it is written.
      while (written < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, this.size + written);
        if (bytesWritten === 0) throw Object.assign(new Error('the log accepted no bytes'), { code: 'EIO' });
        written += bytesWritten;
      }
      if (this.options.fsync) await handle.datasync();
      this.size += bytes.length;
    } catch (error) {
      // Cut whatever part of the batch reached the file: refused records must not replay.
      await handle.truncate(this.size).catch(() => {
        this.cutPending = true;
      });
      throw error;
    }
  }

  private async compact(persisted: readonly KvEntry[]): Promise<void> {
    await this.writeSnapshot(persisted);
    await this.handle!.truncate(0);
    this.size = 0;
    this.appended = 0;
  }

  private async writeSnapshot(persisted: readonly KvEntry[]): Promise<void> {
    const records: EntryRecord[] = [];
    for (const e of this.c.snapshotSource(persisted)) records.push(toRecord(e));
    const snapshot: SnapshotFile = { format: 1, entries: records };
    await writeFileAtomic(path.join(this.dir, SNAPSHOT_FILE), JSON.stringify(snapshot), FILE_MODE);
  }
}

function toRecord(e: KvEntry): EntryRecord {
  const r: EntryRecord = { k: e.key, v: Buffer.from(e.value).toString('base64'), w: e.version.wallMs, c: e.version.counter, n: e.version.nodeId };
  if (e.deleted) r.d = 1;
  if (e.signature.length > 0) r.s = Buffer.from(e.signature).toString('base64');
  return r;
}

function fromRecord(r: EntryRecord): KvEntry {
  if (typeof r.k !== 'string' || typeof r.n !== 'string' || !Number.isSafeInteger(r.w) || !Number.isSafeInteger(r.c)) {
    throw new Error('malformed entry record');
  }
  return {
    key: r.k,
    value: r.d ? new Uint8Array(0) : new Uint8Array(Buffer.from(r.v ?? '', 'base64')),
    deleted: r.d === 1,
    version: { wallMs: r.w, counter: r.c, nodeId: r.n },
    signature: new Uint8Array(Buffer.from(typeof r.s === 'string' ? r.s : '', 'base64')),
  };
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
