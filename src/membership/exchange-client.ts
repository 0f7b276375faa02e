import type { MemberRemovals } from './member-removals';
import type { RecordMerge } from './merge';
import type { MembershipCore } from './membership-core';
import { fullSyncDigests, MessageBudget } from './message-budget';
import { digestSize, heartbeatSize, recordSize } from './message-size';
import type { Heartbeat, NodeRecord } from './node-record';
import { currentRecord, digestOf } from './peer-table';
import type { ExchangeRequest, ExchangeResponse, GossipTarget, RecordDigest } from './transport';

/**
 * The caller's side of an exchange (push-pull): our digests and rumours out, the callee's
 * records, heartbeats, claims and wants back, and a follow-up with what it wanted.
 */
export class ExchangeClient {
  /** A peer whose full-sync answer was cut at the record limit: it has more for us. */
  private resyncWith: GossipTarget | undefined;
  private digestCursor = 0;

  constructor(
    private readonly c: MembershipCore,
    private readonly merge: Pick<RecordMerge, 'absorb' | 'mergeRecord'>,
    private readonly removals: Pick<MemberRemovals, 'removalsFor'>,
  ) {}

  /** The peer owed another full sync (its last answer was cut), once. */
  takeResync(): GossipTarget | undefined {
    const again = this.resyncWith;
    this.resyncWith = undefined;
    return again;
  }

  async exchangeWith(target: GossipTarget, fullSync = false, joining = false): Promise<void> {
    const c = this.c;
    const o = c.options;
    const self = c.local.record;
    const { digests, complete } = this.digestsFor(target.nodeId, fullSync);
    const sender = this.senderFor(target.nodeId, joining);
    const budget = MessageBudget.forMessage(o, sender.sender ? recordSize(self) : heartbeatSize(c.local.beat));
    for (const d of digests) budget.spend(digestSize(d));
    // Requests carry record rumours as digests ("digests first"): the callee asks for the records
    // it lacks in its answer and gets them in the follow-up, so a record crosses each link once.
    const { records: rumoured, claims, removals } = c.rumours.take(budget, target.nodeId, true);
    const records: NodeRecord[] = [];
    const rumourDigests: RecordDigest[] = [];
    for (const r of rumoured) {
      if (r.left) records.push(r);
      else rumourDigests.push({ nodeId: r.nodeId, version: r.version, heartbeat: r.heartbeat, state: 'alive' });
    }
    const request: ExchangeRequest = { ...sender, records, digests, heartbeats: [], claims, digestsComplete: complete, followUp: false, rumourDigests, joining, ...(removals.length > 0 ? { removals } : {}) };
    c.counters.exchangesSent++;
    c.gossip.event('exchanges');
    let response: ExchangeResponse;
    try {
      response = await c.transport.exchange(target, request, { timeoutMs: o.exchangeTimeoutMs });
    } catch (error) {
      c.counters.exchangesFailed++;
      throw error;
    }
    if (c.life === 'stopped') return;
    c.touchDirect(target.nodeId);
    // It holds our version now, unless it asked for our record (it did not hold the version the heartbeat named).
    const entry = c.table.get(target.nodeId);
    if (entry && !response.wants.includes(c.nodeId)) entry.deliveredVersion = self.version;
    // A full sync whose answer was cut at the record limit has more to give: sync again next interval.
    if (complete && response.records.length >= o.maxRecordsPerMessage) this.resyncWith = target;
    this.merge.absorb(response.records, response.heartbeats, response.claims, target.nodeId, response.removals);
    for (const r of response.rumours) this.merge.mergeRecord(r, target.nodeId, true);
    const follow = response.wants.length + response.wantHeartbeats.length > 0 ? this.answerWants(response.wants, response.wantHeartbeats) : { records: [], heartbeats: [] };
    // It offered us records of members we know to be removed: tell it why we refuse them.
    const teach = this.removals.removalsFor([...response.records, ...response.rumours].map((r) => r.nodeId));
    // Not to a peer whose answer said it is leaving: it takes nothing further anywhere, and the
    // call would only dial it again after its channel was dropped.
    const leaving = c.table.get(target.nodeId)?.state === 'left';
    if (!leaving && follow.records.length + follow.heartbeats.length + teach.length > 0) {
      const followUp: ExchangeRequest = { ...this.senderFor(target.nodeId, false), records: follow.records, digests: [], heartbeats: follow.heartbeats, claims: [], digestsComplete: false, followUp: true, rumourDigests: [], ...(teach.length > 0 ? { removals: teach } : {}) };
      c.transport.exchange(target, followUp, { timeoutMs: o.exchangeTimeoutMs }).catch(() => undefined);
    }
  }

  /**
   * Who we are, for one request: our heartbeat when the peer already holds our current version
   * (`deliveredVersion`), else our record. A join always sends the record (it is announced).
   */
  private senderFor(targetId: string, joining: boolean): Pick<ExchangeRequest, 'sender' | 'senderBeat'> {
    const c = this.c;
    const known = c.table.get(targetId)?.deliveredVersion;
    return !joining && known === c.local.version ? { senderBeat: c.local.beat } : { sender: c.local.record };
  }

  /** Digests for one exchange: the whole table when it fits (or for a full sync), else a rotating window; always the callee's own entry. */
  private digestsFor(targetId: string, fullSync: boolean): { digests: RecordDigest[]; complete: boolean } {
    const table = this.c.table;
    const size = table.size;
    const max = fullSync ? fullSyncDigests(this.c.options) : this.c.options.maxDigests;
    const digests: RecordDigest[] = [];
    if (size <= max) {
      for (const e of table.values()) digests.push(digestOf(e));
      // A full table cannot take what it lacks, so only a table below its bound asks for everything.
      return { digests, complete: size < table.bound };
    }
    const target = table.get(targetId);
    if (target) digests.push(digestOf(target));
    for (let n = 0; n < max - 1; n++) {
      if (this.digestCursor >= size) this.digestCursor = 0;
      const id = table.idAt(this.digestCursor++);
      if (id !== targetId) digests.push(digestOf(table.get(id)!));
    }
    return { digests, complete: false };
  }

  private answerWants(wants: readonly string[], wantHeartbeats: readonly string[]): { records: NodeRecord[]; heartbeats: Heartbeat[] } {
    const c = this.c;
    const max = c.options.maxRecordsPerMessage;
    const records: NodeRecord[] = [];
    const heartbeats: Heartbeat[] = [];
    const budget = MessageBudget.forMessage(c.options, recordSize(c.local.record));
    for (const id of wantHeartbeats) {
      if (heartbeats.length >= max) break;
      const e = c.table.get(id);
      if (!e) continue;
      // Heartbeats are small and were asked for: they go in even past the budget.
      budget.spend(heartbeatSize(e.beat));
      heartbeats.push(e.beat);
    }
    for (const id of wants) {
      if (records.length >= max) break;
      const entry = c.table.get(id);
      const r = id === c.nodeId ? c.local.record : entry ? currentRecord(entry) : c.rumours.recordOf(id);
      if (!r) continue;
      if (!budget.add(records, r, recordSize(r))) break;
    }
    return { records, heartbeats };
  }
}
