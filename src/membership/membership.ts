import type { Clock, TimerHandle } from '../util/clock';
import type { Random } from '../util/random';
import { MembershipStateError } from './errors';
import { ExchangeClient } from './exchange-client';
import { ExchangeServer } from './exchange-server';
import { FailureDetection } from './failure-detection';
import { countingTransport } from './counting-transport';
import { GossipCounters, type GossipCountersView } from './gossip-counters';
import { LocalHealth, type LocalHealthView, type LoopLagSource } from './local-health';
import { LocalRecord, type LocalRecordChanges, type LocalRecordInit } from './local-record';
import { MemberRemovals, type HeldRemoval } from './member-removals';
import { RecordMerge, type AdmitOutcome } from './merge';
import type { LifeState, MembershipCore, OperationCounters } from './membership-core';
import { MembershipEvents, type MembershipEvent, type MembershipLog } from './membership-events';
import { MembershipRumours } from './membership-rumours';
import { exchangeRequestSize, exchangeResponseSize, pingRequestSize, pingResponseSize, pingViaRequestSize, pingViaResponseSize } from './message-size';
import type { NodeMode, NodeRecord, RecordBody, RecordLeaf } from './node-record';
import { membershipOptions, type MembershipOptions } from './options';
import { isExchangeTarget, PartnerSelection } from './partner-selection';
import { currentRecord, PeerTable, type PeerEntry } from './peer-table';
import type { RecordAuthenticator } from './record-authenticator';
import type { Removal } from './removal';
import { SeenVersions } from './seen-versions';
import { Suspicion } from './suspicion';
import {
  targetOf,
  type ExchangeRequest,
  type ExchangeResponse,
  type GossipHandler,
  type MemberState,
  type PingRequest,
  type PingResponse,
  type PingViaRequest,
  type PingViaResponse,
  type Transport,
} from './transport';

export type { LocalRecordChanges, LocalRecordInit } from './local-record';
export type { HeldRemoval } from './member-removals';
export type { AdmitOutcome } from './merge';
export type { MembershipEvent, MembershipEventType, MembershipLog } from './membership-events';

/** The collaborators membership needs, and nothing more: each is injected, so tests and the simulator hand in their own. */
export interface MembershipComponents {
  clock: Clock;
  random: Random;
  transport: Transport;
  authenticator: RecordAuthenticator;
  /** Optional structured log sink (a pino logger fits). */
  log?: MembershipLog;
  /**
   * Distance to a peer for spatial gossip (`spatialShare`): its RTT in ms (the client pool's
   * EWMA), or undefined when not measured. Without it every partner is picked uniformly.
   */
  distance?: (nodeId: string) => number | undefined;
  /**
   * The event loop's recent delay (the node: a 20 ms timer-drift sampler, `EventLoopLag`), for local
   * health awareness. Without it the lateness of membership's own interval timer is the measure.
   */
  loopLag?: LoopLagSource;
}

/** One row of `members()`: everything a person debugging membership asks for. */
export interface MemberView {
  nodeId: string;
  mode: NodeMode;
  addresses: readonly string[];
  state: MemberState;
  /** Local time of the last heartbeat advance (ms since the epoch, our clock). */
  lastHeardMs: number;
  version: number;
  heartbeat: number;
  leaf: RecordLeaf;
  suspectedBy?: string;
  suspectedAtMs?: number;
  /** Heartbeat limit currently applied to this peer (ms). */
  limitMs: number;
  record: NodeRecord;
}

export interface JoinResult {
  /** Seeds that answered an exchange. */
  joined: string[];
  failures: { nodeId: string; error: unknown }[];
}

/**
 * The membership protocol of one node: its peer table, periodic push-pull exchanges
 * with rumours and anti-entropy, per-peer heartbeat limits, direct and indirect checks,
 * suspicion, refutation, death, leave and tombstones. Pure protocol code: time, randomness, the
 * network and signatures are injected, so the same class runs over gRPC and in the simulator.
 *
 * This class is the facade: lifecycle, the interval loop, joining and views. The concepts live
 * in their own files (local-record, membership-events, member-removals, partner-selection,
 * exchange-client, exchange-server, merge, seen-versions, failure-detection, suspicion,
 * message-budget), sharing one MembershipCore.
 *
 * Wiring: construct, `start()`, serve `handleExchange`/`handlePing`/`handlePingVia` on the gossip
 * port, feed `join(seedRecords)` (e.g. from a register welcome) and `updateLocal(changes)` (leaf
 * rotation, new addresses), listen with `onEvent`, read `members()`, and `leave()` or `stop()`.
 */
