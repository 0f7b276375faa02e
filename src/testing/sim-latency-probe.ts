import type { GossipTarget, Transport } from '../membership/transport';
import { PeerLatencies } from '../pool/peer-latencies';
import type { Clock, TimerHandle } from '../util/clock';

export interface SimLatencyProbeComponents {
  clock: Clock;
  transport: Transport;
  /** The peers to measure each round (e.g. a node's alive server-mode members). */
  peers(): GossipTarget[];
}

export interface SimLatencyProbeOptions {
  /** Time between the starts of two measurement rounds (ms). */
  intervalMs: number;
  /** Deadline of one ping (ms). */
  timeoutMs: number;
}

/**
 * The client pool's measurement loop for the simulator: each round pings every peer over the
 * node's Transport (the in-memory network), records the round-trip time on the node's clock into
 * `PeerLatencies` (the same PeerStats, latency groups and query order as the gRPC pool), forgets
 * peers that are gone, and regroups. A failed ping counts as an error, not as a sample.
 */
export class SimLatencyProbe {
  readonly latencies: PeerLatencies;
  private timer: TimerHandle | undefined;
  private roundsDone = 0;
  private nonce = 0;

  constructor(private readonly c: SimLatencyProbeComponents, private readonly options: SimLatencyProbeOptions, latencies = new PeerLatencies()) {
    this.latencies = latencies;
  }

  /** Measurement rounds completed. */
  get rounds(): number {
    return this.roundsDone;
  }

  /** Starts periodic rounds, the first after `offsetMs` (idempotent). */
  start(offsetMs = 0): void {
    if (this.timer) return;
    const round = (): void => {
      void this.measure().finally(() => {
        if (this.timer) this.timer = this.c.clock.setTimeout(round, this.options.intervalMs);
      });
    };
    this.timer = this.c.clock.setTimeout(round, offsetMs);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** One round: every peer pinged at once, RTTs recorded, then a regrouping. */
  async measure(): Promise<void> {
    const peers = this.c.peers();
    this.latencies.retain(new Set(peers.map((p) => p.nodeId)));
    await Promise.all(
      peers.map(async (target) => {
        const stats = this.latencies.track(target.nodeId);
        const started = this.c.clock.now();
        try {
          const pong = await this.c.transport.ping(target, { nonce: ++this.nonce }, { timeoutMs: this.options.timeoutMs });
          const now = this.c.clock.now();
          if (pong.nodeId !== target.nodeId) throw new Error('answered by another node');
          stats.recordSuccess(now);
          stats.recordRtt(now - started, now);
        } catch {
          stats.recordError(this.c.clock.now());
        }
      }),
    );
    this.latencies.regroup();
    this.roundsDone++;
  }
}
