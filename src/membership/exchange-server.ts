import type { LRUCache } from 'lru-cache';
import { InvalidRecordError, MembershipStateError, ModeEscalationError, SenderMismatchError } from './errors';
import type { MemberRemovals } from './member-removals';
import { escalates, type RecordMerge } from './merge';
import type { MembershipCore } from './membership-core';
import { MessageBudget } from './message-budget';
import { heartbeatSize, recordSize } from './message-size';
import type { Heartbeat, NodeRecord } from './node-record';
import { currentRecord, type PeerEntry } from './peer-table';
import { boundedMap } from './seen-versions';
import type { Suspicion } from './suspicion';
import {
  EMPTY_RESPONSE,
  type ExchangeRequest,
  type ExchangeResponse,
  type MemberClaim,
  type MemberState,
  type PingRequest,
  type PingResponse,
  type PingViaRequest,
  type PingViaResponse,
  type RecordDigest,
} from './transport';

const STATE_RANK: Record<MemberState, number> = { alive: 0, suspect: 1, dead: 2, left: 3 };

/** The caller's own version and heartbeat, from its record or its heartbeat. */
interface CallerVersion {
  version: number;
  heartbeat: number;
}

/** Whether `sender`, a node's own record, is older than our copy of it (by version, then heartbeat). */
function behind(sender: CallerVersion, e: PeerEntry): boolean {
  return sender.version < e.record.version || (sender.version === e.record.version && sender.heartbeat < e.beat.heartbeat);
}

/** The answer to one exchange as it is built: each part within one message budget. */
class Answer {
  readonly records: NodeRecord[] = [];
  readonly heartbeats: Heartbeat[] = [];
  readonly claims: MemberClaim[] = [];
  readonly wants: string[] = [];
  readonly wantHeartbeats: string[] = [];
  /** Ids the caller still lists that we know were removed: it gets the removals with our answer. */
  readonly teach: string[] = [];
  readonly budget: MessageBudget;

  constructor(
    options: MembershipCore['options'],
    private readonly maxRecords: number,
  ) {
    this.budget = MessageBudget.forMessage(options);
  }

  addRecord(r: NodeRecord): void {
    this.budget.add(this.records, r, recordSize(r), this.maxRecords);
  }

  addHeartbeat(h: Heartbeat): void {
    this.budget.add(this.heartbeats, h, heartbeatSize(h), this.maxRecords);
  }
}

/**
 * The callee's side of an exchange: checks the caller, merges what it pushed, and answers with
 * what it lacks (records, heartbeats), what it should know (claims, removals, rumours) and what we
 * want from it (wants, in its follow-up). Also the Ping and PingVia handlers.
 */
export class ExchangeServer {
  /** id → version we asked for because of a rumour digest (the follow-up's record is news). */
  private readonly wantedRumours: LRUCache<string, number> = boundedMap<number>();

  constructor(
    private readonly c: MembershipCore,
    private readonly merge: Pick<RecordMerge, 'absorb' | 'mergeRecord' | 'mergeHeartbeat'>,
    private readonly removals: Pick<MemberRemovals, 'apply' | 'removalOf' | 'removalsFor' | 'holdsAny'>,
    private readonly suspicion: Pick<Suspicion, 'applyClaim' | 'refute'>,
  ) {}

  async handleExchange(from: string, request: ExchangeRequest): Promise<ExchangeResponse> {
    const caller = this.admitCaller(from, request);
    const c = this.c;
    for (const r of request.removals ?? []) this.removals.apply(r, true);
    c.touchDirect(from);
    const callerEntry = c.table.get(from);
    this.mergePushed(from, request);
    if (request.followUp) return EMPTY_RESPONSE;

    const answer = new Answer(c.options, c.options.maxRecordsPerMessage);
    // Its heartbeat named a version we do not hold: its record comes in the follow-up.
    if (caller.wantRecord) answer.wants.push(from);
    this.aboutCaller(from, caller, callerEntry, answer);
    this.compareDigests(from, request.digests, answer);
    if (request.digestsComplete) this.offerMissing(from, request.digests, answer);
    else for (const e of c.table.sample(c.options.peerSampleSize, (x) => x.state === 'alive' && x.record.nodeId !== from)) answer.addRecord(currentRecord(e));
    this.wantRumoured(request.rumourDigests, answer);
    const rumours = c.rumours.take(answer.budget, from);
    answer.claims.push(...rumours.claims);
    const removals = this.removals.removalsFor(answer.teach);
    for (const r of rumours.removals) if (!removals.includes(r)) removals.push(r);
    const { records, heartbeats, claims, wants, wantHeartbeats } = answer;
    return { records, heartbeats, claims, wants, wantHeartbeats, rumours: rumours.records, ...(removals.length > 0 ? { removals } : {}) };
  }

