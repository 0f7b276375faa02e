import { embedded } from '../membership/message-size';
import type { NodeMode } from '../membership/node-record';
import type { GossipTarget } from '../membership/transport';
import type { ChannelMessage, TopicChannel } from './topic-channel';
import type { Clock, TimerHandle } from '../util/clock';
import type { Random } from '../util/random';
import { SeenMessages } from './dedup-window';
import { ChannelNotServerError, ChannelSenderRefusedError, ChannelStateError, ChannelTopicError } from './errors';
import { checkPublishable, envelopeSize, toChannelMessage, topicProblem, wellFormed, type SignedMessage, type UnsignedMessage } from './message';
import type { MessageAuthenticator } from './message-authenticator';
import { channelOptions, fanoutFor, type ChannelOptions } from './options';
import { OutboundQueue } from './outbound-queue';
import { RetentionBuffer } from './retention-buffer';
import { Subscriptions, type ChannelHandlerFn } from './subscriptions';
import type { ChannelHandler, ChannelMembers, ChannelTransport, OriginDigest, PullRequest, PullResponse, PushRequest, PushResponse } from './transport';

/** The collaborators the channel needs, and nothing more: each is injected, so tests and the simulator hand in their own. */
export interface ChannelComponents {
  clock: Clock;
  random: Random;
  transport: ChannelTransport;
  authenticator: MessageAuthenticator;
  members: ChannelMembers;
  log?: ChannelLog;
}

export interface ChannelLog {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ChannelLocal {
  nodeId: string;
  mode: NodeMode;
  /** This run's epoch: higher than any earlier run of this node (see node-channel.ts). */
  epoch: number;
}

/** What happened to one received message. */
export type Verdict = 'new' | 'duplicate' | 'stale' | 'invalid' | 'unknown-origin' | 'refused' | 'forged';

export interface ChannelStats {
  /** Messages this node published. */
  published: number;
  /** Messages delivered here (own and others'), each once. */
  delivered: number;
  /** Others' messages new to this node (by push or pull). */
  received: number;
  /** …of which arrived by a repair pull. */
  repaired: number;
  duplicates: number;
  /** Messages of an origin's earlier run, after its newer run was seen. */
  stale: number;
  droppedInvalid: number;
  /** Signature did not verify: forged or altered. */
  droppedForged: number;
  /** Origin is a client-mode member (only servers publish). */
  droppedRefused: number;
  /** Origin unknown to membership (yet): cannot be verified; repair fetches it later. */
  droppedUnknownOrigin: number;
  /** Relays not queued because the outbound queue was over twice its limit. */
  relayDropped: number;
  /** Seqs given up in gaps that repair did not fill in time. */
  lost: number;
  pushesSent: number;
  pushesFailed: number;
  pushesRefused: number;
  pullsSent: number;
  pullsFailed: number;
  pullsServed: number;
  handlerErrors: number;
  queued: number;
  queuedBytes: number;
  /** Bytes of pushes awaiting an answer. */
  inFlightBytes: number;
  publishersWaiting: number;
  retainedMessages: number;
  retainedBytes: number;
  origins: number;
}

type Life = 'new' | 'running' | 'stopped';

/** How long (in repair intervals) a peer whose push or pull failed is avoided. */
const FAILED_PEER_INTERVALS = 4;
/** Pulls in flight at once. */
const MAX_PULLS = 2;

type Counters = Omit<ChannelStats, 'queued' | 'queuedBytes' | 'inFlightBytes' | 'publishersWaiting' | 'retainedMessages' | 'retainedBytes' | 'origins'>;

/**
 * The gossip channel of one node: signed messages pushed epidemically by every
 * server-mode member and repaired by pull, delivered once to each local subscriber. Pure
 * protocol code on injected time, randomness, transport, signatures and membership, so the same
 * class runs over gRPC and in the simulator.
 *
 * - Publish: sign (origin, epoch, seq, topic, data, time), deliver locally, keep for repair,
 *   queue for push. Waits while the outbound queue is full (backpressure).
 * - Push: each flush sends the queue's head to `fanout` random peers (each message to `fanout`
 *   distinct peers in all, never back to its origin or to whoever gave it to us), at most
 *   `maxInFlightPerPeer` pushes per peer in flight; completions drain the queue.
 * - Receive: dedup (per-origin watermark + early seqs) before anything costly; then the origin
 *   must be a server-mode member and the signature must verify under its CA; then mark, keep,
 *   deliver, relay (pushed messages only).
 * - Repair: every `repairIntervalMs` pull from a random peer with a digest of what we hold; the
 *   callee answers with what it retains beyond it, and pulls back if the caller was ahead.
 */
export class Channel implements ChannelHandler, TopicChannel {
  readonly options: ChannelOptions;
  readonly nodeId: string;
  readonly mode: NodeMode;
  readonly epoch: number;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly transport: ChannelTransport;
  private readonly auth: MessageAuthenticator;
  private readonly members: ChannelMembers;
  private readonly log: ChannelLog | undefined;
  private readonly seen: SeenMessages;
  private readonly retained: RetentionBuffer;
  private readonly queue: OutboundQueue;
  private readonly subs = new Subscriptions();
  private readonly inFlight = new Map<string, number>();
  private inFlightBytes = 0;
  /** Peers whose last push or pull failed, until when they are tried only if nobody else is free. */
  private readonly failedUntil = new Map<string, number>();
  private life: Life = 'new';
  private seq = 0;
  private flushTimer: TimerHandle | undefined;
  private repairTimer: TimerHandle | undefined;
  /** Pulls awaiting an answer (at most MAX_PULLS: one slow or lost pull does not stop repair). */
  private pulls = 0;
  private lastReversePullMs = -Infinity;
  private ticks = 0;
  private digestCursor = 0;
  private peerCache: { list: readonly GossipTarget[]; byId: Map<string, GossipTarget> } | undefined;
  private readonly counters: Counters = {
    published: 0,
    delivered: 0,
    received: 0,
    repaired: 0,
    duplicates: 0,
    stale: 0,
    droppedInvalid: 0,
    droppedForged: 0,
    droppedRefused: 0,
    droppedUnknownOrigin: 0,
    relayDropped: 0,
    lost: 0,
    pushesSent: 0,
    pushesFailed: 0,
    pushesRefused: 0,
    pullsSent: 0,
    pullsFailed: 0,
    pullsServed: 0,
    handlerErrors: 0,
  };

