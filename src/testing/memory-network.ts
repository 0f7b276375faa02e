import { envelopeSize } from '../channel/message';
import type { ChannelHandler, ChannelTransport, PullRequest, PullResponse, PushResponse } from '../channel/transport';
import { CallTimeoutError, PeerUnavailableError } from '../transport/call-errors';
import { callerViewOf } from '../transport/status-mapping';
import { embedded, exchangeRequestSize, exchangeResponseSize, pingRequestSize, pingResponseSize, pingViaRequestSize, pingViaResponseSize } from '../membership/message-size';
import type {
  CallOptions,
  GossipHandler,
  GossipTarget,
  PingResponse,
  PingViaResponse,
  Transport,
} from '../membership/transport';
import type { Clock, TimerHandle } from '../util/clock';
import type { EventScheduler } from './event-scheduler';
import type { SeededRandom } from './seeded-random';

export interface MemoryNetworkOptions {
  /** One-way latency of a message, drawn uniformly in [min, max] ms (integers). */
  latencyMs?: [number, number];
  /** Probability that any one message is lost. */
  loss?: number;
  /**
   * One-way latency range of the link from → to, for topologies too large for `setLinkLatency`
   * (one entry per pair): e.g. racks, zones and regions computed from the node ids. A link set
   * with `setLinkLatency` overrides it; undefined falls back to `latencyMs`.
   */
  latencyModel?: LatencyModel;
}

/** One-way latency range (ms) of the link from → to, or undefined for the network default. */
export type LatencyModel = (from: string, to: string) => [number, number] | undefined;

/** The call a message belongs to. */
export type MessageKind = 'exchange' | 'ping' | 'pingVia' | 'push' | 'pull';

/**
 * Sees every message put on a link (lost ones included: they were sent), with its protobuf size,
 * its call kind, and whether it is the callee's answer (false: the caller's request).
 */
/** The order in which a paused node's backlog runs when it resumes (`MemoryNetwork.pause`). */
export type PauseBacklog = 'arrival' | 'timers-first';

export type TrafficObserver = (from: string, to: string, bytes: number, kind: MessageKind, answer: boolean) => void;

interface SimNodeState {
  id: string;
  handler: GossipHandler | undefined;
  channel: ChannelHandler | undefined;
  paused: boolean;
  /** How the paused node's backlog runs when it resumes (see `pause`). */
  backlog: PauseBacklog;
  crashed: boolean;
  deferred: { fn: () => void; timer: boolean }[];
  group: number;
  messagesSent: number;
  bytesSent: number;
}

/** One node's view of the network: its clock and its transport. */
export interface MemoryEndpoint {
  readonly nodeId: string;
  readonly clock: Clock;
  readonly transport: Transport;
  /** Installs the node's server side (a node without a handler refuses calls, as a client-mode member does). */
  serve(handler: GossipHandler | undefined): void;
  /** The gossip channel's calls (g2g.v1.Channel) over the same links. */
  readonly channel: ChannelTransport;
  /** Installs the node's channel server side (none: its channel calls are refused). */
  serveChannel(handler: ChannelHandler | undefined): void;
}

/**
 * A deterministic in-memory network for membership simulations: per-link latency and loss,
 * partitions and heals, crashed and paused nodes, all on one EventScheduler and one seeded PRNG.
 *
 * A paused node neither sends, receives nor runs its timers: everything addressed to it (timers,
 * arriving requests and answers) waits and runs, in order, when it resumes — as a process stopped
 * by SIGSTOP or a long GC pause sees it. A crashed node loses everything and answers nothing.
 * Messages are passed by reference (records are immutable), and counted in protobuf bytes.
 */
export class MemoryNetwork {
  private readonly nodes = new Map<string, SimNodeState>();
  private readonly linkLatency = new Map<string, [number, number]>();
  private readonly linkLoss = new Map<string, number>();
  private latency: [number, number];
  private loss: number;
  private partitioned = false;
  private readonly latencyModel: LatencyModel | undefined;
  private observer: TrafficObserver | undefined;

  constructor(
    readonly scheduler: EventScheduler,
    private readonly random: SeededRandom,
    options: MemoryNetworkOptions = {},
  ) {
    this.latency = options.latencyMs ?? [1, 5];
    this.loss = options.loss ?? 0;
    this.latencyModel = options.latencyModel;
  }

