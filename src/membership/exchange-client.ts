import type { MemberRemovals } from './member-removals';
import type { RecordMerge } from './merge';
import type { MembershipCore } from './membership-core';
import { fullSyncDigests, MessageBudget } from './message-budget';
import { digestSize, heartbeatSize, recordSize } from './message-size';
import type { Heartbeat, NodeRecord } from './node-record';
import { currentRecord, digestOf } from './peer-table';
import { retransmitLimit } from './rumour-queue';
import type { ExchangeRequest, ExchangeResponse, GossipTarget, RecordDigest } from './transport';

const NO_SIGNATURE = new Uint8Array(0);

/**
 * The caller's side of an exchange (push-pull): our digests and rumours out, the callee's
 * records, heartbeats, claims and wants back, and a follow-up with what it wanted.
 */
export class ExchangeClient {
  /** A peer whose full-sync answer was cut at the record limit: it has more for us. */
  private resyncWith: GossipTarget | undefined;
  private digestCursor = 0;
  /** Our version last seen by `ownNews`, and how many more exchanges carry it whole. */
  private newsVersion: number;
  private newsLeft = 0;

  constructor(
    private readonly c: MembershipCore,
    private readonly merge: Pick<RecordMerge, 'absorb' | 'mergeRecord'>,
    private readonly removals: Pick<MemberRemovals, 'removalsFor'>,
    /** An exchange with this peer failed (failure detection checks it). */
    private readonly unreachable: (nodeId: string) => void = () => undefined,
  ) {
    // The version we start with is announced by the join, not news for every exchange.
    this.newsVersion = c.local.version;
  }

  /**
   * Whether this exchange should carry our record whole because it is news: a new version (a
   * refutation, new addresses) goes whole as the sender of our next λ·log N exchanges. As a
   * rumour digest the callee would need our follow-up to get it, and a node slow to read answers
   * (the very node that must refute a suspicion) sends none; counted apart from the rumour queue,
   * whose sends our answers to callers may use up.
   */
  private ownNews(): boolean {
    const c = this.c;
    if (this.newsVersion !== c.local.version) {
      this.newsVersion = c.local.version;
      this.newsLeft = retransmitLimit(c.options.retransmitMult, c.table.networkSize());
    }
    if (this.newsLeft <= 0) return false;
    this.newsLeft--;
    return true;
  }

  /** The peer owed another full sync (its last answer was cut), once. */
  takeResync(): GossipTarget | undefined {
    const again = this.resyncWith;
    this.resyncWith = undefined;
    return again;
  }

  /** `withRecord`: our record goes as the sender (a join, a monitor that asked for it), else our version only. */
  async exchangeWith(target: GossipTarget, fullSync = false, joining = false, withRecord = joining): Promise<void> {
    const c = this.c;
    const o = c.options;
    const self = c.local.record;
    const { digests, complete } = this.digestsFor(target.nodeId, fullSync);
    const sender = this.senderFor(withRecord || this.ownNews());
    const budget = MessageBudget.forMessage(o, sender.sender ? recordSize(self) : heartbeatSize(sender.senderBeat!));
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
      this.unreachable(target.nodeId);
      throw error;
    }
    if (c.life === 'stopped') return;
    c.touchDirect(target.nodeId);
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
      const followUp: ExchangeRequest = { ...this.senderFor(false), records: follow.records, digests: [], heartbeats: follow.heartbeats, claims: [], digestsComplete: false, followUp: true, rumourDigests: [], ...(teach.length > 0 ? { removals: teach } : {}) };
      c.transport.exchange(target, followUp, { timeoutMs: o.exchangeTimeoutMs }).catch(() => undefined);
    }
  }

  /**
   * Who we are, for one request: our record when asked (a join is announced; a monitor lacks
   * it), else only our version and heartbeat. A callee that lacks that version and has room for
   * us asks for the record (`wants`), and gets it in the follow-up; a full bounded table does
   * not, so that calling a peer does not churn its table.
   */
  private senderFor(withRecord: boolean): Pick<ExchangeRequest, 'sender' | 'senderBeat'> {
    const c = this.c;
    if (withRecord) return { sender: c.local.record };
    // Unsigned: the callee only compares the version (the channel proves who is calling), and
    // heartbeats reach the monitors directly.
    return { senderBeat: { nodeId: c.nodeId, version: c.local.version, heartbeat: c.local.heartbeat, signature: NO_SIGNATURE } };
  }

  /**
   * Digests for one exchange. Only a full sync (push-pull, a join) compares tables: the whole
   * table when it fits, else a rotating window, always with the callee's own entry. Any other
   * exchange carries only rumours, plus the callee's own entry when we hold it suspect or dead
   * (so that it refutes at once): changes travel as rumours, and the full syncs repair the rest.
   */
  private digestsFor(targetId: string, fullSync: boolean): { digests: RecordDigest[]; complete: boolean } {
    const table = this.c.table;
    const size = table.size;
    if (!fullSync) {
      const callee = table.get(targetId);
      const digests = callee && callee.state !== 'alive' ? [digestOf(callee)] : [];
      // Every peer we hold suspect, at the version we suspect: a callee holding its refutation
      // (a newer version) answers with it. Rumours of a refutation run out after λ·log N sends,
      // and a node that missed them (paused, or busy with other rumours) would otherwise declare
      // a live peer dead; in an idle cluster nobody is suspect and this costs nothing.
      for (const e of table.values()) {
        if (digests.length >= this.c.options.maxRumoursPerMessage) break;
        if (e.state === 'suspect' && e.record.nodeId !== targetId) digests.push(digestOf(e));
      }
      return { digests, complete: false };
    }
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