  constructor(components: ChannelComponents, local: ChannelLocal, options: Partial<ChannelOptions> = {}) {
    this.options = channelOptions(options);
    this.clock = components.clock;
    this.random = components.random;
    this.transport = components.transport;
    this.auth = components.authenticator;
    this.members = components.members;
    this.log = components.log;
    this.nodeId = local.nodeId;
    this.mode = local.mode;
    if (!Number.isSafeInteger(local.epoch) || local.epoch < 0) throw new RangeError(`a channel epoch must be a non-negative safe integer, got ${local.epoch}`);
    this.epoch = local.epoch;
    const o = this.options;
    this.seen = new SeenMessages({ gapTimeoutMs: o.gapTimeoutMs, maxAhead: o.maxAheadPerOrigin });
    this.retained = new RetentionBuffer({ maxMessages: o.retentionMessages, maxBytes: o.retentionBytes, maxAgeMs: o.retentionMs });
    this.queue = new OutboundQueue({ maxMessages: o.queueMessages, maxBytes: o.queueBytes });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts pushing and repairing (idempotent). The first pull comes at a random offset, so nodes started together do not pull in lockstep. */
  start(): void {
    if (this.life !== 'new') return;
    this.life = 'running';
    this.repairTimer = this.clock.setTimeout(() => this.repairTick(), Math.floor(this.random.next() * this.options.repairIntervalMs));
    this.scheduleFlush();
  }

  /** Stops timers, refuses calls and rejects waiting publishes (idempotent). Subscriptions stay, silent. */
  stop(): void {
    if (this.life === 'stopped') return;
    this.life = 'stopped';
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    this.repairTimer?.cancel();
    this.repairTimer = undefined;
    this.queue.close(new ChannelStateError('the channel stopped'));
  }

  get running(): boolean {
    return this.life === 'running';
  }

  /** (A method, so that TypeScript does not carry a narrowing of `life` across an await.) */
  private isStopped(): boolean {
    return this.life === 'stopped';
  }

  // ---------------------------------------------------------------- the API

  /**
   * Publishes `data` on `topic` to every live server-mode member, this node's subscribers
   * included (before this resolves). Resolves once the message is queued for push; waits while
   * the outbound queue is full. Rejects with ERR_CHANNEL_TOPIC, ERR_CHANNEL_MESSAGE_TOO_LARGE,
   * ERR_CHANNEL_NOT_SERVER (a client-mode node) or ERR_CHANNEL_STATE (stopped).
   */
  async publish(topic: string, data: Uint8Array): Promise<ChannelMessage> {
    if (this.life === 'stopped') throw new ChannelStateError('the channel is stopped');
    if (this.mode !== 'server') throw new ChannelNotServerError('only server-mode members publish on the channel; this node is a client-mode member');
    checkPublishable(topic, data, this.options.maxMessageBytes);
    // Copy now: the signature covers these bytes, whatever the caller does with its buffer later.
    const copy = new Uint8Array(data);
    await this.queue.reserve();
    let queued = false;
    try {
      if (this.isStopped()) throw new ChannelStateError('the channel is stopped');
      const unsigned: UnsignedMessage = { origin: this.nodeId, epoch: this.epoch, seq: ++this.seq, topic, data: copy, publishedAtMs: Math.max(0, Math.floor(this.clock.now())) };
      const signature = await this.auth.sign(unsigned);
      if (this.isStopped()) throw new ChannelStateError('the channel is stopped');
      const message: SignedMessage = { ...unsigned, signature };
      this.retained.add(message, this.clock.now());
      this.queue.addReserved(message, [this.nodeId]);
      queued = true;
      this.counters.published++;
      this.deliverLocal(message);
      this.scheduleFlush();
      return toChannelMessage(message);
    } finally {
      if (!queued) this.queue.release();
    }
  }

  /**
   * Calls `handler` once per message whose topic is `topic` or below it (`topic/…`); `''`
   * receives every topic. Returns the unsubscribe function.
   */
  subscribe(topic: string, handler: (message: ChannelMessage) => void): () => void {
    if (topic !== '') {
      const problem = topicProblem(topic);
      if (problem) throw new ChannelTopicError(problem);
    }
    return this.subs.add(topic, handler as ChannelHandlerFn);
  }

  stats(): ChannelStats {
    return {
      ...this.counters,
      queued: this.queue.length,
      queuedBytes: this.queue.queuedBytes,
      inFlightBytes: this.inFlightBytes,
      publishersWaiting: this.queue.waiting,
      retainedMessages: this.retained.size,
      retainedBytes: this.retained.bytes,
      origins: this.seen.size,
    };
  }

  // ---------------------------------------------------------------- receiving

  async handlePush(from: string, request: PushRequest): Promise<PushResponse> {
    if (this.life !== 'running') throw new ChannelStateError('the channel is not running');
    if (this.mode !== 'server') throw new ChannelStateError('a client-mode member relays nothing');
    const sender = this.members.member(from);
    if (!sender || sender.mode !== 'server') {
      this.counters.pushesRefused++;
      throw new ChannelSenderRefusedError(sender ? `client-mode member ${from} may not push on the channel` : `${from} is not a member this node knows`);
    }
    let accepted = 0;
    for (const m of request.messages) if (this.accept(m, from, true) === 'new') accepted++;
    return { accepted };
  }

  /** Takes one received message through dedup, origin and signature checks; delivers and relays it if new. */
  private accept(m: SignedMessage, via: string, pushed: boolean): Verdict {
    const c = this.counters;
    // Our own messages come back through relays and pulls.
    if (m.origin === this.nodeId) {
      c.duplicates++;
      return 'duplicate';
    }
    if (!wellFormed(m, this.options.maxMessageBytes)) {
      c.droppedInvalid++;
      return 'invalid';
    }
    // Dedup first: it is cheap, and a duplicate needs no signature check.
    const verdict = this.seen.check(m.origin, m.epoch, m.seq);
    if (verdict === 'duplicate') {
      c.duplicates++;
      return verdict;
    }
    if (verdict === 'stale') {
      c.stale++;
      return verdict;
    }
    const origin = this.members.member(m.origin);
    if (!origin) {
      c.droppedUnknownOrigin++;
      return 'unknown-origin';
    }
    if (origin.mode !== 'server') {
      c.droppedRefused++;
      return 'refused';
    }
    // Only a verified message is marked seen: a forged copy arriving first cannot shadow the real one.
    if (!this.auth.verify(m, origin.caCertPem) && !(origin.previousCaCertPem && this.auth.verify(m, origin.previousCaCertPem))) {
      c.droppedForged++;
      this.log?.debug({ origin: m.origin, epoch: m.epoch, seq: m.seq, via }, 'dropped a channel message whose signature does not verify');
      return 'forged';
    }
    const now = this.clock.now();
    c.lost += this.seen.mark(m.origin, m.epoch, m.seq, now);
    this.retained.add(m, now);
    c.received++;
    if (!pushed) c.repaired++;
    // Pulled messages are not pushed on: everyone who lacks them pulls them too (as membership's
    // anti-entropy does not re-rumour), which keeps a rejoining node from flooding the network.
    if (pushed && this.mode === 'server' && this.life === 'running') {
      if (this.queue.tryAddRelay(m, [m.origin, via])) this.scheduleFlush();
      else c.relayDropped++;
    }
    this.deliverLocal(m);
    return 'new';
  }

  private deliverLocal(m: SignedMessage): void {
    this.counters.delivered++;
    if (!this.subs.wants(m.topic)) return;
    this.subs.deliver(toChannelMessage(m), (error, topic) => {
      this.counters.handlerErrors++;
      this.log?.warn({ err: error, topic }, 'a channel subscriber threw');
    });
  }

  // ---------------------------------------------------------------- pushing

  private scheduleFlush(): void {
    if (this.flushTimer || this.life !== 'running' || this.queue.length === 0) return;
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, this.options.flushDelayMs);
  }

