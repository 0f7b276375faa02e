import type { LocalRecord } from './local-record';
import { DIGEST_ESTIMATE_BYTES, type MessageBudget } from './message-budget';
import { claimSize, recordSize, removalSize } from './message-size';
import type { NodeRecord } from './node-record';
import type { MembershipOptions } from './options';
import type { PeerTable } from './peer-table';
import type { Removal } from './removal';
import { retransmitLimit, RumourQueue } from './rumour-queue';
import type { MemberClaim } from './transport';

/** A rumour: a record (with a version change) or a claim about a node, or a removal. */
export type Rumour = { kind: 'record'; record: NodeRecord } | { kind: 'claim'; claim: MemberClaim } | { kind: 'removal'; removal: Removal };

export interface TakenRumours {
  records: NodeRecord[];
  claims: MemberClaim[];
  removals: Removal[];
}

/** Rumours keyed by what they are about, so that newer news about a node replaces older. */
function keyOf(r: Rumour): string {
  return r.kind === 'record' ? `r:${r.record.nodeId}` : r.kind === 'claim' ? `c:${r.claim.nodeId}` : `x:${r.removal.nodeId}`;
}

/**
 * Membership's rumours: what this node has to tell, each sent λ·log N times
 * (`retransmitMult`), piggybacked on exchanges within a message budget.
 */
export class MembershipRumours {
  private readonly queue = new RumourQueue<Rumour>();

  constructor(
    private readonly local: LocalRecord,
    private readonly table: Pick<PeerTable, 'networkSize'>,
    private readonly options: Pick<MembershipOptions, 'retransmitMult' | 'maxRumoursPerMessage'>,
  ) {}

  get size(): number {
    return this.queue.size;
  }

  enqueue(r: Rumour): void {
    // Client-mode members never relay gossip: they only publish their own news.
    if (this.local.record.mode !== 'server' && !(r.kind === 'record' && r.record.nodeId === this.local.nodeId)) return;
    this.queue.push(keyOf(r), r);
  }

  /** Forgets the record rumour about `nodeId`. */
  forgetRecord(nodeId: string): void {
    this.queue.delete(`r:${nodeId}`);
  }

  /** Forgets the claim rumour about `nodeId` (a newer record refutes it). */
  forgetClaim(nodeId: string): void {
    this.queue.delete(`c:${nodeId}`);
  }

  /** A record we relay without keeping it in the table (bounded tables). */
  recordOf(nodeId: string): NodeRecord | undefined {
    const r = this.queue.get(`r:${nodeId}`);
    return r?.kind === 'record' ? r.record : undefined;
  }

  /** The rumours for one message to `recipient`, least-sent first, within `budget`. */
  take(budget: MessageBudget, recipient: string, asDigests = false): TakenRumours {
    const limit = retransmitLimit(this.options.retransmitMult, this.table.networkSize());
    // As digests, rumours cost ~1/25 of a record each, and the callee pulls only what it lacks.
    const max = asDigests ? 4 * this.options.maxRumoursPerMessage : this.options.maxRumoursPerMessage;
    const taken = this.queue.take(max, limit, (r) => {
      // Do not tell a node its own news, and keep under the size limit.
      if (r.kind === 'record' ? r.record.nodeId === recipient : r.kind === 'removal' ? r.removal.nodeId === recipient : false) return false;
      return budget.take(r.kind === 'record' ? (asDigests ? DIGEST_ESTIMATE_BYTES : recordSize(r.record)) : r.kind === 'claim' ? claimSize(r.claim) : removalSize(r.removal));
    });
    const out: TakenRumours = { records: [], claims: [], removals: [] };
    for (const r of taken) {
      if (r.kind === 'record') out.records.push(r.record);
      else if (r.kind === 'claim') out.claims.push(r.claim);
      else out.removals.push(r.removal);
    }
    return out;
  }
}
