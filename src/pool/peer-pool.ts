import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log/logger';
import type { PeerClients, PeerEndpoint } from '../transport/peer-clients';
import type { Clock, TimerHandle } from '../util/clock';
import type { LatencyGroup } from './latency-groups';
import { fanOut, healthyFirst, type FanOutCall, type FanOutComponents, type FanOutOptions, type FanOutResult } from './fan-out';
import { PeerLatencies } from './peer-latencies';
import type { PeerStatsSnapshot } from './peer-stats';
import { BorrowedChannel } from '../transport/borrowed-channel';
import { unaryCall } from '../transport/unary-call';

export interface PeerPoolComponents {
  clients: PeerClients;
  /** The peers the pool serves: live (alive or suspect) server-mode members, never client-mode ones. */
  members(): PeerEndpoint[];
  clock: Clock;
  log: Logger;
  /** High-resolution time for RTTs (ms); default performance.now. */
  now?: () => number;
  /** Client interceptors on every typed client handed out (the node's grpc_client_* metrics). */
  interceptors?: grpc.Interceptor[];
  /** Each measured ping RTT (ms), e.g. for a histogram. */
  onRtt?: (ms: number) => void;
}

export interface PeerPoolOptions {
  /** How often every peer is pinged for an RTT sample (ms). */
  pingIntervalMs: number;
  /** Deadline of a measurement ping (ms). */
  pingTimeoutMs: number;
}

export type { FanOutCall, FanOutOptions, FanOutPeer, FanOutResult } from './fan-out';

/** A generated grpc-js client class (what `makeGenericClientConstructor` and proto-loader give). */
export type ClientConstructor<C extends grpc.Client> = new (address: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions) => C;

const INSECURE = grpc.credentials.createInsecure();

/**
 * The latency-ordered client pool: per-peer statistics over the pooled channels
 * (RTT from pings and from calls made through it, handshakes excluded: a sample counts only if
 * the channel was already connected), latency groups with hysteresis, and the virtual query
 * list, refreshed every measurement round.
 */
export class PeerPool {
  private readonly latencies = new PeerLatencies();
  private timer: TimerHandle | undefined;
  private running = false;
  private changeTimer: TimerHandle | undefined;
  private readonly now: () => number;
  /** Typed clients handed out, per peer and client class (see `client`). */
  private readonly typedClients = new Map<string, Map<ClientConstructor<grpc.Client>, grpc.Client>>();
  /** Resolved after the first measurement round (see `ready`). */
  private readonly firstRound: Promise<void>;
  private firstRoundDone!: () => void;
  private readonly changeListeners = new Set<() => void>();
  /** The peers in the query order at the last regrouping (sorted, joined), to tell listeners only of changes. */
  private orderedPeers = '';

  /** What every fan-out reads (made once: a fan-out is a hot path). */
  private readonly fanOutComponents: FanOutComponents;
  private readonly errorStreak = (nodeId: string): number | undefined => this.latencies.get(nodeId)?.errorStreak;