  private flush(): void {
    if (this.life !== 'running' || this.queue.length === 0) return;
    const { list: peers, byId } = this.peers();
    if (peers.length === 0) {
      // Nobody to tell: a lone node's messages are delivered (locally) and retained for repair.
      this.queue.removeWhere(() => true);
      return;
    }
    const o = this.options;
    // Enough in flight: a completion reschedules.
    if (this.inFlightBytes >= o.maxInFlightBytes) return;
    const fanout = fanoutFor(o, peers.length);
    // How many peers an entry must reach: fanout, or fewer when there are not that many others.
    const goal = (exclude: readonly string[]): number => {
      let excluded = 0;
      for (const id of exclude) if (byId.has(id)) excluded++;
      return Math.min(fanout, peers.length - excluded);
    };
    const chosen = this.samplePeers(peers, fanout);
    const entries = this.queue.view();
    for (const peer of chosen) {
      const batch: SignedMessage[] = [];
      let bytes = 0;
      for (const e of entries) {
        if (batch.length >= o.maxBatchMessages) break;
        if (e.sentTo.length >= fanout || e.exclude.includes(peer.nodeId) || e.sentTo.includes(peer.nodeId)) continue;
        const size = embedded(e.size);
        if (batch.length > 0 && bytes + size > o.maxBatchBytes) break;
        bytes += size;
        batch.push(e.message);
        e.sentTo.push(peer.nodeId);
      }
      if (batch.length > 0) this.send(peer, batch, bytes);
      if (this.inFlightBytes >= o.maxInFlightBytes) break;
    }
    this.queue.removeWhere((e) => e.sentTo.length >= goal(e.exclude));
    // More to send and somebody free to take it: go on (a completion also reschedules).
    if (this.queue.length > 0 && chosen.length > 0) this.scheduleFlush();
  }

