import type { MemberRemovals } from './member-removals';
import type { MembershipCore } from './membership-core';
import type { Heartbeat, NodeRecord } from './node-record';
import { newEntry, type PeerEntry } from './peer-table';
import { recordTagsProblem } from './record-tags';
import type { Removal } from './removal';
import type { Suspicion } from './suspicion';
import type { MemberClaim } from './transport';

export type AdmitOutcome = 'added' | 'updated' | 'heartbeat' | 'stale' | 'rejected' | 'tombstoned' | 'invalid' | 'self';

/** How long after a direct exchange a peer is protected from eviction, in intervals. */
export const PROTECT_INTERVALS = 10;

/** Whether `next`, a newer record of a node we hold as `known`, promotes a client-mode member to a server. */
export function escalates(known: Pick<NodeRecord, 'mode'>, next: Pick<NodeRecord, 'mode'>): boolean {
  return known.mode === 'client' && next.mode === 'server';
}

/**
 * The merge rule: records from their owner only (both signatures, id bound to CA,
 * our cluster), newer by (version, heartbeat), never over a tombstone; heartbeats of the version
 * held; claims and removals applied in the order that keeps removed members out.
 */
export class RecordMerge {
  constructor(
    private readonly c: MembershipCore,
    private readonly suspicion: Suspicion,
    private readonly removals: Pick<MemberRemovals, 'apply'>,
  ) {}

  absorb(records: readonly NodeRecord[], heartbeats: readonly Heartbeat[], claims: readonly MemberClaim[], from: string, removals: readonly Removal[] = []): void {
    // Removals first: a record of a removed member in the same message is then refused.
    for (const r of removals) this.removals.apply(r, true);
    for (const r of records) this.mergeRecord(r, from);
    for (const h of heartbeats) this.mergeHeartbeat(h);
    for (const claim of claims) this.suspicion.applyClaim(claim);
  }

  /**
   * Merges one record. `via` is the authenticated peer that handed it to us, if any (its own
   * record counts as hearing from it); `rumour` marks it as news to relay.
   */
  mergeRecord(record: NodeRecord, via: string | undefined, rumour = false): AdmitOutcome {
    const c = this.c;
    const id = record.nodeId;
    if (id === c.nodeId) return this.mergeOwn(record);
    const now = c.clock.now();
    if (c.table.refuses(id, record.version, now)) return 'tombstoned';
    const e = c.table.get(id);
    if (e) {
      const v = e.record.version;
      if (record.version < v || (record.version === v && record.heartbeat <= e.beat.heartbeat)) return 'stale';
      if (!this.verify(record)) return 'invalid';
      // A mode is granted by the token a node was admitted with; a client-mode member cannot
      // promote itself by signing a new version of its own record (it would relay gossip, push on
      // the channel, remove members and mint tokens).
      if (escalates(e.record, record)) {
        c.log?.debug({ nodeId: id, version: record.version }, 'refused a record that turns a client-mode member into a server');
        return 'invalid';
      }
      if (record.version === v) {
        this.advanceHeartbeat(e, { nodeId: id, version: v, heartbeat: record.heartbeat, signature: record.heartbeatSignature }, now);
        e.record = record;
        e.current = undefined;
        return 'heartbeat';
      }
      this.replaceRecord(e, record, now);
      return 'updated';
    }
    c.table.observe(id);
    if (record.cluster !== c.local.record.cluster) return 'invalid';
    const seen = c.seen.get(id);
    if (seen !== undefined && record.version < seen) return 'stale';
    if (!this.verify(record)) return 'invalid';
    // News to relay: a rumour, or a newcomer announcing itself. A record we merely had not seen
    // (a joiner's first sync, a caller outside our bounded table) is old news to everyone else.
    // Below the bound we know the whole network, so an unknown caller is a newcomer: announce it
    // even if its request did not say `joining`.
    const firstHand = via === id && c.table.size < c.table.bound;
    const fresh = (seen === undefined || record.version > seen) && (rumour || firstHand);
    c.seen.remember(id, record.version);
    if (record.left) {
      if (fresh) c.rumours.enqueue({ kind: 'record', record });
      return 'stale';
    }
    // A peer calling us directly always gets in (it is using the link); others go through admission.
    let admission = c.table.admission(now, PROTECT_INTERVALS * c.options.intervalMs);
    if (!admission.admit && via === id) admission = { admit: true, evict: c.table.size >= c.table.bound ? this.forcedVictim(id) : undefined };
    if (fresh) c.rumours.enqueue({ kind: 'record', record });
    if (!admission.admit) return 'rejected';
    if (admission.evict !== undefined) {
      if (c.table.size >= c.table.bound && admission.evict === id) return 'rejected';
      c.table.delete(admission.evict);
    }
    if (c.table.size >= c.table.bound) return 'rejected';
    const entry = newEntry(record, 'alive', now);
    c.table.add(entry);
    c.gossip.event('joins');
    c.events.emit('joined', entry);
    return 'added';
  }

