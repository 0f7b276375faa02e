import type { LRUCache } from 'lru-cache';
import { MembershipStateError } from './errors';
import type { GossipCounters } from './gossip-counters';
import type { LocalRecord } from './local-record';
import type { LifeState } from './membership-core';
import type { MembershipEvents, MembershipLog } from './membership-events';
import type { MembershipRumours } from './membership-rumours';
import type { NodeRecord } from './node-record';
import type { MembershipOptions } from './options';
import type { PeerTable } from './peer-table';
import type { RecordAuthenticator } from './record-authenticator';
import { removalSigningBytes, supersedes, type Removal } from './removal';
import { boundedMap } from './seen-versions';
import type { SeenVersions } from './seen-versions';
import type { Clock } from '../util/clock';

/** A removal (or reinstatement) this node holds, with the local time it is enforced until. */
export interface HeldRemoval {
  removal: Removal;
  untilMs: number;
}

/** Removals held at most (they are rare; the least recently written goes first). */
export const MAX_REMOVALS = 4096;

export interface MemberRemovalsComponents {
  clock: Clock;
  options: Pick<MembershipOptions, 'removalTtlMs'>;
  table: PeerTable;
  local: LocalRecord;
  auth: Pick<RecordAuthenticator, 'signStatement' | 'verifyStatement'>;
  rumours: Pick<MembershipRumours, 'enqueue' | 'forgetRecord' | 'forgetClaim'>;
  seen: Pick<SeenVersions, 'get'>;
  events: Pick<MembershipEvents, 'emit'>;
  gossip: Pick<GossipCounters, 'event'>;
  log: MembershipLog | undefined;
  readonly life: LifeState;
  /** Checks a remover's record as any record is checked (signatures, CA, cluster). */
  verifyRecord(record: NodeRecord): boolean;
}

/**
 * Operator removals of members (`g2g remove`) and their reinstatements: signed statements by a
 * server-mode member, applied (the id is dropped and refused whatever its version), gossiped as
 * rumours, handed to any peer that still lists the id, held for `removalTtlMs` and persisted.
 */
export class MemberRemovals {
  private readonly byId: LRUCache<string, HeldRemoval> = boundedMap<HeldRemoval>(MAX_REMOVALS);
  private readonly listeners = new Set<(r: Removal) => void>();

  constructor(private readonly c: MemberRemovalsComponents) {}

  /** Signs, applies and gossips a removal (or, `reinstated`, a reinstatement) of `nodeId` by this node. */
  issue(nodeId: string, reinstated: boolean): Removal {
    const c = this.c;
    if (c.life !== 'running') throw new MembershipStateError('membership is not running');
    if (c.local.record.mode !== 'server') throw new MembershipStateError('only a server-mode member may remove members');
    if (nodeId === c.local.nodeId) throw new MembershipStateError('a node cannot remove itself (stop it: it leaves gracefully)');
    const held = this.held(nodeId);
    // Strictly later than what we hold, even if our clock is behind its issuer's.
    const issuedAtMs = Math.max(c.clock.now(), held ? held.removal.issuedAtMs + 1 : 0);
    const unsigned = { nodeId, remover: c.local.record, issuedAtMs, reinstated };
    const removal: Removal = { ...unsigned, signature: c.auth.signStatement(removalSigningBytes(unsigned)) };
    this.apply(removal, true);
    return removal;
  }

  /** The removal in force against `nodeId`, if any (not lifted, not expired). */
  removalOf(nodeId: string): Removal | undefined {
    const held = this.held(nodeId);
    return held && !held.removal.reinstated ? held.removal : undefined;
  }

  /** Every removal and reinstatement held, with its local expiry (to persist across restarts). */
  all(): HeldRemoval[] {
    const now = this.c.clock.now();
    // Oldest first, as they were applied.
    const out: HeldRemoval[] = [];
    for (const h of this.byId.rvalues()) if (h && h.untilMs > now) out.push(h);
    return out;
  }

  /** Takes back what `all()` returned in an earlier run; each is verified again. */
  restore(held: readonly HeldRemoval[]): void {
    for (const h of held) this.apply(h.removal, false, h.untilMs);
  }

  onRemoval(listener: (removal: Removal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether any statement (removal or reinstatement) about `nodeId` is held, expired or not. */
  holdsAny(nodeId: string): boolean {
    return this.byId.has(nodeId);
  }

  expire(nowMs: number): void {
    const expired: string[] = [];
    for (const id of this.byId.rkeys()) if ((this.byId.peek(id)?.untilMs ?? 0) <= nowMs) expired.push(id);
    for (const id of expired) this.byId.delete(id);
  }

  /** Removals of the given ids that we hold in force (to teach a peer that still lists them). */
  removalsFor(ids: Iterable<string>): Removal[] {
    const out: Removal[] = [];
    for (const id of ids) {
      const r = this.removalOf(id);
      if (r && !out.includes(r)) out.push(r);
    }
    return out;
  }

  /**
   * Applies a removal or reinstatement that supersedes what we hold about its id, after checking
   * who ordered it: a server-mode member of our cluster, not itself removed, whose record and
   * signature verify. Returns false when it was not applied (old news, or refused).
   */
  apply(r: Removal, relay: boolean, untilMs = this.c.clock.now() + this.c.options.removalTtlMs): boolean {
    const c = this.c;
    const held = this.held(r.nodeId);
    if (held && !supersedes(r, held.removal)) return false;
    if (untilMs <= c.clock.now() || !this.verify(r)) return false;
    const id = r.nodeId;
    this.byId.delete(id);
    this.byId.set(id, { removal: r, untilMs });
    if (id === c.local.nodeId) {
      c.log?.warn({ by: r.remover.nodeId, reinstated: r.reinstated }, r.reinstated ? 'this node was reinstated' : 'this node was removed from the network by a member; it needs a new ticket to rejoin');
    } else if (r.reinstated) {
      c.table.liftTombstone(id);
    } else {
      const entry = c.table.get(id);
      if (entry) {
        c.table.delete(id);
        c.events.emit('removed', entry, r.remover.nodeId);
      }
      c.table.tombstone(id, { version: Math.max(entry?.record.version ?? 0, c.seen.get(id) ?? 0), untilMs, forced: true });
      c.rumours.forgetRecord(id);
      c.rumours.forgetClaim(id);
      c.gossip.event('removals');
      // A member in the table is logged once, as the node's `member removed` event line.
      if (!entry) c.log?.info({ nodeId: id, by: r.remover.nodeId }, 'member removed');
    }
    if (relay && id !== c.local.nodeId) c.rumours.enqueue({ kind: 'removal', removal: r });
    for (const listener of this.listeners) {
      try {
        listener(r);
      } catch (error) {
        c.log?.warn({ err: error }, 'removal listener threw');
      }
    }
    return true;
  }

  private held(nodeId: string): HeldRemoval | undefined {
    const held = this.byId.peek(nodeId);
    if (held && held.untilMs <= this.c.clock.now()) {
      this.byId.delete(nodeId);
      return undefined;
    }
    return held;
  }

  private verify(r: Removal): boolean {
    const by = r.remover;
    const ok =
      by.nodeId !== r.nodeId &&
      by.mode === 'server' &&
      !by.left &&
      this.removalOf(by.nodeId) === undefined &&
      (by === this.c.local.record || this.c.verifyRecord(by)) &&
      this.c.auth.verifyStatement(by, removalSigningBytes(r), r.signature);
    if (!ok) this.c.log?.debug({ nodeId: r.nodeId, by: by.nodeId }, 'refused a removal that failed verification');
    return ok;
  }
}