  handlePing(_from: string, request: PingRequest): PingResponse {
    const c = this.c;
    if (c.life !== 'running' && c.life !== 'leaving') throw new MembershipStateError('membership is not running');
    return { nonce: request.nonce, nodeId: c.nodeId, heartbeat: c.local.heartbeat };
  }

  async handlePingVia(_from: string, request: PingViaRequest): Promise<PingViaResponse> {
    const c = this.c;
    if (c.life !== 'running') throw new MembershipStateError('membership is not running');
    if (c.local.record.mode !== 'server') throw new MembershipStateError('a client-mode member relays nothing');
    try {
      const answer = await c.transport.ping(request.target, { nonce: request.nonce }, { timeoutMs: request.timeoutMs });
      return { reachable: answer.nodeId === request.target.nodeId, nonce: request.nonce, heartbeat: answer.heartbeat };
    } catch {
      return { reachable: false, nonce: request.nonce, heartbeat: 0 };
    }
  }

  /**
   * Refuses a caller we must not serve, before anything it sent is looked at: we are not running
   * or a client, its record is somebody else's, it was removed, it promotes itself from client to
   * server, or its own record does not verify (a forged signature, a CA its lineage does not
   * endorse, another cluster). Otherwise its record is merged (it counts as hearing from it).
   */
  private admitCaller(from: string, request: ExchangeRequest): CallerVersion & { wantRecord: boolean } {
    const c = this.c;
    if (c.life !== 'running' && c.life !== 'leaving') throw new MembershipStateError('membership is not running');
    if (c.local.record.mode !== 'server') throw new MembershipStateError('a client-mode member serves no gossip');
    const { sender, senderBeat } = request;
    const claimed = sender?.nodeId ?? senderBeat?.nodeId;
    if (claimed !== from) throw new SenderMismatchError(`exchange from ${from} carries the record of ${claimed}`);
    if (this.removals.removalOf(from)) throw new MembershipStateError(`node ${from} was removed from the network`);
    c.counters.exchangesServed++;
    const known = c.table.get(from)?.record;
    if (!sender) {
      // Only its heartbeat: merged if it is of the version we hold (it is signed like any
      // heartbeat, and the channel proved the caller); a newer version we lack, we ask for.
      const beat = senderBeat!;
      if (known && known.version === beat.version) this.merge.mergeHeartbeat(beat);
      return { version: beat.version, heartbeat: beat.heartbeat, wantRecord: !known || known.version < beat.version };
    }
    if (known && escalates(known, sender) && sender.version > known.version) {
      throw new ModeEscalationError(`node ${from} is a client-mode member; its record may not make it a server (a server-mode ticket admits a new identity)`);
    }
    if (this.merge.mergeRecord(sender, from, request.joining === true) === 'invalid') {
      throw new InvalidRecordError(`the caller's own record does not verify (its signatures, its node CA or CA lineage, or its cluster)`);
    }
    return { version: sender.version, heartbeat: sender.heartbeat, wantRecord: false };
  }

  /** Pushed records are rumours; so are follow-up records we asked for because of a rumour digest. */
  private mergePushed(from: string, request: ExchangeRequest): void {
    for (const r of request.records) {
      const wanted = this.wantedRumours.peek(r.nodeId);
      const rumour = !request.followUp || (wanted !== undefined && wanted <= r.version);
      if (wanted !== undefined && wanted <= r.version) this.wantedRumours.delete(r.nodeId);
      this.merge.mergeRecord(r, from, rumour);
    }
    this.merge.absorb([], request.heartbeats, request.claims, from);
  }

  /** What the caller must hear about itself: our suspicion of it, its newer record, or its tombstone. */
  private aboutCaller(from: string, sender: CallerVersion, callerEntry: PeerEntry | undefined, answer: Answer): void {
    const c = this.c;
    // We hold the caller suspect or dead at its current version: tell it, so that it refutes.
    if (callerEntry && (callerEntry.state === 'suspect' || callerEntry.state === 'dead') && callerEntry.record.version === sender.version) {
      answer.claims.push({ nodeId: from, version: callerEntry.record.version, state: callerEntry.state, from: callerEntry.suspectedBy ?? c.nodeId });
    }
    // The caller is behind on its own record: it restarted without its last version (a leave it
    // could not save before exiting, a crash right after a change). Hand it what we hold, so that
    // it takes a newer version and is heard again; otherwise its new records lose to the old one
    // and, once that one is removed, to its tombstone, for the tombstone's whole life.
    if (callerEntry && behind(sender, callerEntry)) {
      answer.addRecord(currentRecord(callerEntry));
    } else if (!callerEntry) {
      const stone = c.table.tombstoneOf(from, c.clock.now());
      if (stone && !stone.forced && sender.version <= stone.version) answer.claims.push({ nodeId: from, version: stone.version, state: 'dead', from: c.nodeId });
    }
  }