  private send(peer: GossipTarget, messages: SignedMessage[], bytes: number): void {
    const id = peer.nodeId;
    this.inFlight.set(id, (this.inFlight.get(id) ?? 0) + 1);
    this.inFlightBytes += bytes;
    this.counters.pushesSent++;
    this.transport
      .push(peer, { messages }, { timeoutMs: this.options.pushTimeoutMs })
      .then(
        () => this.failedUntil.delete(id),
        () => {
          // The copies are lost; the other fanout copies and repair cover them.
          this.counters.pushesFailed++;
          this.markFailed(id);
        },
      )
      .finally(() => {
        this.inFlightBytes -= bytes;
        const left = (this.inFlight.get(id) ?? 1) - 1;
        if (left > 0) this.inFlight.set(id, left);
        else this.inFlight.delete(id);
        this.scheduleFlush();
      });
  }

  /**
   * Up to `k` distinct random peers with room for another push, preferring peers that have not
   * failed recently (an unreachable peer costs a timeout; membership drops it soon). Failed
   * peers fill in only when too few others are free, so a node cut off from everyone still
   * drains its queue (its messages are then repaired by pull) rather than blocking publishers.
   */
  private samplePeers(peers: readonly GossipTarget[], k: number): GossipTarget[] {
    const n = peers.length;
    const max = this.options.maxInFlightPerPeer;
    const now = this.clock.now();
    const free = (p: GossipTarget): boolean => (this.inFlight.get(p.nodeId) ?? 0) < max;
    const healthy = (p: GossipTarget): boolean => this.failedUntil.size === 0 || !((this.failedUntil.get(p.nodeId) ?? 0) > now);
    const chosen: GossipTarget[] = [];
    const taken = new Set<number>();
    const tried = new Set<number>();
    for (let attempt = 0; chosen.length < k && attempt < 4 * k + 8; attempt++) {
      const i = Math.floor(this.random.next() * n);
      if (tried.has(i)) continue;
      tried.add(i);
      if (free(peers[i]!) && healthy(peers[i]!)) {
        chosen.push(peers[i]!);
        taken.add(i);
      }
    }
    // Guessing found too few: scan from a random point, healthy peers first, then the rest.
    for (const pass of [healthy, (_p: GossipTarget) => true]) {
      if (chosen.length >= k) break;
      const start = Math.floor(this.random.next() * n);
      for (let j = 0; j < n && chosen.length < k; j++) {
        const i = (start + j) % n;
        if (!taken.has(i) && free(peers[i]!) && pass(peers[i]!)) {
          chosen.push(peers[i]!);
          taken.add(i);
        }
      }
    }
    return chosen;
  }

