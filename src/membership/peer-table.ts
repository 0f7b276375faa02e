import type { TimerHandle } from '../util/clock';
import type { Random } from '../util/random';
import { HeartbeatStats } from './failure-detector';
import type { Heartbeat, NodeRecord } from './node-record';
import { withHeartbeat } from './node-record';
import type { MemberState, RecordDigest } from './transport';

/** What this node knows about one peer. Mutated only by Membership. */
export interface PeerEntry {
  /** The newest full record (its heartbeat may be older than `beat`). */
  record: NodeRecord;
  /** The newest heartbeat of `record.version`. */
  beat: Heartbeat;
  state: MemberState;
  /** Local time of the last state change. */
  stateSinceMs: number;
  /** Local receipt time of the last heartbeat advance or version bump, or of a successful check. */
  lastHeardMs: number;
  /**
   * Local receipt time of the last heartbeat advance only: the gaps fed to `stats`. Kept apart from
   * `lastHeardMs` so that checks that cut a long gap short do not censor the statistic (which
   * would then never learn the long gaps and keep probing).
   */
  lastBeatMs: number;
  /** Gaps between local receipts of heartbeat advances. */
  stats: HeartbeatStats;
  /** Local time we last exchanged with it directly (either direction); 0 if never. */
  lastDirectMs: number;
  /** First accuser of the current suspicion or death, and when we learnt of it. */
  suspectedBy?: string;
  suspectedAtMs?: number;
  /** Distinct accusers of the current suspicion (confirmations shorten the suspicion time). */
  accusers?: Set<string>;
  suspicionTimer?: TimerHandle;
  /** A direct/indirect check is in flight. */
  probing: boolean;
  /**
   * Our version this peer is known to hold (an exchange that carried it succeeded): later
   * exchanges send our heartbeat instead of our record. Cleared when its own record changes
   * (it may have restarted and forgotten us).
   */
  deliveredVersion?: number;
  /** Cached digest; cleared on any change. */
  digest?: RecordDigest;
  /** Cached `record` with `beat` applied. */
  current?: NodeRecord;
}

export interface Tombstone {
  /** The last version seen; records at or below it are refused. */
  version: number;
  /** Local time after which the tombstone is forgotten. */
  untilMs: number;
  /** Removed by an operator: refused whatever the version until `untilMs`. */
  forced: boolean;
}

export type Admission = { admit: true; evict?: string } | { admit: false };

/** `entry.record` with its newest heartbeat. */
export function currentRecord(entry: PeerEntry): NodeRecord {
  if (entry.current) return entry.current;
  entry.current = entry.beat.heartbeat === entry.record.heartbeat ? entry.record : withHeartbeat(entry.record, entry.beat);
  return entry.current;
}

export function digestOf(entry: PeerEntry): RecordDigest {
  entry.digest ??= { nodeId: entry.record.nodeId, version: entry.record.version, heartbeat: entry.beat.heartbeat, state: entry.state };
  return entry.digest;
}

export function newEntry(record: NodeRecord, state: MemberState, nowMs: number): PeerEntry {
  return {
    record,
    beat: { nodeId: record.nodeId, version: record.version, heartbeat: record.heartbeat, signature: record.heartbeatSignature },
    state,
    stateSinceMs: nowMs,
    lastHeardMs: nowMs,
    lastBeatMs: nowMs,
    stats: new HeartbeatStats(),
    lastDirectMs: 0,
    probing: false,
  };
}

const KMV_K = 128;

/**
 * The peer table: entries by id with O(1) uniform random choice, a bounded admission policy,
 * tombstones, and an estimate of the network size.
 *
 * Bounded admission (above `maxPeers`): a newcomer is admitted with probability maxPeers / N̂,
 * evicting a random entry (dead or left first; never one heard from directly within
 * `protectMs`). Applied to a stream of ids that reaches every node (join rumours, peer samples),
 * this is reservoir sampling (Vitter's Algorithm R): each table is a near-uniform sample of the
 * network, so the overlay is a random graph of out-degree maxPeers, connected w.h.p.; the
 * recently-heard protection keeps the links the node actually uses.
 *
 * N̂ is exact below the bound (the table is the network) and above it a k-minimum-values sketch
 * of every id ever observed (Bar-Yossef et al., "Counting distinct elements in a data stream",
 * 2002): N̂ = (k − 1) / h₍k₎ with h the normalised hashes, k = 128, relative error ≈ 1/√k ≈ 9 %.
 */
export class PeerTable {
  private readonly entries = new Map<string, PeerEntry>();
  private readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly tombstones = new Map<string, Tombstone>();
  private readonly kmv: number[] = [];
  private readonly kmvSeen = new Set<number>();