  /** Adds a node to the network and returns its endpoint. */
  endpoint(nodeId: string): MemoryEndpoint {
    if (this.nodes.has(nodeId)) throw new RangeError(`node ${nodeId} is already on the network`);
    const state: SimNodeState = { id: nodeId, handler: undefined, channel: undefined, paused: false, backlog: 'arrival', crashed: false, deferred: [], group: 0, messagesSent: 0, bytesSent: 0 };
    this.nodes.set(nodeId, state);
    const clock: Clock = {
      now: () => this.scheduler.now(),
      setTimeout: (fn, ms) => this.nodeTimer(state, fn, ms),
    };
    const transport: Transport = {
      exchange: (target, request, options) =>
        this.call(state, target, options, 'exchange', exchangeRequestSize(request), gossipOf, (h, from) => h.handleExchange(from, request), exchangeResponseSize),
      ping: (target, request, options) => this.call<GossipHandler, PingResponse>(state, target, options, 'ping', pingRequestSize(request), gossipOf, (h, from) => h.handlePing(from, request), pingResponseSize),
      pingVia: (relay, request, options) =>
        this.call<GossipHandler, PingViaResponse>(state, relay, options, 'pingVia', pingViaRequestSize(request), gossipOf, (h, from) => h.handlePingVia(from, request), pingViaResponseSize),
    };
    const channel: ChannelTransport = {
      push: (target, request, options) =>
        this.call<ChannelHandler, PushResponse>(state, target, options, 'push', messagesSize(request.messages), channelOf, (h, from) => h.handlePush(from, request), () => 4),
      pull: (target, request, options) =>
        this.call<ChannelHandler, PullResponse>(state, target, options, 'pull', pullRequestSize(request), channelOf, (h, from) => h.handlePull(from, request), (r) => messagesSize(r.messages) + 2),
    };
    return { nodeId, clock, transport, serve: (handler) => (state.handler = handler), channel, serveChannel: (handler) => (state.channel = handler) };
  }

  /** Removes a node as if its process died: nothing it had scheduled runs, nothing reaches it. */
  crash(nodeId: string): void {
    const s = this.node(nodeId);
    s.crashed = true;
    s.deferred = [];
  }

  /**
   * Pauses a node. Its backlog runs when it resumes: in arrival order (`arrival`), or with every
   * timer that fell due first and the messages after them (`timers-first`) — what Node's event
   * loop does after a synchronous block inside an I/O callback: the next loop iteration runs the
   * expired timers (a call's deadline among them) before it reads the sockets (the answer).
   */
  pause(nodeId: string, backlog: PauseBacklog = 'arrival'): void {
    const s = this.node(nodeId);
    if (s.crashed) return;
    s.paused = true;
    s.backlog = backlog;
  }

  /** Resumes a paused node: what waited for it runs now, in the order `pause` chose. */
  resume(nodeId: string): void {
    const s = this.node(nodeId);
    if (!s.paused) return;
    s.paused = false;
    const waiting = s.backlog === 'timers-first' ? [...s.deferred.filter((d) => d.timer), ...s.deferred.filter((d) => !d.timer)] : s.deferred;
    s.deferred = [];
    for (const d of waiting) this.scheduler.at(this.scheduler.now(), () => this.runOn(s, d.fn, d.timer));
  }

  isPaused(nodeId: string): boolean {
    return this.node(nodeId).paused;
  }

  isCrashed(nodeId: string): boolean {
    return this.node(nodeId).crashed;
  }

  /** Splits the network: messages only flow within a group; nodes in no group form group 0. */
  partition(groups: readonly (readonly string[])[]): void {
    for (const s of this.nodes.values()) s.group = 0;
    groups.forEach((g, i) => g.forEach((id) => (this.node(id).group = i + 1)));
    this.partitioned = true;
  }

  heal(): void {
    for (const s of this.nodes.values()) s.group = 0;
    this.partitioned = false;
  }

  setLoss(p: number): void {
    this.loss = p;
  }

  setLatency(range: [number, number]): void {
    this.latency = range;
  }

  /** Latency of the link a→b only (one direction). */
  setLinkLatency(a: string, b: string, range: [number, number]): void {
    this.linkLatency.set(`${a}|${b}`, range);
  }

  /** Loss of the link a→b only (one direction). */
  setLinkLoss(a: string, b: string, p: number): void {
    this.linkLoss.set(`${a}|${b}`, p);
  }

  /** Installs (or, with undefined, removes) the observer of every message sent. */
  observeTraffic(observer: TrafficObserver | undefined): void {
    this.observer = observer;
  }

  /** Messages and bytes sent so far by each node. */
  traffic(nodeId: string): { messages: number; bytes: number } {
    const s = this.node(nodeId);
    return { messages: s.messagesSent, bytes: s.bytesSent };
  }

  resetTraffic(): void {
    for (const s of this.nodes.values()) {
      s.messagesSent = 0;
      s.bytesSent = 0;
    }
  }