  /** A random peer to pull from, preferring one that has not failed recently. */
  private pickPullTarget(peers: readonly GossipTarget[]): GossipTarget {
    const now = this.clock.now();
    let pick = peers[Math.floor(this.random.next() * peers.length)]!;
    for (let attempt = 0; attempt < 8 && (this.failedUntil.get(pick.nodeId) ?? 0) > now; attempt++) {
      pick = peers[Math.floor(this.random.next() * peers.length)]!;
    }
    return pick;
  }

  private markFailed(nodeId: string): void {
    this.failedUntil.set(nodeId, this.clock.now() + FAILED_PEER_INTERVALS * this.options.repairIntervalMs);
    // Bounded by the peers: forget the expired when the map grows past them.
    if (this.failedUntil.size > 2 * (this.peerCache?.list.length ?? 0) + 16) {
      const now = this.clock.now();
      for (const [id, until] of this.failedUntil) if (until <= now) this.failedUntil.delete(id);
    }
  }

  private peers(): { list: readonly GossipTarget[]; byId: Map<string, GossipTarget> } {
    const list = this.members.peers();
    if (this.peerCache?.list !== list) this.peerCache = { list, byId: new Map(list.map((p) => [p.nodeId, p])) };
    return this.peerCache;
  }

  // ---------------------------------------------------------------- repair