  constructor(
    private readonly selfId: string,
    private readonly maxPeers: number,
    private readonly random: Random,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bound(): number {
    return this.maxPeers;
  }

  get(id: string): PeerEntry | undefined {
    return this.entries.get(id);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  values(): IterableIterator<PeerEntry> {
    return this.entries.values();
  }

  /** The id at position i of the internal order (for windows and round-robin). */
  idAt(i: number): string {
    return this.ids[i]!;
  }

  /** A uniformly random entry, or undefined when empty. */
  randomEntry(): PeerEntry | undefined {
    if (this.ids.length === 0) return undefined;
    return this.entries.get(this.ids[Math.floor(this.random.next() * this.ids.length)]!);
  }

  /** Up to `count` distinct random entries accepted by `filter` (bounded effort). */
  sample(count: number, filter: (e: PeerEntry) => boolean, exclude?: ReadonlySet<string>): PeerEntry[] {
    const out: PeerEntry[] = [];
    if (count <= 0 || this.ids.length === 0) return out;
    const picked = new Set<string>();
    const tries = Math.min(this.ids.length * 2, count * 8 + 16);
    for (let t = 0; t < tries && out.length < count; t++) {
      const id = this.ids[Math.floor(this.random.next() * this.ids.length)]!;
      if (picked.has(id) || exclude?.has(id)) continue;
      picked.add(id);
      const e = this.entries.get(id)!;
      if (filter(e)) out.push(e);
    }
    if (out.length < count && tries < this.ids.length * 2) {
      // Sparse matches: fall back to a scan so that a rare eligible peer is still found.
      for (const id of this.ids) {
        if (out.length >= count) break;
        if (picked.has(id) || exclude?.has(id)) continue;
        const e = this.entries.get(id)!;
        if (filter(e)) out.push(e);
      }
    }
    return out;
  }

  /** Whether a record for an id not in the table may enter it now (and whom it replaces). */
  admission(nowMs: number, protectMs: number): Admission {
    if (this.entries.size < this.maxPeers) return { admit: true };
    const n = this.networkSize();
    if (this.random.next() >= this.maxPeers / Math.max(n, this.maxPeers + 1)) return { admit: false };
    const victim = this.pickVictim(nowMs, protectMs);
    return victim ? { admit: true, evict: victim } : { admit: false };
  }

  private pickVictim(nowMs: number, protectMs: number): string | undefined {
    for (let t = 0; t < 16; t++) {
      const e = this.randomEntry();
      if (!e) return undefined;
      if (e.state === 'dead' || e.state === 'left') return e.record.nodeId;
      if (e.state === 'alive' && nowMs - e.lastDirectMs > protectMs) return e.record.nodeId;
    }
    return undefined;
  }

  add(entry: PeerEntry): void {
    const id = entry.record.nodeId;
    if (id === this.selfId) throw new RangeError('the local node is not a peer of itself');
    if (this.entries.has(id)) throw new RangeError(`peer ${id} is already in the table`);
    this.entries.set(id, entry);
    this.index.set(id, this.ids.length);
    this.ids.push(id);
    this.observe(id);
  }

  /** Drops an entry (no tombstone). */
  delete(id: string): PeerEntry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    entry.suspicionTimer?.cancel();
    this.entries.delete(id);
    const i = this.index.get(id)!;
    const last = this.ids.pop()!;
    if (last !== id) {
      this.ids[i] = last;
      this.index.set(last, i);
    }
    this.index.delete(id);
    return entry;
  }

  tombstone(id: string, stone: Tombstone): void {
    const old = this.tombstones.get(id);
    if (old && old.forced && !stone.forced) stone = { ...stone, forced: true, untilMs: Math.max(old.untilMs, stone.untilMs) };
    this.tombstones.set(id, { ...stone, version: Math.max(stone.version, old?.version ?? 0) });
  }

  /** Forgets `id`'s tombstone (a removed member reinstated by a newer ticket). */
  liftTombstone(id: string): void {
    this.tombstones.delete(id);
  }

  tombstoneOf(id: string, nowMs: number): Tombstone | undefined {
    const t = this.tombstones.get(id);
    if (t && nowMs >= t.untilMs) {
      this.tombstones.delete(id);
      return undefined;
    }
    return t;
  }

  /** True when a record of `id` at `version` must be refused because of a tombstone. */
  refuses(id: string, version: number, nowMs: number): boolean {
    const t = this.tombstoneOf(id, nowMs);
    return t !== undefined && (t.forced || version <= t.version);
  }

  expireTombstones(nowMs: number): void {
    for (const [id, t] of this.tombstones) if (nowMs >= t.untilMs) this.tombstones.delete(id);
  }

  get tombstoneCount(): number {
    return this.tombstones.size;
  }

  /** Counts an id towards the network-size estimate (ids seen in rumours, samples, digests). */
  observe(id: string): void {
    const h = fnv1a(id);
    if (this.kmvSeen.has(h)) return;
    const kmv = this.kmv;
    if (kmv.length === KMV_K && h >= kmv[KMV_K - 1]!) return;
    // Insertion into a sorted array of at most 64: cheaper than a heap at this size.
    let i = kmv.length;
    while (i > 0 && kmv[i - 1]! > h) i--;
    kmv.splice(i, 0, h);
    this.kmvSeen.add(h);
    if (kmv.length > KMV_K) this.kmvSeen.delete(kmv.pop()!);
  }

  /** Estimated number of nodes in the network, this one included. */
  networkSize(): number {
    const exact = this.entries.size + 1;
    if (this.entries.size < this.maxPeers || this.kmv.length < KMV_K) return exact;
    const hk = (this.kmv[KMV_K - 1]! + 1) / 2 ** 32;
    return Math.max(exact, Math.round((KMV_K - 1) / hk));
  }
}

/** FNV-1a, 32 bits, with murmur3's finaliser for avalanche: cheap and uniform enough for the sketch. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