  mergeHeartbeat(h: Heartbeat): void {
    const c = this.c;
    if (h.nodeId === c.nodeId) return;
    const e = c.table.get(h.nodeId);
    if (!e || h.version !== e.record.version || h.heartbeat <= e.beat.heartbeat) return;
    if (!c.auth.verifyHeartbeat(e.record.caCertPem, h)) return;
    this.advanceHeartbeat(e, h, c.clock.now());
  }

  /** Checks a record's cluster, tag bounds, signatures and CA binding. */
  verify(record: NodeRecord): boolean {
    const c = this.c;
    if (record.cluster !== c.local.record.cluster) return false;
    const tagsProblem = recordTagsProblem(record.tags);
    if (tagsProblem) {
      c.log?.debug({ nodeId: record.nodeId, version: record.version, problem: tagsProblem }, 'refused a record whose tags exceed the bounds');
      return false;
    }
    const ok = c.auth.verifyRecord(record);
    if (!ok) c.log?.debug({ nodeId: record.nodeId, version: record.version }, 'refused a record that failed verification');
    return ok;
  }

  private forcedVictim(except: string): string | undefined {
    const c = this.c;
    const [v] = c.table.sample(1, (e) => e.record.nodeId !== except && (e.state !== 'alive' || c.clock.now() - e.lastDirectMs > PROTECT_INTERVALS * c.options.intervalMs));
    return v?.record.nodeId;
  }

  /** Our own record came back: if it is newer than ours (we restarted and forgot), jump past it. */
  private mergeOwn(record: NodeRecord): AdmitOutcome {
    const c = this.c;
    const self = c.local.record;
    if (record.version >= self.version && (record.version > self.version || record.heartbeat > self.heartbeat) && this.verify(record)) {
      c.rumours.enqueue({ kind: 'record', record: c.local.bump({}, record.version) });
      c.counters.refutations++;
      c.gossip.event('refutations');
    }
    return 'self';
  }

  private replaceRecord(e: PeerEntry, record: NodeRecord, now: number): void {
    const c = this.c;
    const before = e.state;
    e.record = record;
    e.beat = { nodeId: record.nodeId, version: record.version, heartbeat: record.heartbeat, signature: record.heartbeatSignature };
    e.current = undefined;
    e.digest = undefined;
    e.deliveredVersion = undefined;
    e.lastHeardMs = now;
    e.lastBeatMs = now;
    c.seen.remember(record.nodeId, record.version);
    c.rumours.enqueue({ kind: 'record', record });
    c.rumours.forgetClaim(record.nodeId);
    if (record.left) {
      this.suspicion.setState(e, 'left', now);
      c.gossip.event('leaves');
      c.events.emit('left', e);
      return;
    }
    if (before !== 'alive') {
      // We held it suspect or dead, and its owner answered with a newer version: a false alarm.
      if (before === 'suspect' || before === 'dead') c.gossip.event('false_alive_refutations');
      if ((before === 'suspect' || before === 'dead') && e.suspectedBy === c.nodeId) c.health.suspicionRefuted();
      this.suspicion.setState(e, 'alive', now);
      c.events.emit('alive', e);
    } else {
      c.events.emit('updated', e);
    }
  }

  private advanceHeartbeat(e: PeerEntry, h: Heartbeat, now: number): void {
    e.beat = h;
    e.current = undefined;
    e.digest = undefined;
    if (e.state === 'alive' || e.state === 'suspect') {
      e.stats.addGap(now - e.lastBeatMs);
      e.lastBeatMs = now;
      e.lastHeardMs = now;
    }
  }
}
