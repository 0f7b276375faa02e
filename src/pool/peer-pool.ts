import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log/logger';
import type { PeerClients, PeerEndpoint } from '../transport/peer-clients';
import type { Clock, TimerHandle } from '../util/clock';
import { groupByLatency, type Grouping, type LatencyGroup } from './latency-groups';
import { PeerStats, type PeerStatsSnapshot } from './peer-stats';
import { QueryOrder } from './query-order';

export interface PeerPoolComponents {
  clients: PeerClients;
  /** The peers the pool serves: alive server-mode members (never client-mode ones). */
  members(): PeerEndpoint[];
  clock: Clock;
  log: Logger;
  /** High-resolution time for RTTs (ms); default performance.now. */
  now?: () => number;
}

export interface PeerPoolOptions {
  /** How often every peer is pinged for an RTT sample (ms). */
  pingIntervalMs: number;
  /** Deadline of a measurement ping (ms). */
  pingTimeoutMs: number;
}

export interface FanOutResult<T> {
  results: { nodeId: string; value: T }[];
  errors: { nodeId: string; error: unknown }[];
}

/**
 * The latency-ordered client pool (DESIGN §5): per-peer statistics over the pooled channels
 * (RTT from pings and from calls made through it, handshakes excluded: a sample counts only if
 * the channel was already connected), latency groups with hysteresis, and the virtual query
 * list, refreshed every measurement round.
 */
export class PeerPool {
  private readonly stats = new Map<string, PeerStats>();
  private grouping: Grouping | undefined;
  private readonly order = new QueryOrder();
  private timer: TimerHandle | undefined;
  private readonly now: () => number;

  constructor(private readonly c: PeerPoolComponents, private readonly options: PeerPoolOptions) {
    this.now = c.now ?? (() => performance.now());
  }

  start(): void {
    if (this.timer) return;
    const round = () => {
      this.measure().finally(() => {
        this.regroup();
        this.timer = this.c.clock.setTimeout(round, this.options.pingIntervalMs);
      });
    };
    this.timer = this.c.clock.setTimeout(round, 0);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** The latency groups, nearest first. */
  groups(): LatencyGroup[] {
    return this.grouping?.groups ?? [];
  }

  /** The next virtual query list (far, near, second far, …), rotating within groups. */
  queryOrder(limit?: number): string[] {
    return this.order.next(this.groups(), limit);
  }

  /** The current order without advancing the rotation. */
  peekOrder(limit?: number): string[] {
    return this.order.peek(this.groups(), limit);
  }

  statsOf(nodeId: string): PeerStatsSnapshot | undefined {
    return this.stats.get(nodeId)?.snapshot();
  }

  /** Statistics of every peer in the pool. */
  allStats(): { nodeId: string; stats: PeerStatsSnapshot }[] {
    return [...this.stats].map(([nodeId, s]) => ({ nodeId, stats: s.snapshot() }));
  }

  /**
   * A typed client for any service on `nodeId`, over the pooled channel (pinned to the peer's
   * CA, presenting our current leaf). Undefined when the peer is not in the pool.
   */
  client<C extends grpc.Client>(nodeId: string, ctor: new (address: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions) => C): C | undefined {
    const endpoint = this.c.members().find((m) => m.nodeId === nodeId);
    if (!endpoint) return undefined;
    const channel = this.c.clients.gossip(endpoint).getChannel();
    return new ctor(channel.getTarget(), grpc.credentials.createInsecure(), { channelOverride: channel });
  }

  /**
   * Calls up to `k` peers in query order, each with its own deadline; a peer that fails or is
   * too slow is skipped and the next in order is tried, until `k` answers or the list is used up.
   * Partial success is a value: answers and per-peer errors.
   */
  async fanOut<T>(
    k: number,
    call: (nodeId: string, deadline: Date) => Promise<T>,
    options: { deadlineMs: number; /** Only these peers are tried (e.g. those serving a plugin's service). */ eligible?: (nodeId: string) => boolean },
  ): Promise<FanOutResult<T>> {
    const eligible = options.eligible;
    const order = eligible ? this.queryOrder().filter(eligible) : this.queryOrder();
    const out: FanOutResult<T> = { results: [], errors: [] };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (out.results.length < k && next < order.length) {
        const nodeId = order[next++]!;
        const stats = this.stats.get(nodeId);
        stats?.begin();
        const connected = this.isConnected(nodeId);
        const started = this.now();
        try {
          const value = await call(nodeId, new Date(Date.now() + options.deadlineMs));
          stats?.recordSuccess(this.c.clock.now());
          if (connected) stats?.recordRtt(this.now() - started, this.c.clock.now());
          if (out.results.length < k) out.results.push({ nodeId, value });
        } catch (error) {
          stats?.recordError(this.c.clock.now());
          out.errors.push({ nodeId, error });
        } finally {
          stats?.end();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(0, Math.min(k, order.length)) }, worker));
    return out;
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

  private isConnected(nodeId: string): boolean {
    const endpoint = this.c.members().find((m) => m.nodeId === nodeId);
    return endpoint !== undefined && this.c.clients.gossip(endpoint).getChannel().getConnectivityState(false) === grpc.connectivityState.READY;
  }

  /** One measurement round: a Ping to every peer, RTT recorded when the channel was already up. */
  private async measure(): Promise<void> {
    const members = this.c.members();
    const present = new Set(members.map((m) => m.nodeId));
    for (const id of this.stats.keys()) if (!present.has(id)) this.stats.delete(id);
    await Promise.all(
      members.map(async (endpoint) => {
        let stats = this.stats.get(endpoint.nodeId);
        if (!stats) this.stats.set(endpoint.nodeId, (stats = new PeerStats()));
        const client = this.c.clients.gossip(endpoint);
        const connected = client.getChannel().getConnectivityState(true) === grpc.connectivityState.READY;
        const started = this.now();
        try {
          await new Promise<void>((resolve, reject) =>
            client.Ping({ nonce: 0 }, { deadline: Date.now() + this.options.pingTimeoutMs }, (error) => (error ? reject(error) : resolve())),
          );
          stats.recordSuccess(this.c.clock.now());
          // A ping that had to open the connection measured a TLS handshake, not the path.
          if (connected) stats.recordRtt(this.now() - started, this.c.clock.now());
        } catch {
          stats.recordError(this.c.clock.now());
        }
      }),
    );
  }

  private regroup(): void {
    const peers = [...this.stats]
      .map(([id, s]) => ({ id, latencyMs: s.snapshot().ewmaMs }))
      .filter((p): p is { id: string; latencyMs: number } => p.latencyMs !== null);
    this.grouping = groupByLatency(peers, this.grouping);
  }
}
