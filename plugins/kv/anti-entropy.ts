import { compareVersions, type KvEntry, type Version } from './entry';
import { bucketOf, type KvState } from './kv-state';

/**
 * Anti-entropy between two nodes' stores (push-pull, as in Demers et al., "Epidemic Algorithms
 * for Replicated Database Maintenance", 1987): the gossip channel delivers each write to every
 * live member and repairs what a member missed within its retention window; a node that was
 * away longer (or a fresh one) gets the rest here. The initiator sends its 256 bucket digests,
 * learns which buckets differ, compares key versions in those buckets only, then fetches what
 * the peer has newer and pushes what it has newer. After one complete round both hold the
 * newer of each pair, so periodic rounds with changing peers make every node converge.
 */

export interface KeyVersion {
  key: string;
  version: Version;
}

/** The four calls of a sync round, as the initiator sees the peer (a gRPC client, or a test double). */
export interface SyncPeer {
  /** The buckets whose digest differs from ours, with how many entries the peer holds in each. */
  digest(buckets: Uint8Array[]): Promise<{ differing: { bucket: number; entries: number }[]; authoritative: boolean }>;
  versions(buckets: number[]): Promise<KeyVersion[]>;
  /** Entries for `keys` (the peer may return a prefix of them, to bound the message size). */
  fetch(keys: string[]): Promise<KvEntry[]>;
  push(entries: KvEntry[]): Promise<void>;
}

export interface SyncLimits {
  /** Key versions asked for in one `versions` call (buckets are grouped up to this many entries). */
  maxVersionsPerCall: number;
  /** Keys asked for in one `fetch` call. */
  maxKeysPerFetch: number;
  /** Approximate bytes of values in one `push` call. */
  maxPushBytes: number;
}

export const DEFAULT_SYNC_LIMITS: SyncLimits = { maxVersionsPerCall: 20_000, maxKeysPerFetch: 512, maxPushBytes: 1 << 20 };

export interface SyncOutcome {
  differingBuckets: number;
  pulled: number;
  pushed: number;
  /** Local entries dropped because this node was stale and the peer no longer has them. */
  forgotten: number;
}

export interface SyncCollaborators {
  state: KvState;
  /** Merges entries received from the peer (persisting them and advancing the HLC). */
  apply(entries: KvEntry[]): Promise<void>;
  /**
   * Drops local entries without writing anything newer (and makes that durable). Only called
   * for a stale node, see `staleBeforeMs`.
   */
  forget(keys: string[]): Promise<void>;
}

/**
 * One round with `peer`. `staleBeforeMs` is set when this node's last complete round is older
 * than it is safe for (half the tombstone retention): a peer may have collected tombstones for
 * deletes this node never saw, and pushing the deleted values back would resurrect them. So
 * when the peer is itself up to date, entries this node held at its last complete round
 * (version ≤ `staleBeforeMs`) that the peer lacks are dropped rather than pushed; that round
 * gave them to a peer, so if they were not deleted they still exist there.
 */
export async function syncWith(peer: SyncPeer, c: SyncCollaborators, options: { staleBeforeMs?: number; limits?: SyncLimits } = {}): Promise<SyncOutcome> {
  const limits = options.limits ?? DEFAULT_SYNC_LIMITS;
  const outcome: SyncOutcome = { differingBuckets: 0, pulled: 0, pushed: 0, forgotten: 0 };
  const { differing, authoritative } = await peer.digest(c.state.bucketDigests());
  outcome.differingBuckets = differing.length;
  if (differing.length === 0) return outcome;

  const remote = new Map<string, Version>();
  for (const group of groupBuckets(differing, limits.maxVersionsPerCall)) {
    for (const kv of await peer.versions(group)) remote.set(kv.key, kv.version);
  }
  const local = new Map<string, Version>();
  for (const kv of c.state.versionsIn(differing.map((d) => d.bucket))) local.set(kv.key, kv.version);

  const want: string[] = [];
  for (const [key, version] of remote) {
    const mine = local.get(key);
    if (!mine || compareVersions(version, mine) > 0) want.push(key);
  }
  const give: string[] = [];
  const forget: string[] = [];
  for (const [key, version] of local) {
    const theirs = remote.get(key);
    if (theirs && compareVersions(version, theirs) <= 0) continue;
    if (!theirs && authoritative && options.staleBeforeMs !== undefined && version.wallMs <= options.staleBeforeMs) forget.push(key);
    else give.push(key);
  }

  // Fetch before pushing, so what we push is already merged with what the peer had.
  let rest = want;
  while (rest.length > 0) {
    const asked = rest.slice(0, limits.maxKeysPerFetch);
    const askedSet = new Set(asked);
    const got = (await peer.fetch(asked)).filter((e) => askedSet.has(e.key));
    if (got.length === 0) break; // the peer no longer has them (collected meanwhile); next round
    await c.apply(got);
    outcome.pulled += got.length;
    const received = new Set(got.map((e) => e.key));
    rest = rest.filter((k) => !received.has(k));
  }

  if (forget.length > 0) {
    await c.forget(forget);
    outcome.forgotten = forget.length;
  }

  let batch: KvEntry[] = [];
  let bytes = 0;
  for (const key of give) {
    const entry = c.state.get(key);
    if (!entry) continue;
    batch.push(entry);
    bytes += entry.value.length + key.length + 64;
    if (bytes >= limits.maxPushBytes) {
      await peer.push(batch);
      outcome.pushed += batch.length;
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) {
    await peer.push(batch);
    outcome.pushed += batch.length;
  }
  return outcome;
}

/** Groups buckets so that each group holds at most `max` entries (a bigger bucket goes alone). */
export function groupBuckets(differing: readonly { bucket: number; entries: number }[], max: number): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let count = 0;
  for (const d of differing) {
    if (current.length > 0 && count + d.entries > max) {
      groups.push(current);
      current = [];
      count = 0;
    }
    current.push(d.bucket);
    count += d.entries;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** The responder's side of a round: pure functions of the local state. */
export const syncResponder = {
  digest(state: KvState, remote: readonly Uint8Array[], authoritative: boolean): { differing: { bucket: number; entries: number }[]; authoritative: boolean } {
    const buckets = state.differingBuckets(remote);
    const counts = new Map<number, number>(buckets.map((b) => [b, 0]));
    for (const kv of state.versionsIn(buckets)) {
      const b = bucketOf(kv.key);
      counts.set(b, (counts.get(b) ?? 0) + 1);
    }
    return { differing: buckets.map((bucket) => ({ bucket, entries: counts.get(bucket) ?? 0 })), authoritative };
  },
  versions(state: KvState, buckets: readonly number[]): KeyVersion[] {
    return state.versionsIn(buckets);
  },
  /** The entries for `keys` that we hold, stopping once `maxBytes` of values is reached. */
  fetch(state: KvState, keys: readonly string[], maxBytes: number): KvEntry[] {
    const out: KvEntry[] = [];
    let bytes = 0;
    for (const key of keys) {
      const e = state.get(key);
      if (!e) continue;
      if (out.length > 0 && bytes + e.value.length > maxBytes) break;
      out.push(e);
      bytes += e.value.length + key.length + 64;
    }
    return out;
  },
};
