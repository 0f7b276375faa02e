import type { LRUCache } from 'lru-cache';
import { suspicionBounds, suspicionTimeout } from './failure-detector';
import type { MembershipCore } from './membership-core';
import type { PeerEntry } from './peer-table';
import { boundedMap } from './seen-versions';
import type { MemberClaim, MemberState } from './transport';

/**
 * Member states and the claims that move them (SWIM's suspicion with Lifeguard's dynamic
 * suspicion time): suspect → dead after a time that shortens with independent accusers, claims
 * gossiped and applied only at the version they name, and our own refutation when a claim is
 * about us.
 */
export class Suspicion {
  /** id → "version:state" of the last claim relayed about a peer not in the table. */
  private readonly relayedClaims: LRUCache<string, string> = boundedMap<string>();

  constructor(
    private readonly c: MembershipCore,
    /** Checks a peer others suspect, to accuse it too if our check fails (failure detection). */
    private readonly confirm: (e: PeerEntry) => Promise<void>,
  ) {}

  setState(e: PeerEntry, state: MemberState, now: number): void {
    if (state !== 'suspect' && state !== 'dead') {
      e.suspectedBy = undefined;
      e.suspectedAtMs = undefined;
    }
    if (state !== 'suspect') {
      e.suspicionTimer?.cancel();
      e.suspicionTimer = undefined;
      e.accusers = undefined;
    }
    e.state = state;
    e.stateSinceMs = now;
    e.digest = undefined;
  }

  suspect(e: PeerEntry, by: string, now: number): void {
    this.setState(e, 'suspect', now);
    e.suspectedBy = by;
    e.suspectedAtMs = now;
    e.accusers = new Set([by]);
    this.schedule(e);
    this.c.rumours.enqueue({ kind: 'claim', claim: { nodeId: e.record.nodeId, version: e.record.version, state: 'suspect', from: by } });
    this.c.gossip.event('suspicions');
    this.c.events.emit('suspect', e, by);
    this.c.log?.debug({ nodeId: e.record.nodeId, by }, 'peer suspected');
  }

  /** We confirm a suspicion independently: one more accuser, and our claim travels. */
  accuse(e: PeerEntry): void {
    e.accusers!.add(this.c.nodeId);
    this.schedule(e);
    this.c.rumours.enqueue({ kind: 'claim', claim: { nodeId: e.record.nodeId, version: e.record.version, state: 'suspect', from: this.c.nodeId } });
  }

  /** (Re)arms the timer that declares `e` dead, for the time its accusers leave it. */
  schedule(e: PeerEntry): void {
    const c = this.c;
    e.suspicionTimer?.cancel();
    const bounds = suspicionBounds(c.options, c.table.networkSize());
    // A node of poor local health gives suspects longer: their refutation may reach it late.
    const timeout = c.health.scale(suspicionTimeout(bounds, (e.accusers?.size ?? 1) - 1));
    const remaining = Math.max(0, (e.suspectedAtMs ?? c.clock.now()) + timeout - c.clock.now());
    const version = e.record.version;
    e.suspicionTimer = c.clock.setTimeout(() => {
      e.suspicionTimer = undefined;
      if (c.life !== 'running' || c.table.get(e.record.nodeId) !== e || e.state !== 'suspect' || e.record.version !== version) return;
      this.declareDead(e, c.nodeId);
    }, remaining);
  }

  declareDead(e: PeerEntry, by: string): void {
    const now = this.c.clock.now();
    const accuser = e.suspectedBy ?? by;
    this.setState(e, 'dead', now);
    e.suspectedBy = accuser;
    e.suspectedAtMs ??= now;
    this.c.rumours.enqueue({ kind: 'claim', claim: { nodeId: e.record.nodeId, version: e.record.version, state: 'dead', from: by } });
    this.c.gossip.event('deaths');
    // Logged once, as the node's `member is dead` event line (events/event-log.ts).
    this.c.events.emit('dead', e, by);
  }

  /**
   * A claim about a peer. Applied only at the version we hold: a claim about an older version
   * is stale (already refuted), one about a version we have not seen cannot be weighed.
   */
  applyClaim(claim: MemberClaim): void {
    const c = this.c;
    if (claim.nodeId === c.nodeId) {
      if (claim.version >= c.local.version) this.refute(claim.version);
      return;
    }
    const e = c.table.get(claim.nodeId);
    if (!e) {
      this.relay(claim);
      return;
    }
    if (e.record.version !== claim.version) return;
    const now = c.clock.now();
    if (claim.state === 'suspect') {
      if (e.state === 'alive') {
        this.suspect(e, claim.from, now);
        void this.confirm(e);
      } else if (e.state === 'suspect' && e.accusers && !e.accusers.has(claim.from)) {
        e.accusers.add(claim.from);
        this.schedule(e);
      }
    } else if (claim.state === 'dead' && (e.state === 'alive' || e.state === 'suspect')) {
      this.declareDead(e, claim.from);
    }
  }

  /** Somebody holds us suspect or dead at `version`: publish a newer version of our record. */
  refute(version: number): void {
    const c = this.c;
    if (c.life !== 'running') return;
    if (version < c.local.version) return;
    c.counters.refutations++;
    c.gossip.event('refutations');
    c.health.refuting();
    c.rumours.enqueue({ kind: 'record', record: c.local.bump({}, Math.min(version, c.local.version)) });
  }

  /** A bounded table may not hold the peer, but others that do must hear of it: relay once. */
  private relay(claim: MemberClaim): void {
    const key = `${claim.version}:${claim.state}`;
    const last = this.relayedClaims.peek(claim.nodeId);
    if (last !== key && !(claim.state === 'suspect' && last === `${claim.version}:dead`)) {
      this.relayedClaims.set(claim.nodeId, key);
      this.c.rumours.enqueue({ kind: 'claim', claim });
    }
  }
}