  private repairTick(): void {
    if (this.life !== 'running') return;
    this.repairTimer = this.clock.setTimeout(() => this.repairTick(), this.options.repairIntervalMs);
    const now = this.clock.now();
    this.retained.evict(now);
    this.counters.lost += this.seen.expireGaps(now);
    if (++this.ticks % 64 === 0) this.seen.prune(now, this.options.retentionMs, (origin) => this.members.member(origin) !== undefined);
    if (this.pulls >= MAX_PULLS) return;
    const { list } = this.peers();
    if (list.length === 0) return;
    void this.pullFrom(this.pickPullTarget(list));
  }

  private async pullFrom(target: GossipTarget): Promise<void> {
    if (this.pulls >= MAX_PULLS || this.life !== 'running') return;
    this.pulls++;
    this.counters.pullsSent++;
    let again = false;
    try {
      const response = await this.transport.pull(target, this.digest(), { timeoutMs: this.options.pullTimeoutMs });
      this.failedUntil.delete(target.nodeId);
      if (this.life !== 'running') return;
      for (const m of response.messages) this.accept(m, target.nodeId, false);
      again = response.more && response.messages.length > 0;
    } catch {
      this.counters.pullsFailed++;
      this.markFailed(target.nodeId);
    } finally {
      this.pulls--;
    }
    if (again) void this.pullFrom(target);
  }

  /** What we hold per origin (all origins when they fit, else a rotating window). */
  private digest(): PullRequest {
    const all: OriginDigest[] = [];
    for (const [origin, w] of this.seen.entries()) {
      if (origin !== this.nodeId) all.push({ origin, epoch: w.epoch, contiguous: w.contiguous, have: w.held(this.options.maxHeldListed) });
    }
    const max = this.options.maxDigestOrigins;
    if (all.length <= max) return { origins: all, complete: true };
    const origins: OriginDigest[] = [];
    for (let n = 0; n < max; n++) origins.push(all[(this.digestCursor + n) % all.length]!);
    this.digestCursor = (this.digestCursor + max) % all.length;
    return { origins, complete: false };
  }

  async handlePull(from: string, request: PullRequest): Promise<PullResponse> {
    if (this.life !== 'running') throw new ChannelStateError('the channel is not running');
    const caller = this.members.member(from);
    if (!caller) throw new ChannelSenderRefusedError(`${from} is not a member this node knows`);
    this.counters.pullsServed++;
    const listed = new Map<string, OriginDigest>();
    for (const d of request.origins) listed.set(d.origin, d);
    const messages: SignedMessage[] = [];
    let budget = this.options.maxPullBytes;
    let more = false;
    scan: for (const origin of this.retained.origins()) {
      if (origin === from) continue;
      const d = listed.get(origin);
      if (!d && !request.complete) continue;
      const have = d && d.have.length > 0 ? new Set(d.have) : undefined;
      for (const m of this.retained.after(origin, d?.epoch ?? 0, d?.contiguous ?? 0)) {
        if (have && m.epoch === d!.epoch && have.has(m.seq)) continue;
        const size = embedded(envelopeSize(m));
        if (messages.length > 0 && size > budget) {
          more = true;
          break scan;
        }
        budget -= size;
        messages.push(m);
      }
    }
    if (caller.mode === 'server' && this.aheadOfUs(request)) this.pullBack(from);
    return { messages, more };
  }

  /** True when the caller's digest shows messages we have not seen. */
  private aheadOfUs(request: PullRequest): boolean {
    for (const d of request.origins) {
      if (d.origin === this.nodeId) continue;
      const w = this.seen.get(d.origin);
      if (!w) {
        if (d.contiguous > 0 || d.have.length > 0) return true;
        continue;
      }
      if (d.epoch > w.epoch || (d.epoch === w.epoch && d.contiguous > w.contiguous)) return true;
    }
    return false;
  }

  /** Push-pull: the caller holds what we lack, so pull from it now (at most once per half interval). */
  private pullBack(from: string): void {
    const now = this.clock.now();
    if (this.pulls > 0 || now - this.lastReversePullMs < this.options.repairIntervalMs / 2) return;
    const target = this.peers().byId.get(from);
    if (!target) return;
    this.lastReversePullMs = now;
    void this.pullFrom(target);
  }
}
