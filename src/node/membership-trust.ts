import { certFingerprint, joinPemBundle, splitPemBundle } from '../identity/cert-info';
import type { MembershipEvent } from '../membership/membership';
import type { NodeRecord } from '../membership/node-record';
import type { PeerClients } from '../transport/peer-clients';
import type { TrustStore } from '../transport/trust-store';
import type { Clock, TimerHandle } from '../util/clock';

export interface MembershipTrustComponents {
  trust: TrustStore;
  clock: Clock;
  /** The per-peer channels: a departed peer's is dropped, a rotated leaf's recycled. */
  clients: Pick<PeerClients, 'drop' | 'leafChanged'>;
  /** The record membership holds for `nodeId` (any state), if any. */
  recordOf(nodeId: string): NodeRecord | undefined;
  /** How long a dropped member stays trusted (membership's tombstone time). */
  tombstoneTtlMs: number;
}

/**
 * The gossip port's trust bundle kept in step with membership: a member's CA is trusted while the
 * member is known, and for the tombstone time after it is dropped, so that it can come back
 * through its known peers; a removed member is untrusted at once. Also the CAs we must be able
 * to call before membership holds their record (seeds, newcomers), and CAs members proved on
 * Register.Rejoin that their record does not name yet.
 */
export class MembershipTrust {
  /** CAs we must be able to call before membership holds their record (seeds, newcomers). */
  private readonly pendingCas = new Map<string, string>();
  private readonly untrustTimers = new Map<string, TimerHandle>();
  /**
   * CAs members proved on Register.Rejoin while we hold an older or equal version of their record
   * (they restarted from an older save): trusted beside the record's until a record naming them
   * arrives (their first exchange hands them our copy, and they publish a newer version).
   */
  private readonly rejoinedCas = new Map<string, string>();

  constructor(private readonly c: MembershipTrustComponents) {}

  /** We are about to call `nodeId` (a seed, a newcomer) before membership holds its record. */
  expect(nodeId: string, pins: string): void {
    this.pendingCas.set(nodeId, pins);
  }

  /** Trusts `nodeId` on the gossip port now, and lets us call it before its record arrives. */
  admitPending(nodeId: string, pins: string): void {
    this.pendingCas.set(nodeId, pins);
    this.c.trust.set(nodeId, pins);
  }

  /** An admission that did not complete: forget the pending CA, and untrust it unless it is a member. */
  abandonPending(nodeId: string): void {
    this.pendingCas.delete(nodeId);
    if (!this.c.recordOf(nodeId)) this.c.trust.remove(nodeId);
  }

  /** A member proved on Register.Rejoin a CA newer than the record we hold: trust it beside the record's. */
  proven(nodeId: string, pins: string, heldPins: string): void {
    this.rejoinedCas.set(nodeId, pins);
    this.c.trust.set(nodeId, this.pinsOf(nodeId, heldPins));
  }

  /** The CA pins to call `nodeId` with: its record's (plus a proven CA), else a pending CA. */
  caOf(nodeId: string): string | undefined {
    const record = this.c.recordOf(nodeId);
    return record ? this.pinsOf(nodeId, caPins(record)) : this.pendingCas.get(nodeId);
  }

  /** The CA pins for `nodeId`: its record's, plus a CA it proved on Register.Rejoin that its record does not name yet. */
  pinsOf(nodeId: string, recordPins: string): string {
    const proven = this.rejoinedCas.get(nodeId);
    if (!proven) return recordPins;
    const have = new Set(splitPemBundle(recordPins).map(certFingerprint));
    if (splitPemBundle(proven).every((pem) => have.has(certFingerprint(pem)))) {
      this.rejoinedCas.delete(nodeId);
      return recordPins;
    }
    return joinPemBundle([...splitPemBundle(recordPins), ...splitPemBundle(proven)]);
  }

  /** Follows a membership event: trust what is known, untrust what was dropped once its tombstone time is over. */
  onEvent(event: MembershipEvent): void {
    const { nodeId, record } = event;
    switch (event.type) {
      case 'joined':
      case 'updated':
      case 'alive':
      case 'suspect':
        this.cancelUntrust(nodeId);
        this.pendingCas.delete(nodeId);
        this.c.trust.set(nodeId, this.pinsOf(nodeId, caPins(record)));
        // A rotated leaf: our channel to it moves to a fresh connection that verifies it.
        if (event.type === 'updated') this.c.clients.leafChanged(nodeId, record.leaf.fingerprint);
        break;
      case 'dead':
      case 'left':
        this.c.clients.drop(nodeId);
        break;
      case 'removed':
        this.c.clients.drop(nodeId);
        // Still trusted for the tombstone time: a node that left or died can come back through
        // its known peers with a newer record, without a new ticket.
        this.cancelUntrust(nodeId);
        this.untrustTimers.set(
          nodeId,
          this.c.clock.setTimeout(() => {
            this.untrustTimers.delete(nodeId);
            if (!this.c.recordOf(nodeId)) this.c.trust.remove(nodeId);
          }, this.c.tombstoneTtlMs),
        );
        break;
    }
  }

  /** A member was removed from the network: untrusted now, not after the tombstone time. */
  removed(nodeId: string): void {
    this.rejoinedCas.delete(nodeId);
    this.cancelUntrust(nodeId);
    this.pendingCas.delete(nodeId);
    this.c.clients.drop(nodeId);
    this.c.trust.remove(nodeId);
  }

  stop(): void {
    for (const timer of this.untrustTimers.values()) timer.cancel();
    this.untrustTimers.clear();
  }

  private cancelUntrust(nodeId: string): void {
    this.untrustTimers.get(nodeId)?.cancel();
    this.untrustTimers.delete(nodeId);
  }
}

/**
 * The CA certificates that vouch for a member now: its CA, plus during a CA rotation's grace
 * period the previous one, as one PEM bundle (for its pins and our trust bundle).
 */
export function caPins(record: Pick<NodeRecord, 'caCertPem' | 'previousCaCertPem'>): string {
  return record.previousCaCertPem ? joinPemBundle([record.caCertPem, record.previousCaCertPem]) : record.caCertPem;
}