  private node(id: string): SimNodeState {
    const s = this.nodes.get(id);
    if (!s) throw new RangeError(`no node ${id} on the network`);
    return s;
  }

  private nodeTimer(state: SimNodeState, fn: () => void, ms: number): TimerHandle {
    let cancelled = false;
    const h = this.scheduler.setTimeout(() => this.runOn(state, () => !cancelled && fn(), true), ms);
    return {
      cancel: () => {
        cancelled = true;
        h.cancel();
      },
    };
  }

  /** Runs `fn` (a timer of the node's, or a message reaching it) as node `s`: not at all if crashed, later if paused. */
  private runOn(s: SimNodeState, fn: () => void, timer = false): void {
    if (s.crashed) return;
    if (s.paused) s.deferred.push({ fn, timer });
    else fn();
  }

  private delivers(from: SimNodeState, to: SimNodeState | undefined): boolean {
    if (!to || to.crashed) return false;
    if (this.partitioned && from.group !== to.group) return false;
    // (No key string per message unless some link has its own loss: this runs for every message.)
    const p = this.linkLoss.size > 0 ? this.linkLoss.get(`${from.id}|${to.id}`) ?? this.loss : this.loss;
    return !(p > 0 && this.random.next() < p);
  }

  private delay(from: string, to: string): number {
    const [min, max] = (this.linkLatency.size > 0 ? this.linkLatency.get(`${from}|${to}`) : undefined) ?? this.latencyModel?.(from, to) ?? this.latency;
    return min + Math.floor(this.random.next() * (max - min + 1));
  }

  private call<H, Res>(
    caller: SimNodeState,
    target: GossipTarget,
    options: CallOptions,
    kind: MessageKind,
    requestBytes: number,
    handlerOf: (s: SimNodeState) => H | undefined,
    invoke: (h: H, from: string) => Promise<Res> | Res,
    responseBytes: (r: Res) => number,
  ): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      if (caller.crashed) return reject(new PeerUnavailableError('the calling node has crashed'));
      let settled = false;
      const timer = this.nodeTimer(
        caller,
        () => {
          if (settled) return;
          settled = true;
          reject(new CallTimeoutError(`no answer from ${target.nodeId} within ${options.timeoutMs} ms`));
        },
        options.timeoutMs,
      );
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        timer.cancel();
        fn();
      };
      caller.messagesSent++;
      caller.bytesSent += requestBytes;
      this.observer?.(caller.id, target.nodeId, requestBytes, kind, false);
      const callee = this.nodes.get(target.nodeId);
      if (!this.delivers(caller, callee)) return;
      this.scheduler.setTimeout(
        () =>
          this.runOn(callee!, () => {
            const answer = (outcome: { ok: true; value: Res } | { ok: false; error: unknown }): void => {
              if (callee!.crashed) return;
              const bytes = outcome.ok ? responseBytes(outcome.value) : 16;
              callee!.messagesSent++;
              callee!.bytesSent += bytes;
              this.observer?.(callee!.id, caller.id, bytes, kind, true);
              if (!this.delivers(callee!, caller)) return;
              this.scheduler.setTimeout(
                // A handler's error reaches the caller as a gRPC caller would see it (its status
                // and code, never the object itself), so code under test meets the same types.
                () => this.runOn(caller, () => settle(() => (outcome.ok ? resolve(outcome.value) : reject(callerViewOf(outcome.error))))),
                this.delay(callee!.id, caller.id),
              );
            };
            const handler = handlerOf(callee!);
            if (!handler) {
              answer({ ok: false, error: new PeerUnavailableError(`${target.nodeId} serves no gossip`) });
              return;
            }
            let result: Promise<Res> | Res;
            try {
              result = invoke(handler, caller.id);
            } catch (error) {
              answer({ ok: false, error });
              return;
            }
            Promise.resolve(result).then(
              (value) => answer({ ok: true, value }),
              (error: unknown) => answer({ ok: false, error }),
            );
          }),
        this.delay(caller.id, target.nodeId),
      );
    });
  }
}

const gossipOf = (s: SimNodeState): GossipHandler | undefined => s.handler;
const channelOf = (s: SimNodeState): ChannelHandler | undefined => s.channel;

function messagesSize(messages: readonly Parameters<typeof envelopeSize>[0][]): number {
  let n = 0;
  for (const m of messages) n += embedded(envelopeSize(m));
  return n;
}

function pullRequestSize(r: PullRequest): number {
  let n = 2;
  for (const d of r.origins) n += embedded(2 + d.origin.length + 8 + 4 + 5 * d.have.length);
  return n;
}
