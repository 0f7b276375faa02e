import type { Clock, TimerHandle } from '../util/clock';
import type { Random } from '../util/random';
import { InvalidRecordError, MembershipStateError, ModeEscalationError, SenderMismatchError } from './errors';
import { suspicionBounds, suspicionTimeout } from './failure-detector';
import { claimSize, digestSize, embedded, heartbeatSize, recordSize, removalSize } from './message-size';
import { PROTOCOL_VERSION, type Heartbeat, type NodeMode, type NodeRecord, type RecordBody, type RecordLeaf, type RecordTag } from './node-record';
import { membershipOptions, type MembershipOptions } from './options';
import { currentRecord, digestOf, newEntry, PeerTable, type PeerEntry } from './peer-table';
import type { RecordAuthenticator } from './record-authenticator';
import { removalSigningBytes, supersedes, type Removal } from './removal';
import { retransmitLimit, RumourQueue } from './rumour-queue';
import {
  EMPTY_RESPONSE,
  targetOf,
  type ExchangeRequest,
  type ExchangeResponse,
  type GossipHandler,
  type GossipTarget,
  type MemberClaim,
  type MemberState,
  type PingRequest,
  type PingResponse,
  type PingViaRequest,
  type PingViaResponse,
  type RecordDigest,
  type Transport,
} from './transport';

/** The collaborators membership needs, and nothing more (STYLE §2). */
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
}

export interface MembershipLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** The local node's record as the node knows it (version and heartbeat are membership's). */
export interface LocalRecordInit {
  nodeId: string;
  cluster: string;
  mode: NodeMode;
  addresses: readonly string[];
  registerPort: number;
  gossipPort: number;
  caCertPem: string;
  /** After a node-CA rotation: the lineage and, during the grace period, the previous CA. */
  caLineage?: RecordBody['caLineage'];
  previousCaCertPem?: string;
  leaf: RecordLeaf;
  services?: readonly string[];
  tags?: readonly RecordTag[];
  /**
   * The last version this node published (persist it across restarts). A restarted node that
   * starts lower jumps past any newer record of its own that it hears back, so this is an
   * optimisation, not a requirement.
   */
  version?: number;
}

/** The fields an owner may change (each change bumps the version and is gossiped). */
export type LocalRecordChanges = Partial<Pick<RecordBody, 'addresses' | 'registerPort' | 'gossipPort' | 'leaf' | 'services' | 'tags' | 'caCertPem' | 'caLineage' | 'previousCaCertPem'>>;

export type MembershipEventType = 'joined' | 'updated' | 'suspect' | 'alive' | 'dead' | 'left' | 'removed';

export interface MembershipEvent {
  type: MembershipEventType;
  nodeId: string;
  /** The peer's record (for 'removed', the last one known). */
  record: NodeRecord;
  state: MemberState;
  /** For suspect/dead: who accused it first. */
  by?: string;
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

export type AdmitOutcome = 'added' | 'updated' | 'heartbeat' | 'stale' | 'rejected' | 'tombstoned' | 'invalid' | 'self';

/** A rumour: a record (with a version change) or a claim about a node. */
type Rumour = { kind: 'record'; record: NodeRecord } | { kind: 'claim'; claim: MemberClaim } | { kind: 'removal'; removal: Removal };

/** A removal (or reinstatement) this node holds, with the local time it is enforced until. */
export interface HeldRemoval {
  removal: Removal;
  untilMs: number;
}

type LifeState = 'new' | 'running' | 'leaving' | 'stopped';

/** How long after a direct exchange a peer is protected from eviction, in intervals. */
const PROTECT_INTERVALS = 10;
/** A local stall longer than this many intervals is discounted from every peer's silence. */
const STALL_INTERVALS = 2;
/** Recently rumoured (id → version) remembered for ids not in the table (bounded table). */
const SEEN_CACHE = 8192;
/** Removals held at most (they are rare; the oldest goes first). */
const MAX_REMOVALS = 4096;

/**
 * The membership protocol of one node (DESIGN §4): its peer table, periodic push-pull exchanges
 * with rumours and anti-entropy, per-peer heartbeat limits, direct and indirect checks,
 * suspicion, refutation, death, leave and tombstones. Pure protocol code: time, randomness, the
 * network and signatures are injected, so the same class runs over gRPC and in the simulator.
 *
 * Wiring: construct, `start()`, serve `handleExchange`/`handlePing`/`handlePingVia` on the gossip
 * port, feed `join(seedRecords)` (e.g. from a register welcome) and `updateLocal(changes)` (leaf
 * rotation, new addresses), listen with `onEvent`, read `members()`, and `leave()` or `stop()`.
 */
export class Membership implements GossipHandler {
  readonly options: MembershipOptions;
  readonly nodeId: string;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly transport: Transport;
  private readonly auth: RecordAuthenticator;
  private readonly log: MembershipLog | undefined;
  private readonly distance: ((nodeId: string) => number | undefined) | undefined;
  private readonly table: PeerTable;
  private readonly rumours = new RumourQueue<Rumour>();
  private readonly listeners = new Set<(e: MembershipEvent) => void>();
  /** id → highest version rumoured, for ids that may not be in the table. */
  private readonly seen = new Map<string, number>();
  /** id → version we asked for because of a rumour digest (the follow-up's record is news). */
  private readonly wantedRumours = new Map<string, number>();
  /** id → "version:state" of the last claim relayed about a peer not in the table. */
  private readonly relayedClaims = new Map<string, string>();
  /** Removed (or reinstated) id → the latest statement about it. */
  private readonly removalsById = new Map<string, HeldRemoval>();
  private readonly removalListeners = new Set<(r: Removal) => void>();
  private self: NodeRecord;
  /** Our heartbeat as one object per value, so that relays and verifier caches can share it. */
  private selfBeat: Heartbeat;
  private life: LifeState = 'new';
  private tickTimer: TimerHandle | undefined;
  private lastTickMs = 0;
  private lastReconnectMs = 0;
  private lastPushPullMs = 0;
  /** A peer whose full-sync answer was cut at the record limit: it has more for us. */
  private resyncWith: GossipTarget | undefined;
  private roundRobin: string[] = [];
  private roundRobinAt = 0;
  private digestCursor = 0;
  private nonce = 0;
  private lastContact = 0;
  private readonly counters = { exchangesSent: 0, exchangesFailed: 0, exchangesServed: 0, probes: 0, indirectProbes: 0, refutations: 0 };