  constructor(private readonly c: PeerPoolComponents, private readonly options: PeerPoolOptions) {
    this.now = c.now ?? (() => performance.now());
    this.firstRound = new Promise((resolve) => (this.firstRoundDone = resolve));
    this.fanOutComponents = {
      clock: c.clock,
      now: this.now,
      stats: (id) => this.latencies.get(id),
      connected: (id) => c.clients.channelOf(id)?.getConnectivityState(false) === grpc.connectivityState.READY,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const round = () => {
      this.measure().finally(() => {
        // Stopped while the pings were out: do not re-arm.
        if (!this.running) return;
        this.regroup();
        this.firstRoundDone();
        this.timer = this.c.clock.setTimeout(round, this.options.pingIntervalMs);
      });
    };
    this.timer = this.c.clock.setTimeout(round, 0);
  }

  /**
   * Resolves once the first measurement round has run: every peer the pool had then was pinged
   * (a peer whose first ping opened the connection is pinged again for a sample), so the query
   * order holds every peer that answered. Also resolves when the pool stops first.
   */
  ready(): Promise<void> {
    return this.firstRound;
  }

  /** Calls `listener` when the set of peers in the query order changes (measured for the first time, or gone). */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  stop(): void {
    this.firstRoundDone();
    this.running = false;
    this.changeTimer?.cancel();
    this.changeTimer = undefined;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** The latency groups, nearest first. */
  groups(): LatencyGroup[] {
    return this.latencies.groups();
  }

  /** The next virtual query list (far, near, second far, …), rotating within groups. */
  queryOrder(limit?: number): string[] {
    return this.latencies.nextOrder(limit);
  }

  /** The current order without advancing the rotation. */
  peekOrder(limit?: number): string[] {
    return this.latencies.peekOrder(limit);
  }

  statsOf(nodeId: string): PeerStatsSnapshot | undefined {
    return this.latencies.snapshotOf(nodeId);
  }

  /** The latency of `nodeId` (ms; see PeerLatencies.latencyOf), undefined when not measured: the distance for spatial gossip. */
  rttOf(nodeId: string): number | undefined {
    return this.latencies.latencyOf(nodeId);
  }

  /** Statistics of every peer in the pool. */
  allStats(): { nodeId: string; stats: PeerStatsSnapshot }[] {
    return this.latencies.all();
  }

  /**
   * A typed client for any service on `nodeId`, over the pooled channel (pinned to the peer's
   * CA, presenting our current leaf; no new connection). Undefined when the peer is not an alive
   * server-mode member. The client is cached per peer and class, follows the peer's channel when
   * it is recycled (leaf change, address failover), fails calls with UNAVAILABLE once the peer has
   * left, and its `close()` leaves the pooled channel open.
   */
  client<C extends grpc.Client>(nodeId: string, ctor: ClientConstructor<C>): C | undefined {
    let byClass = this.typedClients.get(nodeId);
    const cached = byClass?.get(ctor);
    if (cached) return cached as C;
    let channel = this.c.clients.channelOf(nodeId);
    if (!channel) {
      const endpoint = this.c.members().find((m) => m.nodeId === nodeId);
      if (!endpoint) return undefined;
      channel = this.c.clients.gossip(endpoint).getChannel();
    }
    const borrowed = new BorrowedChannel(nodeId, channel, () => this.c.clients.channelOf(nodeId));
    const client = new ctor(channel.getTarget(), INSECURE, { channelOverride: borrowed, ...(this.c.interceptors ? { interceptors: this.c.interceptors } : {}) });
    if (!byClass) this.typedClients.set(nodeId, (byClass = new Map()));
    byClass.set(ctor, client);
    return client;
  }

  /** The peer's pooled channel while it has one (diagnostics; use `client` to make calls). */
  channel(nodeId: string): grpc.ChannelInterface | undefined {
    return this.c.clients.channelOf(nodeId);
  }

  /**
   * Asks up to `k` peers in query order (peers that keep failing last), each call with its own
   * deadline, hedging calls slower than the peer's hedge delay with the next peer in order
   * (see fan-out.ts). Partial success is a value: answers, per-peer errors, hedges sent.
   */
  fanOut<T>(
    k: number,
    call: FanOutCall<T>,
    options: FanOutOptions & { /** Only these peers are tried (e.g. those serving a plugin's service). */ eligible?: (nodeId: string) => boolean },
  ): Promise<FanOutResult<T>> {
    const eligible = options.eligible;
    const order = eligible ? this.queryOrder().filter(eligible) : this.queryOrder();
    return fanOut(this.fanOutComponents, healthyFirst(order, this.errorStreak), k, call, options);
  }

  /**
   * Membership changed: forget peers that are no longer alive server-mode members (their
   * channels are closed by their owner, PeerClients) and regroup now rather than at the next
   * measurement round. New peers enter the groups once measured.
   */
  membersChanged(): void {
    // Coalesced: a burst of events (a partition, a mass leave) costs one pass over the members.
    this.changeTimer ??= this.c.clock.setTimeout(() => {
      this.changeTimer = undefined;
      this.prune(new Set(this.c.members().map((m) => m.nodeId)));
      this.regroup();
    }, 0);
  }

  /** Admin.Peers: groups nearest first, every peer's figures, and the current query order. */
  describe(): { groups: { id: number; labelMs: number; members: string[] }[]; peers: { nodeId: string; groupId: number; stats: PeerStatsSnapshot }[]; queryOrder: string[] } {
    const groupOf = new Map<string, number>();
    for (const g of this.groups()) for (const m of g.members) groupOf.set(m.id, g.id);
    return {
      groups: this.groups().map((g) => ({ id: g.id, labelMs: g.labelMs, members: g.members.map((m) => m.id) })),
      peers: this.allStats().map(({ nodeId, stats }) => ({ nodeId, groupId: groupOf.get(nodeId) ?? 0, stats })),
      queryOrder: this.peekOrder(),
    };
  }

  /** One measurement round: a Ping to every peer, RTT recorded when the channel was already up. */
  private async measure(): Promise<void> {
    const members = this.c.members();
    this.prune(new Set(members.map((m) => m.nodeId)));
    await Promise.all(
      members.map(async (endpoint) => {
        const stats = this.latencies.track(endpoint.nodeId);
        const client = this.c.clients.gossip(endpoint);
        const connected = client.getChannel().getConnectivityState(true) === grpc.connectivityState.READY;
        const started = this.now();
        try {
          await unaryCall(client, 'Ping', { nonce: 0 }, { deadline: this.c.clock.now() + this.options.pingTimeoutMs });
          stats.recordSuccess(this.c.clock.now());
          // A ping that had to open the connection measured a TLS handshake, not the path.
          if (connected) {
            const rtt = this.now() - started;
            stats.recordRtt(rtt, this.c.clock.now());
            this.c.onRtt?.(rtt);
          }
          // A new peer would otherwise wait a whole ping interval to enter the query order (and a
          // plugin starting now would see no peers): one more ping on the fresh connection.
          else if (stats.quantile(0.5) === null && client.getChannel().getConnectivityState(false) === grpc.connectivityState.READY) {
            const again = this.now();
            await unaryCall(client, 'Ping', { nonce: 0 }, { deadline: this.c.clock.now() + this.options.pingTimeoutMs });
            const rtt = this.now() - again;
            stats.recordRtt(rtt, this.c.clock.now());
            this.c.onRtt?.(rtt);
          }
        } catch {
          stats.recordError(this.c.clock.now());
        }
      }),
    );
  }

  private prune(present: ReadonlySet<string>): void {
    this.latencies.retain(present);
    for (const id of [...this.typedClients.keys()]) if (!present.has(id)) this.typedClients.delete(id);
  }

  private regroup(): void {
    this.latencies.regroup();
    const ordered = this.latencies
      .groups()
      .flatMap((g) => g.members.map((m) => m.id))
      .sort()
      .join(',');
    if (ordered === this.orderedPeers) return;
    this.orderedPeers = ordered;
    for (const listener of [...this.changeListeners]) {
      try {
        listener();
      } catch (error) {
        this.c.log.error({ err: error }, 'pool change listener threw');
      }
    }
  }
}
