import { groupByLatency, type Grouping, type LatencyGroup, type LatencyGroupOptions } from './latency-groups';
import { LATENCY_QUANTILE, PeerStats, type PeerStatsOptions, type PeerStatsSnapshot } from './peer-stats';
import { QueryOrder } from './query-order';

export interface PeerLatenciesOptions {
  stats?: PeerStatsOptions;
  groups?: LatencyGroupOptions;
}

/**
 * The pool's bookkeeping without the network: one PeerStats per peer, the latency grouping
 * (regrouped on demand, each time with the previous grouping as hysteresis input) and the
 * rotating virtual query list. The gRPC pool feeds it from pings and calls on live channels; the
 * simulator feeds it from pings over the in-memory network, so both run the same grouping code.
 * Peers are grouped by their latency (the minimum of the recent samples, LATENCY_QUANTILE: the
 * EWMA follows queueing at a busy peer and split one tier in two under load); a peer with no sample
 * yet is tracked but not grouped.
 */
export class PeerLatencies {
  private readonly stats = new Map<string, PeerStats>();
  private grouping: Grouping | undefined;
  private readonly order = new QueryOrder();

  constructor(private readonly options: PeerLatenciesOptions = {}) {}

  /** The statistics of `nodeId`, created on first use. */
  track(nodeId: string): PeerStats {
    let s = this.stats.get(nodeId);
    if (!s) this.stats.set(nodeId, (s = new PeerStats(this.options.stats)));
    return s;
  }

  get(nodeId: string): PeerStats | undefined {
    return this.stats.get(nodeId);
  }

  /** Forgets every peer not in `present` (it left, died or became a client). */
  retain(present: ReadonlySet<string>): void {
    for (const id of this.stats.keys()) if (!present.has(id)) this.stats.delete(id);
  }

  /** The latency of `nodeId` (ms), undefined when it is unknown or not measured yet. */
  latencyOf(nodeId: string): number | undefined {
    return this.stats.get(nodeId)?.quantile(LATENCY_QUANTILE) ?? undefined;
  }

  snapshotOf(nodeId: string): PeerStatsSnapshot | undefined {
    return this.stats.get(nodeId)?.snapshot();
  }

  all(): { nodeId: string; stats: PeerStatsSnapshot }[] {
    return [...this.stats].map(([nodeId, s]) => ({ nodeId, stats: s.snapshot() }));
  }

  /** Regroups the measured peers by latency; the result is also what `groups()` returns until the next call. */
  regroup(): Grouping {
    const peers: { id: string; latencyMs: number }[] = [];
    for (const [id, s] of this.stats) {
      const latencyMs = s.quantile(LATENCY_QUANTILE);
      if (latencyMs !== null) peers.push({ id, latencyMs });
    }
    this.grouping = groupByLatency(peers, this.grouping, this.options.groups);
    return this.grouping;
  }

  /** The latency groups of the last regrouping, nearest first. */
  groups(): LatencyGroup[] {
    return this.grouping?.groups ?? [];
  }

  /** The next virtual query list (far, near, second far, …), advancing the rotation within groups. */
  nextOrder(limit?: number): string[] {
    return this.order.next(this.groups(), limit);
  }

  /** The current order without advancing the rotation. */
  peekOrder(limit?: number): string[] {
    return this.order.peek(this.groups(), limit);
  }
}