  constructor(components: MembershipComponents, local: LocalRecordInit, options: Partial<MembershipOptions> = {}) {
    this.options = membershipOptions(options);
    this.clock = components.clock;
    this.random = components.random;
    this.transport = components.transport;
    this.auth = components.authenticator;
    this.log = components.log;
    this.distance = components.distance;
    this.nodeId = local.nodeId;
    this.table = new PeerTable(local.nodeId, this.options.maxPeers, this.random);
    const body: RecordBody = {
      nodeId: local.nodeId,
      cluster: local.cluster,
      mode: local.mode,
      addresses: [...local.addresses],
      registerPort: local.registerPort,
      gossipPort: local.gossipPort,
      caCertPem: local.caCertPem,
      leaf: local.leaf,
      version: Math.max(1, local.version ?? 1),
      services: [...(local.services ?? [])],
      tags: [...(local.tags ?? [])],
      protocolVersion: PROTOCOL_VERSION,
      left: false,
      ...(local.caLineage?.length ? { caLineage: local.caLineage } : {}),
      ...(local.previousCaCertPem ? { previousCaCertPem: local.previousCaCertPem } : {}),
    };
    this.self = this.signed(body, 0);
    this.selfBeat = { nodeId: this.nodeId, version: this.self.version, heartbeat: 0, signature: this.self.heartbeatSignature };
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
    const candidates = this.shuffledIds().map((id) => this.table.get(id)!).filter((e) => this.isExchangeTarget(e));
    let told = 0;
    let next = 0;
    const push = async (): Promise<void> => {
      while (told < wanted && next < candidates.length && this.life === 'leaving') {
        const target = targetOf(candidates[next++]!.record);
        try {
          await this.exchangeWith(target);
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
    return this.self;
  }

  heartbeat(): number {
    return this.self.heartbeat;
  }

  /**
   * Changes our record (leaf rotation, addresses, services, tags; a node-CA rotation, after the
   * authenticator signs with the new CA key): version bump, gossiped as a rumour.
   */
  updateLocal(changes: LocalRecordChanges): NodeRecord {
    this.bumpSelf(changes);
    return this.self;
  }

  private signed(body: RecordBody, heartbeat: number): NodeRecord {
    return {
      ...body,
      heartbeat,
      signature: this.auth.signBody(body),
      heartbeatSignature: this.auth.signHeartbeat(body.nodeId, body.version, heartbeat),
    };
  }

  private bumpSelf(changes: Partial<RecordBody> = {}, atLeast = 0): void {
    const { heartbeat: _hb, signature: _s, heartbeatSignature: _h, ...body } = this.self;
    const version = Math.max(this.self.version, atLeast) + 1;
    this.self = this.signed({ ...body, ...changes, nodeId: this.nodeId, version }, this.self.heartbeat);
    this.selfBeat = { nodeId: this.nodeId, version, heartbeat: this.self.heartbeat, signature: this.self.heartbeatSignature };
    this.enqueue({ kind: 'record', record: this.self });
  }

  private beatSelf(): void {
    const heartbeat = this.self.heartbeat + 1;
    const signature = this.auth.signHeartbeat(this.nodeId, this.self.version, heartbeat);
    this.self = { ...this.self, heartbeat, heartbeatSignature: signature };
    this.selfBeat = { nodeId: this.nodeId, version: this.self.version, heartbeat, signature };
  }

  // ---------------------------------------------------------------- views and events

  onEvent(listener: (e: MembershipEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(type: MembershipEventType, entry: PeerEntry, by?: string): void {
    if (this.listeners.size === 0) return;
    const event: MembershipEvent = { type, nodeId: entry.record.nodeId, record: currentRecord(entry), state: entry.state, by };
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (error) {
        this.log?.warn({ err: error, event: type }, 'membership event listener threw');
      }
    }
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
    if (nodeId === this.nodeId) return this.self.version;
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
  stats(): Readonly<typeof this.counters> & { rumoursQueued: number; tombstones: number } {
    return { ...this.counters, rumoursQueued: this.rumours.size, tombstones: this.table.tombstoneCount };
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
      limitMs: this.limitOf(e),
      record: currentRecord(e),
    };
  }

  private limitOf(e: PeerEntry): number {
    return e.stats.limit(this.options);
  }

  // ---------------------------------------------------------------- joining and admitting

  /**
   * Admits a record learnt out of band: a persisted peer list, a register welcome's peers, or
   * (`announce`) a newcomer that registered with us, whose arrival is then gossiped as news.
   */
  admit(record: NodeRecord, options: { announce?: boolean } = {}): AdmitOutcome {
    return this.mergeRecord(record, undefined, options.announce === true);
  }

  /**
   * Admits `seeds` and exchanges with each. Partial success is a value (STYLE §8): the seeds that
   * answered are in `joined`, the others in `failures`.
   */
  async join(seeds: readonly NodeRecord[]): Promise<JoinResult> {
    const result: JoinResult = { joined: [], failures: [] };
    await Promise.all(
      seeds.map(async (seed) => {
        if (seed.nodeId === this.nodeId) return;
        const outcome = this.mergeRecord(seed, undefined);
        if (outcome === 'invalid' || outcome === 'tombstoned') {
          result.failures.push({ nodeId: seed.nodeId, error: new MembershipStateError(`seed ${seed.nodeId} was refused (${outcome})`) });
          return;
        }
        try {
          await this.exchangeWith(targetOf(seed), true, true);
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
    return this.issueRemoval(nodeId, false);
  }

  /**
   * Lifts a removal of `nodeId` (a newer ticket admitted it again): signed, applied and gossiped
   * like a removal. Undefined when no removal of it is held.
   */
  reinstate(nodeId: string): Removal | undefined {
    if (!this.removalOf(nodeId)) return undefined;
    return this.issueRemoval(nodeId, true);
  }

  /** The removal in force against `nodeId`, if any (not lifted, not expired). */
  removalOf(nodeId: string): Removal | undefined {
    const held = this.heldRemoval(nodeId);
    return held && !held.removal.reinstated ? held.removal : undefined;
  }

  /** Every removal and reinstatement held, with its local expiry (to persist across restarts). */
  removals(): HeldRemoval[] {
    const now = this.clock.now();
    return [...this.removalsById.values()].filter((h) => h.untilMs > now);
  }

  /** Takes back what `removals()` returned in an earlier run; each is verified again. */
  restoreRemovals(held: readonly HeldRemoval[]): void {
    for (const h of held) this.applyRemoval(h.removal, false, h.untilMs);
  }

  /** Calls `listener` with every removal or reinstatement newly applied here (ours included). */
  onRemoval(listener: (removal: Removal) => void): () => void {
    this.removalListeners.add(listener);
    return () => this.removalListeners.delete(listener);
  }

  private issueRemoval(nodeId: string, reinstated: boolean): Removal {
    if (this.life !== 'running') throw new MembershipStateError('membership is not running');
    if (this.self.mode !== 'server') throw new MembershipStateError('only a server-mode member may remove members');
    if (nodeId === this.nodeId) throw new MembershipStateError('a node cannot remove itself (stop it: it leaves gracefully)');
    const held = this.heldRemoval(nodeId);
    // Strictly later than what we hold, even if our clock is behind its issuer's.
    const issuedAtMs = Math.max(this.clock.now(), held ? held.removal.issuedAtMs + 1 : 0);
    const unsigned = { nodeId, remover: this.self, issuedAtMs, reinstated };
    const removal: Removal = { ...unsigned, signature: this.auth.signStatement(removalSigningBytes(unsigned)) };
    this.applyRemoval(removal, true);
    return removal;
  }

  private heldRemoval(nodeId: string): HeldRemoval | undefined {
    const held = this.removalsById.get(nodeId);
    if (held && held.untilMs <= this.clock.now()) {
      this.removalsById.delete(nodeId);
      return undefined;
    }
    return held;
  }

  /**
   * Applies a removal or reinstatement that supersedes what we hold about its id, after checking
   * who ordered it: a server-mode member of our cluster, not itself removed, whose record and
   * signature verify. Returns false when it was not applied (old news, or refused).
   */
  private applyRemoval(r: Removal, relay: boolean, untilMs = this.clock.now() + this.options.removalTtlMs): boolean {
    const held = this.heldRemoval(r.nodeId);
    if (held && !supersedes(r, held.removal)) return false;
    if (untilMs <= this.clock.now() || !this.verifyRemoval(r)) return false;
    const id = r.nodeId;
    this.removalsById.delete(id);
    this.removalsById.set(id, { removal: r, untilMs });
    if (this.removalsById.size > MAX_REMOVALS) this.removalsById.delete(this.removalsById.keys().next().value as string);
    if (id === this.nodeId) {
      this.log?.warn({ by: r.remover.nodeId, reinstated: r.reinstated }, r.reinstated ? 'this node was reinstated' : 'this node was removed from the network by a member; it needs a new ticket to rejoin');
    } else if (r.reinstated) {
      this.table.liftTombstone(id);
    } else {
      const entry = this.table.get(id);
      if (entry) {
        this.table.delete(id);
        this.emit('removed', entry);
      }
      this.table.tombstone(id, { version: Math.max(entry?.record.version ?? 0, this.seen.get(id) ?? 0), untilMs, forced: true });
      this.rumours.delete(`r:${id}`);
      this.rumours.delete(`c:${id}`);
      this.log?.info({ nodeId: id, by: r.remover.nodeId }, 'member removed');
    }
    if (relay && id !== this.nodeId) this.enqueue({ kind: 'removal', removal: r });
    for (const listener of this.removalListeners) {
      try {
        listener(r);
      } catch (error) {
        this.log?.warn({ err: error }, 'removal listener threw');
      }
    }
    return true;
  }

  private verifyRemoval(r: Removal): boolean {
    const by = r.remover;
    const ok =
      by.nodeId !== r.nodeId &&
      by.mode === 'server' &&
      !by.left &&
      this.removalOf(by.nodeId) === undefined &&
      (by === this.self || this.verify(by)) &&
      this.auth.verifyStatement(by, removalSigningBytes(r), r.signature);
    if (!ok) this.log?.debug({ nodeId: r.nodeId, by: by.nodeId }, 'refused a removal that failed verification');
    return ok;
  }

  /** Removals of the given ids that we hold in force (to teach a peer that still lists them). */
  private removalsFor(ids: Iterable<string>): Removal[] {
    const out: Removal[] = [];
    for (const id of ids) {
      const r = this.removalOf(id);
      if (r && !out.includes(r)) out.push(r);
    }
    return out;
  }

  // ---------------------------------------------------------------- the interval loop

  private tick(): void {
    if (this.life !== 'running') return;
    const now = this.clock.now();
    const o = this.options;
    const sinceLast = now - this.lastTickMs;
    this.lastTickMs = now;
    this.tickTimer = this.clock.setTimeout(() => this.tick(), o.intervalMs);
    this.beatSelf();

    // Our own loop stalled (a pause, a GC): we heard nobody meanwhile, through no fault of theirs.
    const stall = sinceLast > STALL_INTERVALS * o.intervalMs ? sinceLast - o.intervalMs : 0;
    const expired: PeerEntry[] = [];
    const overdue: PeerEntry[] = [];
    for (const e of this.table.values()) {
      if (stall > 0) {
        e.lastHeardMs = Math.min(now, e.lastHeardMs + stall);
        e.lastBeatMs = Math.min(now, e.lastBeatMs + stall);
      }
      if (e.state === 'alive') {
        if (!e.probing && now - e.lastHeardMs > this.limitOf(e)) overdue.push(e);
      } else if (e.state === 'dead') {
        if (now - e.stateSinceMs > o.deadRetentionMs) expired.push(e);
      } else if (e.state === 'left') {
        if (now - e.stateSinceMs > o.leftRetentionMs) expired.push(e);
      }
    }
    for (const e of expired) this.removeEntry(e);
    for (const e of overdue) void this.probe(e);
    if (this.random.next() < 0.01) {
      this.table.expireTombstones(now);
      for (const [id, held] of this.removalsById) if (held.untilMs <= now) this.removalsById.delete(id);
    }

    const targets = this.pickTargets(now);
    let full = false;
    if (now - this.lastPushPullMs >= o.pushPullIntervalMs && targets.length > 0) {
      this.lastPushPullMs = now;
      full = true;
    }
    targets.forEach((target, i) => {
      // The last target is the random pick: it gets the full sync when one is due.
      this.exchangeWith(target, full && i === targets.length - 1).catch(() => undefined);
    });
    if (this.resyncWith) {
      const again = this.resyncWith;
      this.resyncWith = undefined;
      this.exchangeWith(again, true).catch(() => undefined);
    }
  }

  private isExchangeTarget(e: PeerEntry): boolean {
    return e.record.mode === 'server' && (e.state === 'alive' || e.state === 'suspect');
  }

  /**
   * Spatial picks (by distance), round-robin over a shuffled cycle of the table (budget per
   * interval), random picks, and now and then a dead peer. Spatial picks take the place of random
   * picks first, then of round-robin ones, never of all of them (see `spatialShare`). They come
   * first, so that the last target, which gets a due full sync, is a uniform one.
   */
  private pickTargets(now: number): GossipTarget[] {
    const o = this.options;
    const chosen = new Map<string, GossipTarget>();
    const spatial = this.spatialPicks(this.spatialCount());
    for (const e of spatial) chosen.set(e.record.nodeId, targetOf(e.record));
    const insteadOfRandom = Math.min(spatial.length, o.randomExchanges);
    let budget = o.exchangeBudget - (spatial.length - insteadOfRandom);
    let scanned = 0;
    while (budget > 0 && scanned < this.table.size + 1) {
      if (this.roundRobinAt >= this.roundRobin.length) {
        this.reshuffle();
        if (this.roundRobin.length === 0) break;
      }
      const id = this.roundRobin[this.roundRobinAt++]!;
      scanned++;
      const e = this.table.get(id);
      if (!e || !this.isExchangeTarget(e) || chosen.has(id)) continue;
      chosen.set(id, targetOf(e.record));
      budget--;
    }
    for (const e of this.table.sample(o.randomExchanges - insteadOfRandom, (x) => this.isExchangeTarget(x), new Set(chosen.keys()))) {
      chosen.set(e.record.nodeId, targetOf(e.record));
    }
    if (now - this.lastReconnectMs >= o.reconnectIntervalMs) {
      this.lastReconnectMs = now;
      const [dead] = this.table.sample(1, (x) => x.state === 'dead' && x.record.mode === 'server');
      if (dead) chosen.set(dead.record.nodeId, targetOf(dead.record));
    }
    return [...chosen.values()];
  }

  /** How many of this interval's partners to pick by distance: `spatialShare` of them on average, never all. */
  private spatialCount(): number {
    const o = this.options;
    if (this.distance === undefined || o.spatialShare <= 0) return 0;
    const slots = o.exchangeBudget + o.randomExchanges;
    // Rounded so that 1/3 of 3 slots is exactly 1 and costs no random draw.
    const expected = Math.round(o.spatialShare * slots * 1e9) / 1e9;
    let k = Math.floor(expected);
    if (expected > k && this.random.next() < expected - k) k++;
    return Math.min(k, slots - 1);
  }

  /**
   * Up to `k` distinct exchange targets drawn with probability ∝ 1/max(d, spatialFloorMs)²
   * (spatial gossip). A peer with no distance weighs as the mean of the measured ones (as all
   * peers do when none is measured), so it is neither favoured nor starved. O(table · k).
   */
  private spatialPicks(k: number): PeerEntry[] {
    if (k <= 0) return [];
    const floor = this.options.spatialFloorMs;
    const entries: PeerEntry[] = [];
    const weights: number[] = [];
    let measured = 0;
    let measuredSum = 0;
    for (const e of this.table.values()) {
      if (!this.isExchangeTarget(e)) continue;
      const d = this.distance!(e.record.nodeId);
      const w = d !== undefined && d >= 0 && Number.isFinite(d) ? 1 / Math.max(d, floor) ** 2 : -1;
      if (w >= 0) {
        measured++;
        measuredSum += w;
      }
      entries.push(e);
      weights.push(w);
    }
    const unmeasured = measured > 0 ? measuredSum / measured : 1;
    for (let i = 0; i < weights.length; i++) if (weights[i]! < 0) weights[i] = unmeasured;
    const out: PeerEntry[] = [];
    while (out.length < k && out.length < entries.length) {
      let total = 0;
      for (const w of weights) total += w;
      let x = this.random.next() * total;
      let pick = -1;
      for (let i = 0; i < weights.length; i++) {
        if (weights[i] === 0) continue;
        pick = i;
        x -= weights[i]!;
        if (x < 0) break;
      }
      if (pick < 0) break;
      out.push(entries[pick]!);
      weights[pick] = 0;
    }
    return out;
  }

  private reshuffle(): void {
    this.roundRobin = this.shuffledIds();
    this.roundRobinAt = 0;
  }

  /** Every id in the table, in random order (Fisher–Yates). */
  private shuffledIds(): string[] {
    const ids: string[] = [];
    for (let i = 0; i < this.table.size; i++) ids.push(this.table.idAt(i));
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(this.random.next() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    return ids;
  }

  // ---------------------------------------------------------------- exchange (caller side)

  private async exchangeWith(target: GossipTarget, fullSync = false, joining = false): Promise<void> {
    const o = this.options;
    const { digests, complete } = this.digestsFor(target.nodeId, fullSync);
    let budget = o.maxMessageBytes - recordSize(this.self) - 64;
    for (const d of digests) budget -= embedded(digestSize(d));
    // Requests carry record rumours as digests ("digests first"): the callee asks for the records
    // it lacks in its answer and gets them in the follow-up, so a record crosses each link once.
    const { records: rumoured, claims, removals } = this.takeRumours(budget, target.nodeId, true);
    const records: NodeRecord[] = [];
    const rumourDigests: RecordDigest[] = [];
    for (const r of rumoured) {
      if (r.left) records.push(r);
      else rumourDigests.push({ nodeId: r.nodeId, version: r.version, heartbeat: r.heartbeat, state: 'alive' });
    }
    const request: ExchangeRequest = { sender: this.self, records, digests, heartbeats: [], claims, digestsComplete: complete, followUp: false, rumourDigests, joining, ...(removals.length > 0 ? { removals } : {}) };
    this.counters.exchangesSent++;
    let response: ExchangeResponse;
    try {
      response = await this.transport.exchange(target, request, { timeoutMs: o.exchangeTimeoutMs });
    } catch (error) {
      this.counters.exchangesFailed++;
      throw error;
    }
    if (this.life === 'stopped') return;
    this.touchDirect(target.nodeId);
    // A full sync whose answer was cut at the record limit has more to give: sync again next interval.
    if (complete && response.records.length >= o.maxRecordsPerMessage) this.resyncWith = target;
    this.absorb(response.records, response.heartbeats, response.claims, target.nodeId, response.removals);
    for (const r of response.rumours) this.mergeRecord(r, target.nodeId, true);
    const follow = response.wants.length + response.wantHeartbeats.length > 0 ? this.answerWants(response.wants, response.wantHeartbeats) : { records: [], heartbeats: [] };
    // It offered us records of members we know to be removed: tell it why we refuse them.
    const teach = this.removalsFor([...response.records, ...response.rumours].map((r) => r.nodeId));
    // Not to a peer whose answer said it is leaving: it takes nothing further anywhere, and the
    // call would only dial it again after its channel was dropped.
    const leaving = this.table.get(target.nodeId)?.state === 'left';
    if (!leaving && follow.records.length + follow.heartbeats.length + teach.length > 0) {
      const followUp: ExchangeRequest = { sender: this.self, records: follow.records, digests: [], heartbeats: follow.heartbeats, claims: [], digestsComplete: false, followUp: true, rumourDigests: [], ...(teach.length > 0 ? { removals: teach } : {}) };
      this.transport.exchange(target, followUp, { timeoutMs: o.exchangeTimeoutMs }).catch(() => undefined);
    }
  }

  /** Digests for one exchange: the whole table when it fits (or for a full sync), else a rotating window; always the callee's own entry. */
  private digestsFor(targetId: string, fullSync: boolean): { digests: RecordDigest[]; complete: boolean } {
    const size = this.table.size;
    const max = fullSync ? Math.max(this.options.maxDigests, Math.floor((this.options.maxMessageBytes / 2) / 48)) : this.options.maxDigests;
    const digests: RecordDigest[] = [];
    if (size <= max) {
      for (const e of this.table.values()) digests.push(digestOf(e));
      // A full table cannot take what it lacks, so only a table below its bound asks for everything.
      return { digests, complete: size < this.table.bound };
    }
    const target = this.table.get(targetId);
    if (target) digests.push(digestOf(target));
    for (let n = 0; n < max - 1; n++) {
      if (this.digestCursor >= size) this.digestCursor = 0;
      const id = this.table.idAt(this.digestCursor++);
      if (id !== targetId) digests.push(digestOf(this.table.get(id)!));
    }
    return { digests, complete: false };
  }

  private takeRumours(budgetBytes: number, recipient: string, asDigests = false): { records: NodeRecord[]; claims: MemberClaim[]; removals: Removal[] } {
    const limit = retransmitLimit(this.options.retransmitMult, this.table.networkSize());
    let left = budgetBytes;
    // As digests, rumours cost ~1/25 of a record each, and the callee pulls only what it lacks.
    const max = asDigests ? 4 * this.options.maxRumoursPerMessage : this.options.maxRumoursPerMessage;
    const taken = this.rumours.take(max, limit, (r) => {
      // Do not tell a node its own news, and keep under the size limit.
      if (r.kind === 'record' ? r.record.nodeId === recipient : r.kind === 'removal' ? r.removal.nodeId === recipient : false) return false;
      const size = embedded(r.kind === 'record' ? (asDigests ? 48 : recordSize(r.record)) : r.kind === 'claim' ? claimSize(r.claim) : removalSize(r.removal));
      if (size > left) return false;
      left -= size;
      return true;
    });
    const records: NodeRecord[] = [];
    const claims: MemberClaim[] = [];
    const removals: Removal[] = [];
    for (const r of taken) {
      if (r.kind === 'record') records.push(r.record);
      else if (r.kind === 'claim') claims.push(r.claim);
      else removals.push(r.removal);
    }
    return { records, claims, removals };
  }

  private answerWants(wants: readonly string[], wantHeartbeats: readonly string[]): { records: NodeRecord[]; heartbeats: Heartbeat[] } {
    const records: NodeRecord[] = [];
    const heartbeats: Heartbeat[] = [];
    let left = this.options.maxMessageBytes - recordSize(this.self) - 64;
    for (const id of wantHeartbeats) {
      if (heartbeats.length >= this.options.maxRecordsPerMessage) break;
      const e = this.table.get(id);
      if (!e) continue;
      left -= embedded(heartbeatSize(e.beat));
      heartbeats.push(e.beat);
    }
    for (const id of wants) {
      if (records.length >= this.options.maxRecordsPerMessage) break;
      const entry = this.table.get(id);
      const r = id === this.nodeId ? this.self : entry ? currentRecord(entry) : this.rumouredRecord(id);
      if (!r) continue;
      const size = embedded(recordSize(r));
      if (size > left) break;
      left -= size;
      records.push(r);
    }
    return { records, heartbeats };
  }

  /** A record we relay without keeping it in the table (bounded tables). */
  private rumouredRecord(id: string): NodeRecord | undefined {
    const r = this.rumours.get(`r:${id}`);
    return r?.kind === 'record' ? r.record : undefined;
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

  // ---------------------------------------------------------------- exchange (callee side)

  async handleExchange(from: string, request: ExchangeRequest): Promise<ExchangeResponse> {
    if (this.life !== 'running' && this.life !== 'leaving') throw new MembershipStateError('membership is not running');
    if (this.self.mode !== 'server') throw new MembershipStateError('a client-mode member serves no gossip');
    if (request.sender.nodeId !== from) throw new SenderMismatchError(`exchange from ${from} carries the record of ${request.sender.nodeId}`);
    if (this.removalOf(from)) throw new MembershipStateError(`node ${from} was removed from the network`);
    this.counters.exchangesServed++;
    // A caller whose own record does not verify (a forged signature, a CA its lineage does not
    // endorse, another cluster) is refused before anything it sent is looked at.
    const known = this.table.get(from)?.record;
    if (known && escalates(known, request.sender) && request.sender.version > known.version) {
      throw new ModeEscalationError(`node ${from} is a client-mode member; its record may not make it a server (a server-mode ticket admits a new identity)`);
    }
    if (this.mergeRecord(request.sender, from, request.joining === true) === 'invalid') {
      throw new InvalidRecordError(`the caller's own record does not verify (its signatures, its node CA or CA lineage, or its cluster)`);
    }
    for (const r of request.removals ?? []) this.applyRemoval(r, true);
    this.touchDirect(from);
    const callerEntry = this.table.get(from);
    // Pushed records are rumours; so are follow-up records we asked for because of a rumour digest.
    for (const r of request.records) {
      const wanted = this.wantedRumours.get(r.nodeId);
      const rumour = !request.followUp || (wanted !== undefined && wanted <= r.version);
      if (wanted !== undefined && wanted <= r.version) this.wantedRumours.delete(r.nodeId);
      this.mergeRecord(r, from, rumour);
    }
    this.absorb([], request.heartbeats, request.claims, from);
    if (request.followUp) return EMPTY_RESPONSE;

    const o = this.options;
    const records: NodeRecord[] = [];
    const heartbeats: Heartbeat[] = [];
    const claims: MemberClaim[] = [];
    const wants: string[] = [];
    const wantHeartbeats: string[] = [];
    let left = o.maxMessageBytes - 64;
    const addRecord = (r: NodeRecord): void => {
      if (records.length >= o.maxRecordsPerMessage) return;
      const size = embedded(recordSize(r));
      if (size > left) return;
      left -= size;
      records.push(r);
    };
    const addHeartbeat = (h: Heartbeat): void => {
      if (heartbeats.length >= o.maxRecordsPerMessage) return;
      const size = embedded(heartbeatSize(h));
      if (size > left) return;
      left -= size;
      heartbeats.push(h);
    };

    // We hold the caller suspect or dead at its current version: tell it, so that it refutes.
    if (callerEntry && (callerEntry.state === 'suspect' || callerEntry.state === 'dead') && callerEntry.record.version === request.sender.version) {
      claims.push({ nodeId: from, version: callerEntry.record.version, state: callerEntry.state, from: callerEntry.suspectedBy ?? this.nodeId });
    }
    // The caller is behind on its own record: it restarted without its last version (a leave it
    // could not save before exiting, a crash right after a change). Hand it what we hold, so that
    // it takes a newer version and is heard again; otherwise its new records lose to the old one
    // and, once that one is removed, to its tombstone, for the tombstone's whole life.
    if (callerEntry && behind(request.sender, callerEntry)) {
      addRecord(currentRecord(callerEntry));
    } else if (!callerEntry) {
      const stone = this.table.tombstoneOf(from, this.clock.now());
      if (stone && !stone.forced && request.sender.version <= stone.version) claims.push({ nodeId: from, version: stone.version, state: 'dead', from: this.nodeId });
    }
    const listed = request.digestsComplete ? new Set<string>() : undefined;
    // Ids the caller still lists that we know were removed: it gets the removals with our answer.
    const teach: string[] = [];
    for (const d of request.digests) {
      listed?.add(d.nodeId);
      if (this.removalsById.has(d.nodeId) && this.removalOf(d.nodeId)) {
        teach.push(d.nodeId);
        continue;
      }
      if (d.nodeId === this.nodeId) {
        this.checkOwnDigest(d);
        if (d.version < this.self.version) addRecord(this.self);
        else if (d.heartbeat < this.self.heartbeat) addHeartbeat(this.selfBeat);
        continue;
      }
      const e = this.table.get(d.nodeId);
      if (!e) {
        this.table.observe(d.nodeId);
        // Unknown here: ask for it if the table has room (news travels as rumour digests instead).
        if (this.table.size < this.table.bound && (d.state === 'alive' || d.state === 'suspect') && !this.table.refuses(d.nodeId, d.version, this.clock.now())) {
          wants.push(d.nodeId);
        }
        continue;
      }
      const v = e.record.version;
      if (v > d.version) addRecord(currentRecord(e));
      else if (v < d.version) wants.push(d.nodeId);
      else if (e.beat.heartbeat > d.heartbeat) addHeartbeat(e.beat);
      else if (e.beat.heartbeat < d.heartbeat) wantHeartbeats.push(d.nodeId);
      if (v === d.version) this.reconcileState(e, d, from, claims);
    }
    // The caller lists its whole table: offer what it lacks (a node joining through us gets our view).
    if (listed) {
      listed.add(from);
      for (const e of this.table.values()) {
        if (records.length >= o.maxRecordsPerMessage) break;
        if (!listed.has(e.record.nodeId) && (e.state === 'alive' || e.state === 'suspect')) addRecord(currentRecord(e));
      }
      if (!listed.has(this.nodeId)) addRecord(this.self);
    } else {
      for (const e of this.table.sample(o.peerSampleSize, (x) => x.state === 'alive' && x.record.nodeId !== from)) addRecord(currentRecord(e));
    }
    const wanted = request.rumourDigests.length > 0 ? new Set(wants) : undefined;
    for (const d of request.rumourDigests) {
      if (d.nodeId === this.nodeId || this.table.refuses(d.nodeId, d.version, this.clock.now())) continue;
      const e = this.table.get(d.nodeId);
      const known = e ? e.record.version : this.seen.get(d.nodeId) ?? -1;
      if (known < d.version && !wanted!.has(d.nodeId)) {
        wanted!.add(d.nodeId);
        wants.push(d.nodeId);
        this.rememberWanted(d.nodeId, d.version);
      }
    }
    const rumours = this.takeRumours(left, from);
    claims.push(...rumours.claims);
    const removals = this.removalsFor(teach);
    for (const r of rumours.removals) if (!removals.includes(r)) removals.push(r);
    return { records, heartbeats, claims, wants, wantHeartbeats, rumours: rumours.records, ...(removals.length > 0 ? { removals } : {}) };
  }

  /**
   * Anti-entropy of states for a peer both sides hold at the same version: a suspicion or death
   * we hold that the caller does not is sent as a claim; one the caller holds that we do not is
   * taken as its claim.
   */
  private reconcileState(e: PeerEntry, d: RecordDigest, from: string, claims: MemberClaim[]): void {
    const rank = STATE_RANK;
    if (rank[e.state] > rank[d.state] && (e.state === 'suspect' || e.state === 'dead')) {
      claims.push({ nodeId: e.record.nodeId, version: e.record.version, state: e.state, from: e.suspectedBy ?? this.nodeId });
    } else if (rank[d.state] > rank[e.state] && (d.state === 'suspect' || d.state === 'dead')) {
      this.applyClaim({ nodeId: d.nodeId, version: d.version, state: d.state, from });
    }
  }

  /** A caller's digest about us: if it holds us suspect or dead at our current version, refute. */
  private checkOwnDigest(d: RecordDigest): void {
    if ((d.state === 'suspect' || d.state === 'dead') && d.version >= this.self.version) this.refute(d.version);
  }

  handlePing(_from: string, request: PingRequest): PingResponse {
    if (this.life !== 'running' && this.life !== 'leaving') throw new MembershipStateError('membership is not running');
    return { nonce: request.nonce, nodeId: this.nodeId, heartbeat: this.self.heartbeat };
  }

  async handlePingVia(_from: string, request: PingViaRequest): Promise<PingViaResponse> {
    if (this.life !== 'running') throw new MembershipStateError('membership is not running');
    if (this.self.mode !== 'server') throw new MembershipStateError('a client-mode member relays nothing');
    try {
      const answer = await this.transport.ping(request.target, { nonce: request.nonce }, { timeoutMs: request.timeoutMs });
      return { reachable: answer.nodeId === request.target.nodeId, nonce: request.nonce, heartbeat: answer.heartbeat };
    } catch {
      return { reachable: false, nonce: request.nonce, heartbeat: 0 };
    }
  }

  // ---------------------------------------------------------------- merging

  private absorb(records: readonly NodeRecord[], heartbeats: readonly Heartbeat[], claims: readonly MemberClaim[], from: string, removals: readonly Removal[] = []): void {
    // Removals first: a record of a removed member in the same message is then refused.
    for (const r of removals) this.applyRemoval(r, true);
    for (const r of records) this.mergeRecord(r, from);
    for (const h of heartbeats) this.mergeHeartbeat(h);
    for (const c of claims) this.applyClaim(c);
  }

  /**
   * The merge rule: from the owner only (both signatures, id bound to CA, our cluster), newer by
   * (version, heartbeat), never over a tombstone. `direct` is the authenticated peer that handed
   * it to us, if any (its own record counts as hearing from it).
   */
  private mergeRecord(record: NodeRecord, via: string | undefined, rumour = false): AdmitOutcome {
    const id = record.nodeId;
    if (id === this.nodeId) return this.mergeOwn(record);
    const now = this.clock.now();
    if (this.table.refuses(id, record.version, now)) return 'tombstoned';
    const e = this.table.get(id);
    if (e) {
      const v = e.record.version;
      if (record.version < v || (record.version === v && record.heartbeat <= e.beat.heartbeat)) return 'stale';
      if (!this.verify(record)) return 'invalid';
      // A mode is granted by the token a node was admitted with; a client-mode member cannot
      // promote itself by signing a new version of its own record (it would relay gossip, push on
      // the channel, remove members and mint tokens).
      if (escalates(e.record, record)) {
        this.log?.debug({ nodeId: id, version: record.version }, 'refused a record that turns a client-mode member into a server');
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
    this.table.observe(id);
    if (record.cluster !== this.self.cluster) return 'invalid';
    const seen = this.seen.get(id);
    if (seen !== undefined && record.version < seen) return 'stale';
    if (!this.verify(record)) return 'invalid';
    // News to relay: a rumour, or a newcomer announcing itself. A record we merely had not seen
    // (a joiner's first sync, a caller outside our bounded table) is old news to everyone else.
    // Below the bound we know the whole network, so an unknown caller is a newcomer: announce it
    // even if its request did not say `joining`.
    const firstHand = via === id && this.table.size < this.table.bound;
    const fresh = (seen === undefined || record.version > seen) && (rumour || firstHand);
    this.remember(id, record.version);
    if (record.left) {
      if (fresh) this.enqueue({ kind: 'record', record });
      return 'stale';
    }
    // A peer calling us directly always gets in (it is using the link); others go through admission.
    let admission = this.table.admission(now, PROTECT_INTERVALS * this.options.intervalMs);
    if (!admission.admit && via === id) admission = { admit: true, evict: this.table.size >= this.table.bound ? this.forcedVictim(id) : undefined };
    if (fresh) this.enqueue({ kind: 'record', record });
    if (!admission.admit) return 'rejected';
    if (admission.evict !== undefined) {
      if (this.table.size >= this.table.bound && admission.evict === id) return 'rejected';
      this.table.delete(admission.evict);
    }
    if (this.table.size >= this.table.bound) return 'rejected';
    const entry = newEntry(record, 'alive', now);
    this.table.add(entry);
    this.emit('joined', entry);
    return 'added';
  }

  private forcedVictim(except: string): string | undefined {
    const [v] = this.table.sample(1, (e) => e.record.nodeId !== except && (e.state !== 'alive' || this.clock.now() - e.lastDirectMs > PROTECT_INTERVALS * this.options.intervalMs));
    return v?.record.nodeId;
  }

  /** Our own record came back: if it is newer than ours (we restarted and forgot), jump past it. */
  private mergeOwn(record: NodeRecord): AdmitOutcome {
    if (record.version >= this.self.version && (record.version > this.self.version || record.heartbeat > this.self.heartbeat) && this.verify(record)) {
      this.bumpSelf({}, record.version);
      this.counters.refutations++;
    }
    return 'self';
  }

  private replaceRecord(e: PeerEntry, record: NodeRecord, now: number): void {
    const before = e.state;
    e.record = record;
    e.beat = { nodeId: record.nodeId, version: record.version, heartbeat: record.heartbeat, signature: record.heartbeatSignature };
    e.current = undefined;
    e.digest = undefined;
    e.lastHeardMs = now;
    e.lastBeatMs = now;
    this.remember(record.nodeId, record.version);
    this.enqueue({ kind: 'record', record });
    this.rumours.delete(`c:${record.nodeId}`);
    if (record.left) {
      this.setState(e, 'left', now);
      this.emit('left', e);
      return;
    }
    if (before !== 'alive') {
      this.setState(e, 'alive', now);
      this.emit('alive', e);
    } else {
      this.emit('updated', e);
    }
  }

  private mergeHeartbeat(h: Heartbeat): void {
    if (h.nodeId === this.nodeId) return;
    const e = this.table.get(h.nodeId);
    if (!e || h.version !== e.record.version || h.heartbeat <= e.beat.heartbeat) return;
    if (!this.auth.verifyHeartbeat(e.record.caCertPem, h)) return;
    this.advanceHeartbeat(e, h, this.clock.now());
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

  private verify(record: NodeRecord): boolean {
    if (record.cluster !== this.self.cluster) return false;
    const ok = this.auth.verifyRecord(record);
    if (!ok) this.log?.debug({ nodeId: record.nodeId, version: record.version }, 'refused a record that failed verification');
    return ok;
  }

  private remember(id: string, version: number): void {
    const prev = this.seen.get(id);
    if (prev !== undefined && prev >= version) return;
    this.seen.delete(id);
    this.seen.set(id, version);
    if (this.seen.size > SEEN_CACHE) this.seen.delete(this.seen.keys().next().value as string);
  }

  private rememberWanted(id: string, version: number): void {
    this.wantedRumours.delete(id);
    this.wantedRumours.set(id, version);
    if (this.wantedRumours.size > SEEN_CACHE) this.wantedRumours.delete(this.wantedRumours.keys().next().value as string);
  }

  private enqueue(r: Rumour): void {
    // Client-mode members never relay gossip: they only publish their own news.
    if (this.self.mode !== 'server' && !(r.kind === 'record' && r.record.nodeId === this.nodeId)) return;
    this.rumours.push(r.kind === 'record' ? `r:${r.record.nodeId}` : r.kind === 'claim' ? `c:${r.claim.nodeId}` : `x:${r.removal.nodeId}`, r);
  }

  // ---------------------------------------------------------------- failure detection

  private setState(e: PeerEntry, state: MemberState, now: number): void {
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

  /** Direct ping, then k indirect pings; failing both, suspect. Clients cannot be pinged: overdue means suspect. */
  private async probe(e: PeerEntry): Promise<void> {
    const version = e.record.version;
    const started = this.clock.now();
    e.probing = true;
    const ok = await this.check(e);
    e.probing = false;
    const now = this.clock.now();
    if (this.life !== 'running' || this.table.get(e.record.nodeId) !== e || e.record.version !== version || e.state !== 'alive') return;
    if (ok) {
      e.lastHeardMs = now;
      return;
    }
    // Lifeguard's lesson: if our own loop was stalled during the check, its failure says nothing about the peer.
    if (this.stalledSince(started)) return;
    if (now - e.lastHeardMs <= this.limitOf(e)) return;
    this.suspect(e, this.nodeId, now);
  }

  /**
   * Somebody else suspects a peer we hold: check it ourselves, and if it fails our check too,
   * become an independent accuser (a Lifeguard confirmation, which shortens the suspicion time
   * everywhere the claim arrives). A check that succeeds confirms nothing; only the peer refutes.
   */
  private async confirm(e: PeerEntry): Promise<void> {
    if (e.probing || e.record.mode !== 'server') return;
    const version = e.record.version;
    const started = this.clock.now();
    e.probing = true;
    const ok = await this.check(e);
    e.probing = false;
    if (ok || this.life !== 'running' || this.table.get(e.record.nodeId) !== e || e.record.version !== version || e.state !== 'suspect') return;
    if (this.stalledSince(started) || !e.accusers || e.accusers.has(this.nodeId)) return;
    e.accusers.add(this.nodeId);
    this.scheduleSuspicion(e);
    this.enqueue({ kind: 'claim', claim: { nodeId: e.record.nodeId, version, state: 'suspect', from: this.nodeId } });
  }

  private stalledSince(started: number): boolean {
    return this.clock.now() - started > 4 * this.options.probeTimeoutMs + 2 * this.options.intervalMs;
  }

  /** A direct ping, then (if it fails) k indirect ones through random alive server peers. */
  private async check(e: PeerEntry): Promise<boolean> {
    const o = this.options;
    let ok = false;
    if (e.record.mode === 'server') {
      this.counters.probes++;
      const target = targetOf(e.record);
      try {
        const answer = await this.transport.ping(target, { nonce: ++this.nonce }, { timeoutMs: o.probeTimeoutMs });
        ok = answer.nodeId === target.nodeId;
      } catch {
        ok = false;
      }
      if (!ok && this.life === 'running') {
        const relays = this.table.sample(o.indirectChecks, (x) => x.state === 'alive' && x.record.mode === 'server' && x.record.nodeId !== target.nodeId);
        this.counters.indirectProbes += relays.length;
        const answers = await Promise.all(
          relays.map((r) =>
            this.transport
              .pingVia(targetOf(r.record), { target, nonce: ++this.nonce, timeoutMs: o.probeTimeoutMs }, { timeoutMs: 2 * o.probeTimeoutMs + o.probeTimeoutMs })
              .then((a) => a.reachable)
              .catch(() => false),
          ),
        );
        ok = answers.some(Boolean);
      }
    }
    return ok;
  }

  private suspect(e: PeerEntry, by: string, now: number): void {
    this.setState(e, 'suspect', now);
    e.suspectedBy = by;
    e.suspectedAtMs = now;
    e.accusers = new Set([by]);
    this.scheduleSuspicion(e);
    this.enqueue({ kind: 'claim', claim: { nodeId: e.record.nodeId, version: e.record.version, state: 'suspect', from: by } });
    this.emit('suspect', e, by);
    this.log?.debug({ nodeId: e.record.nodeId, by }, 'peer suspected');
  }

  private scheduleSuspicion(e: PeerEntry): void {
    e.suspicionTimer?.cancel();
    const bounds = suspicionBounds(this.options, this.table.networkSize());
    const timeout = suspicionTimeout(bounds, (e.accusers?.size ?? 1) - 1);
    const remaining = Math.max(0, (e.suspectedAtMs ?? this.clock.now()) + timeout - this.clock.now());
    const version = e.record.version;
    e.suspicionTimer = this.clock.setTimeout(() => {
      e.suspicionTimer = undefined;
      if (this.life !== 'running' || this.table.get(e.record.nodeId) !== e || e.state !== 'suspect' || e.record.version !== version) return;
      this.declareDead(e, this.nodeId);
    }, remaining);
  }

  private declareDead(e: PeerEntry, by: string): void {
    const now = this.clock.now();
    const accuser = e.suspectedBy ?? by;
    this.setState(e, 'dead', now);
    e.suspectedBy = accuser;
    e.suspectedAtMs ??= now;
    this.enqueue({ kind: 'claim', claim: { nodeId: e.record.nodeId, version: e.record.version, state: 'dead', from: by } });
    this.emit('dead', e, by);
    this.log?.info({ nodeId: e.record.nodeId, by }, 'peer declared dead');
  }

  /**
   * A claim about a peer. Applied only at the version we hold: a claim about an older version
   * is stale (already refuted), one about a version we have not seen cannot be weighed.
   */
  private applyClaim(c: MemberClaim): void {
    if (c.nodeId === this.nodeId) {
      if (c.version >= this.self.version) this.refute(c.version);
      return;
    }
    const e = this.table.get(c.nodeId);
    if (!e) {
      // A bounded table may not hold the peer, but others that do must hear of it: relay once.
      const key = `${c.version}:${c.state}`;
      if (this.relayedClaims.get(c.nodeId) !== key && !(c.state === 'suspect' && this.relayedClaims.get(c.nodeId) === `${c.version}:dead`)) {
        this.relayedClaims.delete(c.nodeId);
        this.relayedClaims.set(c.nodeId, key);
        if (this.relayedClaims.size > SEEN_CACHE) this.relayedClaims.delete(this.relayedClaims.keys().next().value as string);
        this.enqueue({ kind: 'claim', claim: c });
      }
      return;
    }
    if (e.record.version !== c.version) return;
    const now = this.clock.now();
    if (c.state === 'suspect') {
      if (e.state === 'alive') {
        this.suspect(e, c.from, now);
        void this.confirm(e);
      } else if (e.state === 'suspect' && e.accusers && !e.accusers.has(c.from)) {
        e.accusers.add(c.from);
        this.scheduleSuspicion(e);
      }
    } else if (c.state === 'dead' && (e.state === 'alive' || e.state === 'suspect')) {
      this.declareDead(e, c.from);
    }
  }

  /** Somebody holds us suspect or dead at `version`: publish a newer version of our record. */
  private refute(version: number): void {
    if (this.life !== 'running') return;
    if (version < this.self.version) return;
    this.counters.refutations++;
    this.bumpSelf({}, Math.min(version, this.self.version));
  }

  private removeEntry(e: PeerEntry): void {
    const id = e.record.nodeId;
    this.table.delete(id);
    this.table.tombstone(id, { version: e.record.version, untilMs: this.clock.now() + this.options.tombstoneTtlMs, forced: false });
    this.remember(id, e.record.version);
    this.emit('removed', e);
  }
}

const STATE_RANK: Record<MemberState, number> = { alive: 0, suspect: 1, dead: 2, left: 3 };

/** Whether `sender`, a node's own record, is older than our copy of it (by version, then heartbeat). */
function behind(sender: NodeRecord, e: PeerEntry): boolean {
  return sender.version < e.record.version || (sender.version === e.record.version && sender.heartbeat < e.beat.heartbeat);
}

/** Whether `next`, a newer record of a node we hold as `known`, promotes a client-mode member to a server. */
function escalates(known: Pick<NodeRecord, 'mode'>, next: Pick<NodeRecord, 'mode'>): boolean {
  return known.mode === 'client' && next.mode === 'server';
}