export class Membership implements GossipHandler {
  readonly options: MembershipOptions;
  readonly nodeId: string;
  private readonly core: MembershipCore;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly table: PeerTable;
  private readonly local: LocalRecord;
  private readonly rumours: MembershipRumours;
  private readonly seen = new SeenVersions();
  private readonly events: MembershipEvents;
  private readonly health: LocalHealth;
  /** Messages and bytes per gossip RPC kind and direction, and protocol decisions (read by metrics and the simulator). */
  readonly counters: GossipCountersView;
  private readonly gossip = new GossipCounters();
  private readonly ops: OperationCounters = { exchangesSent: 0, exchangesFailed: 0, exchangesServed: 0, probes: 0, indirectProbes: 0, refutations: 0 };
  private readonly removalsHeld: MemberRemovals;
  private readonly partners: PartnerSelection;
  private readonly suspicion: Suspicion;
  private readonly detection: FailureDetection;
  private readonly merge: RecordMerge;
  private readonly client: ExchangeClient;
  private readonly server: ExchangeServer;
  private life: LifeState = 'new';
  private tickTimer: TimerHandle | undefined;
  private lastTickMs = 0;
  private lastPushPullMs = 0;
  private lastContact = 0;

  constructor(components: MembershipComponents, init: LocalRecordInit, options: Partial<MembershipOptions> = {}) {
    this.options = membershipOptions(options);
    this.counters = this.gossip;
    this.clock = components.clock;
    this.random = components.random;
    this.nodeId = init.nodeId;
    this.table = new PeerTable(init.nodeId, this.options.maxPeers, this.random);
    this.local = new LocalRecord(components.authenticator, init);
    this.rumours = new MembershipRumours(this.local, this.table, this.options);
    this.events = new MembershipEvents(components.log);
    this.health = new LocalHealth({ maxMultiplier: this.options.lhaMaxMultiplier, lagUnitMs: this.options.probeTimeoutMs }, components.loopLag);
    const self = this;
    this.core = {
      options: this.options,
      nodeId: this.nodeId,
      clock: this.clock,
      random: this.random,
      transport: countingTransport(components.transport, this.gossip),
      auth: components.authenticator,
      log: components.log,
      table: this.table,
      local: this.local,
      rumours: this.rumours,
      seen: this.seen,
      events: this.events,
      counters: this.ops,
      gossip: this.gossip,
      get life() {
        return self.life;
      },
      touchDirect: (id) => this.touchDirect(id),
      health: this.health,
    };
    this.removalsHeld = new MemberRemovals({
      ...this.core,
      get life() {
        return self.life;
      },
      verifyRecord: (r) => this.merge.verify(r),
    });
    this.partners = new PartnerSelection({ table: this.table, random: this.random, options: this.options, distance: components.distance });
    this.suspicion = new Suspicion(this.core, (e) => this.detection.confirm(e));
    this.detection = new FailureDetection(this.core, this.suspicion);
    this.merge = new RecordMerge(this.core, this.suspicion, this.removalsHeld);
    this.client = new ExchangeClient(this.core, this.merge, this.removalsHeld);
    this.server = new ExchangeServer(this.core, this.merge, this.removalsHeld, this.suspicion);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts the interval loop (idempotent). The first tick comes at a random offset, so nodes started together do not gossip in lockstep. */
  start(): void {
    if (this.life !== 'new') return;
    this.life = 'running';
    this.lastTickMs = this.clock.now();
    this.lastContact = this.lastTickMs;
    this.tickTimer = this.clock.setTimeout(() => this.tick(), Math.floor(this.random.next() * this.options.intervalMs));
  }

  /** Stops timers and answers nothing more (idempotent). Does not tell anyone: see `leave`. */
  stop(): void {
    if (this.life === 'stopped') return;
    this.life = 'stopped';
    this.tickTimer?.cancel();
    this.tickTimer = undefined;
    for (const e of this.table.values()) {
      e.suspicionTimer?.cancel();
      e.suspicionTimer = undefined;
    }
  }

  /**
   * Graceful leave: publishes our record with `left` set (a version bump, signed) and pushes it
   * to alive or suspect server peers in random order, a few at a time, until as many as an
   * interval's exchanges (at least 3) have taken it or every such peer was tried; then stops.
   * Peers drop a left node at once and keep it out. A push that failed, or went to a peer that is
   * leaving too (its answer carries its own left record), does not count: those peers take the
   * news nowhere, and the others would only see us die and keep dialling us for
   * `deadRetentionMs`. The caller bounds the time (a node's drain). Returns how many peers that
   * stay took the leave, out of how many could have been told.
   */
  async leave(): Promise<{ told: number; peers: number }> {
    if (this.life === 'stopped' || this.life === 'leaving') return { told: 0, peers: 0 };
    this.life = 'leaving';
    this.tickTimer?.cancel();
    this.bumpSelf({ left: true } as Partial<RecordBody>);
    const wanted = Math.max(3, this.options.exchangeBudget + this.options.randomExchanges);
    const candidates = this.partners.shuffledIds().map((id) => this.table.get(id)!).filter(isExchangeTarget);
    let told = 0;
    let next = 0;
    const push = async (): Promise<void> => {
      while (told < wanted && next < candidates.length && this.life === 'leaving') {
        const target = targetOf(candidates[next++]!.record);
        try {
          await this.client.exchangeWith(target);
          if (this.table.get(target.nodeId)?.state !== 'left') told++;
        } catch {
          // Unreachable or refusing: the next candidate takes its place.
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(wanted, candidates.length) }, push));
    this.stop();
    return { told, peers: candidates.length };
  }

  get running(): boolean {
    return this.life === 'running';
  }

  // ---------------------------------------------------------------- local record

  /** Our current signed record. */
  localRecord(): NodeRecord {
    return this.local.record;
  }

  heartbeat(): number {
    return this.local.heartbeat;
  }

  /**
   * Changes our record (leaf rotation, addresses, services, tags; a node-CA rotation, after the
   * authenticator signs with the new CA key): version bump, gossiped as a rumour.
   */
  updateLocal(changes: LocalRecordChanges): NodeRecord {
    this.bumpSelf(changes);
    return this.local.record;
  }

  private bumpSelf(changes: Partial<RecordBody> = {}): void {
    this.rumours.enqueue({ kind: 'record', record: this.local.bump(changes) });
  }

  // ---------------------------------------------------------------- views and events

  onEvent(listener: (e: MembershipEvent) => void): () => void {
    return this.events.on(listener);
  }

  /** Every peer in the table (not us), with its state. */
  members(): MemberView[] {
    const out: MemberView[] = [];
    for (const e of this.table.values()) out.push(this.view(e));
    return out;
  }

  member(nodeId: string): MemberView | undefined {
    const e = this.table.get(nodeId);
    return e && this.view(e);
  }

  /** State of a peer, or undefined when it is not in the table. */
  stateOf(nodeId: string): MemberState | undefined {
    return this.table.get(nodeId)?.state;
  }

  /**
   * The newest version of `nodeId`'s record this node has seen, in its table or only relayed (a
   * bounded table relays news about peers it does not keep); undefined if none.
   */
  versionSeen(nodeId: string): number | undefined {
    if (nodeId === this.nodeId) return this.local.version;
    const v = this.table.get(nodeId)?.record.version;
    const s = this.seen.get(nodeId);
    return v === undefined ? s : s === undefined ? v : Math.max(v, s);
  }

  /** Number of peers in the table. */
  get peerCount(): number {
    return this.table.size;
  }

  /** Estimated network size (this node included). */
  networkSize(): number {
    return this.table.networkSize();
  }

  /** Operation counters since start. */
  stats(): Readonly<OperationCounters> & { rumoursQueued: number; tombstones: number } {
    return { ...this.ops, rumoursQueued: this.rumours.size, tombstones: this.table.tombstoneCount };
  }

  /** Local health awareness: the score, the multiplier on our failure detector's timeouts, the last interval's loop lag. */
  localHealth(): LocalHealthView {
    return this.health.view();
  }

  /** True while `nodeId` is refused because of a tombstone. */
  isTombstoned(nodeId: string, version = 0): boolean {
    return this.table.refuses(nodeId, version, this.clock.now());
  }

  private view(e: PeerEntry): MemberView {
    return {
      nodeId: e.record.nodeId,
      mode: e.record.mode,
      addresses: e.record.addresses,
      state: e.state,
      lastHeardMs: e.lastHeardMs,
      version: e.record.version,
      heartbeat: e.beat.heartbeat,
      leaf: e.record.leaf,
      suspectedBy: e.suspectedBy,
      suspectedAtMs: e.suspectedAtMs,
      limitMs: this.detection.limitOf(e),
      record: currentRecord(e),
    };
  }

  // ---------------------------------------------------------------- joining and admitting

  /**
   * Admits a record learnt out of band: a persisted peer list, a register welcome's peers, or
   * (`announce`) a newcomer that registered with us, whose arrival is then gossiped as news.
   */
  admit(record: NodeRecord, options: { announce?: boolean } = {}): AdmitOutcome {
    return this.merge.mergeRecord(record, undefined, options.announce === true);
  }

  /**
   * Admits `seeds` and exchanges with each. Partial success is a value, not an error: the seeds that
   * answered are in `joined`, the others in `failures`.
   */
  async join(seeds: readonly NodeRecord[]): Promise<JoinResult> {
    const result: JoinResult = { joined: [], failures: [] };
    await Promise.all(
      seeds.map(async (seed) => {
        if (seed.nodeId === this.nodeId) return;
        const outcome = this.merge.mergeRecord(seed, undefined);
        if (outcome === 'invalid' || outcome === 'tombstoned') {
          result.failures.push({ nodeId: seed.nodeId, error: new MembershipStateError(`seed ${seed.nodeId} was refused (${outcome})`) });
          return;
        }
        try {
          await this.client.exchangeWith(targetOf(seed), true, true);
          result.joined.push(seed.nodeId);
        } catch (error) {
          result.failures.push({ nodeId: seed.nodeId, error });
        }
      }),
    );
    return result;
  }

  // ---------------------------------------------------------------- removal of members

  /**
   * Removes `nodeId` from the network (`g2g remove`): signs a removal as this node, applies it and
   * gossips it. Only a running server-mode member may; removing itself is a leave, not a removal.
   */
  remove(nodeId: string): Removal {
    return this.removalsHeld.issue(nodeId, false);
  }

  /**
   * Lifts a removal of `nodeId` (a newer ticket admitted it again): signed, applied and gossiped
   * like a removal. Undefined when no removal of it is held.
   */
  reinstate(nodeId: string): Removal | undefined {
    if (!this.removalOf(nodeId)) return undefined;
    return this.removalsHeld.issue(nodeId, true);
  }

  /** The removal in force against `nodeId`, if any (not lifted, not expired). */
  removalOf(nodeId: string): Removal | undefined {
    return this.removalsHeld.removalOf(nodeId);
  }

  /** Every removal and reinstatement held, with its local expiry (to persist across restarts). */
  removals(): HeldRemoval[] {
    return this.removalsHeld.all();
  }

  /** Takes back what `removals()` returned in an earlier run; each is verified again. */
  restoreRemovals(held: readonly HeldRemoval[]): void {
    this.removalsHeld.restore(held);
  }

  /** Calls `listener` with every removal or reinstatement newly applied here (ours included). */
  onRemoval(listener: (removal: Removal) => void): () => void {
    return this.removalsHeld.onRemoval(listener);
  }

  // ---------------------------------------------------------------- the interval loop

  private tick(): void {
    if (this.life !== 'running') return;
    const now = this.clock.now();
    const o = this.options;
    const sinceLast = now - this.lastTickMs;
    this.lastTickMs = now;
    this.tickTimer = this.clock.setTimeout(() => this.tick(), o.intervalMs);
    this.local.beatOnce();
    this.health.interval(sinceLast - o.intervalMs);
    this.detection.sweep(now, sinceLast);
    if (this.random.next() < 0.01) {
      this.table.expireTombstones(now);
      this.removalsHeld.expire(now);
    }

    const targets = this.partners.pick(now);
    let full = false;
    if (now - this.lastPushPullMs >= o.pushPullIntervalMs && targets.length > 0) {
      this.lastPushPullMs = now;
      full = true;
    }
    targets.forEach((target, i) => {
      // The last target is the random pick: it gets the full sync when one is due.
      this.client.exchangeWith(target, full && i === targets.length - 1).catch(() => undefined);
    });
    const again = this.client.takeResync();
    if (again) this.client.exchangeWith(again, true).catch(() => undefined);
  }

  private touchDirect(id: string): void {
    const now = this.clock.now();
    this.lastContact = now;
    const e = this.table.get(id);
    if (e) e.lastDirectMs = now;
  }

  /**
   * When an exchange with a peer last succeeded, either way (a start counts): both sides then
   * trusted each other's current CA. Long ago while peers are known means this node is cut off.
   */
  lastContactMs(): number {
    return this.lastContact;
  }

  // ---------------------------------------------------------------- the gossip port's handlers

  async handleExchange(from: string, request: ExchangeRequest): Promise<ExchangeResponse> {
    this.gossip.message('received', 'exchange', exchangeRequestSize(request));
    const answer = await this.server.handleExchange(from, request);
    this.gossip.message('sent', 'exchange', exchangeResponseSize(answer));
    return answer;
  }

  handlePing(from: string, request: PingRequest): PingResponse {
    this.gossip.message('received', 'ping', pingRequestSize(request));
    const answer = this.server.handlePing(from, request);
    this.gossip.message('sent', 'ping', pingResponseSize(answer));
    return answer;
  }

  async handlePingVia(from: string, request: PingViaRequest): Promise<PingViaResponse> {
    this.gossip.message('received', 'ping_via', pingViaRequestSize(request));
    const answer = await this.server.handlePingVia(from, request);
    this.gossip.message('sent', 'ping_via', pingViaResponseSize(answer));
    return answer;
  }
}