  /** Anti-entropy: each caller digest against our entry (newer record or heartbeat either way, states). */
  private compareDigests(from: string, digests: readonly RecordDigest[], answer: Answer): void {
    const c = this.c;
    for (const d of digests) {
      if (this.removals.holdsAny(d.nodeId) && this.removals.removalOf(d.nodeId)) {
        answer.teach.push(d.nodeId);
        continue;
      }
      if (d.nodeId === c.nodeId) {
        this.checkOwnDigest(d);
        if (d.version < c.local.version) answer.addRecord(c.local.record);
        else if (d.heartbeat < c.local.heartbeat) answer.addHeartbeat(c.local.beat);
        continue;
      }
      const e = c.table.get(d.nodeId);
      if (!e) {
        c.table.observe(d.nodeId);
        // Unknown here: ask for it if the table has room (news travels as rumour digests instead).
        if (c.table.size < c.table.bound && (d.state === 'alive' || d.state === 'suspect') && !c.table.refuses(d.nodeId, d.version, c.clock.now())) {
          answer.wants.push(d.nodeId);
        }
        continue;
      }
      const v = e.record.version;
      if (v > d.version) answer.addRecord(currentRecord(e));
      else if (v < d.version) answer.wants.push(d.nodeId);
      else if (e.beat.heartbeat > d.heartbeat) answer.addHeartbeat(e.beat);
      else if (e.beat.heartbeat < d.heartbeat) answer.wantHeartbeats.push(d.nodeId);
      if (v === d.version) this.reconcileState(e, d, from, answer.claims);
    }
  }

  /** The caller listed its whole table: offer what it lacks (a node joining through us gets our view). */
  private offerMissing(from: string, digests: readonly RecordDigest[], answer: Answer): void {
    const c = this.c;
    const listed = new Set<string>();
    for (const d of digests) listed.add(d.nodeId);
    listed.add(from);
    for (const e of c.table.values()) {
      if (answer.records.length >= c.options.maxRecordsPerMessage) break;
      if (!listed.has(e.record.nodeId) && (e.state === 'alive' || e.state === 'suspect')) answer.addRecord(currentRecord(e));
    }
    if (!listed.has(c.nodeId)) answer.addRecord(c.local.record);
  }

  /** Rumour digests of records newer than we hold: want them (the follow-up's records are then news). */
  private wantRumoured(rumourDigests: readonly RecordDigest[], answer: Answer): void {
    if (rumourDigests.length === 0) return;
    const c = this.c;
    const wanted = new Set(answer.wants);
    for (const d of rumourDigests) {
      if (d.nodeId === c.nodeId || c.table.refuses(d.nodeId, d.version, c.clock.now())) continue;
      const e = c.table.get(d.nodeId);
      const known = e ? e.record.version : c.seen.get(d.nodeId) ?? -1;
      if (known < d.version && !wanted.has(d.nodeId)) {
        wanted.add(d.nodeId);
        answer.wants.push(d.nodeId);
        this.wantedRumours.set(d.nodeId, d.version);
      }
    }
  }

  /**
   * Anti-entropy of states for a peer both sides hold at the same version: a suspicion or death
   * we hold that the caller does not is sent as a claim; one the caller holds that we do not is
   * taken as its claim.
   */
  private reconcileState(e: PeerEntry, d: RecordDigest, from: string, claims: MemberClaim[]): void {
    const rank = STATE_RANK;
    if (rank[e.state] > rank[d.state] && (e.state === 'suspect' || e.state === 'dead')) {
      claims.push({ nodeId: e.record.nodeId, version: e.record.version, state: e.state, from: e.suspectedBy ?? this.c.nodeId });
    } else if (rank[d.state] > rank[e.state] && (d.state === 'suspect' || d.state === 'dead')) {
      this.suspicion.applyClaim({ nodeId: d.nodeId, version: d.version, state: d.state, from });
    }
  }

  /** A caller's digest about us: if it holds us suspect or dead at our current version, refute. */
  private checkOwnDigest(d: RecordDigest): void {
    if ((d.state === 'suspect' || d.state === 'dead') && d.version >= this.c.local.version) this.suspicion.refute(d.version);
  }
}
