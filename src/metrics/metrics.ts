import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registerClusterMetrics, type ClusterMetricSources } from './cluster-metrics';
import { registerGossipMetrics } from './gossip-metrics';
import { registerLocalHealthMetrics } from './local-health-metrics';
import { registerPortMetrics, type PortCountersView } from './port-metrics';
import type { GossipCountersView } from '../membership/gossip-counters';
import type { LocalHealthView } from '../membership/local-health';

/** Seconds: RTTs on a LAN are sub-millisecond, across regions a few hundred ms. */
const RTT_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const SUMMED_TOTAL_GAUGES = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];
const CALL_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The node's Prometheus metrics, on a registry of its own (never prom-client's global one, so
 * two nodes in one process, as in tests, do not collide). Names follow go-grpc-prometheus so
 * existing dashboards work: grpc_server_handled_total, grpc_server_handling_seconds,
 * grpc_client_handled_total. prom-client's process and Node.js metrics keep their standard
 * names (process_*, nodejs_*), which the stock dashboards and promtool expect.
 *
 * What the node knows only once it runs (members, tokens, plugins, the gossip counters) is read
 * at scrape time from the sources handed to `attach`; before that those metrics are empty.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly handled: Counter<'port' | 'grpc_service' | 'grpc_method' | 'grpc_code'>;
  readonly handling: Histogram<'port' | 'grpc_service' | 'grpc_method'>;
  readonly started: Counter<'port' | 'grpc_service' | 'grpc_method'>;
  readonly clientStarted: Counter<'grpc_service' | 'grpc_method'>;
  readonly clientHandled: Counter<'grpc_service' | 'grpc_method' | 'grpc_code'>;
  readonly clientHandling: Histogram<'grpc_service' | 'grpc_method'>;
  readonly pingRtt: Histogram;
  readonly memberEvents: Counter<'event'>;
  readonly joinAttempts: Counter<'result' | 'code'>;
  private leafNotAfterMs: number | undefined;
  private sources: Partial<ClusterMetricSources> = {};
  private gossip: GossipCountersView | undefined;
  private localHealth: (() => LocalHealthView | undefined) | undefined;
  private ports: (() => Record<'register' | 'gossip' | 'health', PortCountersView> | undefined) | undefined;

  /**
   * `rotationStats` reads the rotator's own counters at scrape time, so scheduled renewals and
   * their failures (which happen inside the rotator, not through a call) are counted too.
   */
  constructor(options: { processMetrics: boolean; now: () => number; rotationStats?: () => { rotations: number; failures: number } }) {
    if (options.processMetrics) {
      collectDefaultMetrics({ register: this.registry });
      // prom-client's three `*_total` gauges: promtool (rightly) rejects a gauge named like a
      // counter, and each is the sum of a labelled gauge it also exports
      // (nodejs_active_handles{type}, nodejs_active_requests{type}, nodejs_active_resources{type}).
      for (const name of SUMMED_TOTAL_GAUGES) this.registry.removeSingleMetric(name);
    }
    this.handled = new Counter({
      name: 'grpc_server_handled_total',
      help: 'Calls completed on the server, by port, service, method and status code.',
      labelNames: ['port', 'grpc_service', 'grpc_method', 'grpc_code'],
      registers: [this.registry],
    });
    this.started = new Counter({
      name: 'grpc_server_started_total',
      help: 'Calls started on the server, by port, service and method (started minus handled: calls in progress).',
      labelNames: ['port', 'grpc_service', 'grpc_method'],
      registers: [this.registry],
    });
    this.handling = new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'Time from the start of a call to its status, by port, service and method.',
      labelNames: ['port', 'grpc_service', 'grpc_method'],
      buckets: CALL_BUCKETS,
      registers: [this.registry],
    });
    this.clientStarted = new Counter({
      name: 'grpc_client_started_total',
      help: 'Calls this node started to peers through the client pool (plugins\' calls included), by service and method.',
      labelNames: ['grpc_service', 'grpc_method'],
      registers: [this.registry],
    });
    this.clientHandled = new Counter({
      name: 'grpc_client_handled_total',
      help: 'Calls through the client pool that ended, by service, method and status code.',
      labelNames: ['grpc_service', 'grpc_method', 'grpc_code'],
      registers: [this.registry],
    });
    this.clientHandling = new Histogram({
      name: 'grpc_client_handling_seconds',
      help: 'Time from the start of a pool call to its status, by service and method.',
      labelNames: ['grpc_service', 'grpc_method'],
      buckets: CALL_BUCKETS,
      registers: [this.registry],
    });
    this.pingRtt = new Histogram({
      name: 'g2g_ping_rtt_seconds',
      help: 'Round-trip times of the client pool\'s measurement pings on connections already up (TLS handshakes excluded).',
      buckets: RTT_BUCKETS,
      registers: [this.registry],
    });
    this.memberEvents = new Counter({
      name: 'g2g_member_events_total',
      help: 'Membership changes this node saw, by event: joined, updated, suspect, alive (a suspect refuted), dead, left, removed.',
      labelNames: ['event'],
      registers: [this.registry],
    });
    this.joinAttempts = new Counter({
      name: 'g2g_join_attempts_total',
      help: 'Register-port handshakes (Join and Rejoin) this node answered, by result (admitted, refused) and refusal code.',
      labelNames: ['result', 'code'],
      registers: [this.registry],
    });
    new Counter({
      name: 'g2g_leaf_rotations_total',
      help: 'Leaf certificates issued and installed (the first included), and issuances that failed, by result (ok, failed).',
      labelNames: ['result'],
      registers: [this.registry],
      collect() {
        const { rotations, failures } = options.rotationStats?.() ?? { rotations: 0, failures: 0 };
        // A counter that mirrors monotonic counts kept elsewhere: reset, then set by increment.
        this.reset();
        this.inc({ result: 'ok' }, rotations);
        this.inc({ result: 'failed' }, failures);
      },
    });
    const self = this;
    new Gauge({
      name: 'g2g_leaf_expiry_seconds',
      help: 'Seconds until the current leaf certificate expires (negative once expired).',
      registers: [this.registry],
      collect() {
        if (self.leafNotAfterMs !== undefined) this.set((self.leafNotAfterMs - options.now()) / 1000);
      },
    });
    registerClusterMetrics(this.registry, () => this.sources, options.now);
    registerGossipMetrics(this.registry, () => this.gossip);
    registerLocalHealthMetrics(this.registry, () => this.localHealth?.());
    registerPortMetrics(this.registry, () => this.ports?.());
  }

  setLeafNotAfter(notAfter: Date): void {
    this.leafNotAfterMs = notAfter.getTime();
  }

  /** What the running node reads from at scrape time (replaces earlier sources). */
  attach(sources: Partial<ClusterMetricSources>): void {
    this.sources = { ...this.sources, ...sources };
  }

  /** Membership's gossip counters (g2g_gossip_*_total and the protocol-event counters). */
  attachGossipCounters(view: GossipCountersView): void {
    this.gossip = view;
  }

  /** Membership's local health (g2g_local_health_score, g2g_event_loop_lag_seconds). */
  attachLocalHealth(view: () => LocalHealthView | undefined): void {
    this.localHealth = view;
  }

  /** The ports' connection guards (g2g_port_connections*, g2g_health_watch_refused_total). */
  attachPortCounters(view: () => Record<'register' | 'gossip' | 'health', PortCountersView> | undefined): void {
    this.ports = view;
  }
}
