import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The node's Prometheus metrics, on a registry of its own (never prom-client's global one, so
 * two nodes in one process, as in tests, do not collide). Names follow go-grpc-prometheus so
 * existing dashboards work: grpc_server_handled_total, grpc_server_handling_seconds.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly handled: Counter<'port' | 'grpc_service' | 'grpc_method' | 'grpc_code'>;
  readonly handling: Histogram<'port' | 'grpc_service' | 'grpc_method'>;
  private leafNotAfterMs: number | undefined;

  /**
   * `rotationStats` reads the rotator's own counters at scrape time, so scheduled renewals and
   * their failures (which happen inside the rotator, not through a call) are counted too.
   */
  constructor(options: { processMetrics: boolean; now: () => number; rotationStats?: () => { rotations: number; failures: number } }) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'g2g_' });
    this.handled = new Counter({
      name: 'grpc_server_handled_total',
      help: 'Calls completed on the server, by port, service, method and status code.',
      labelNames: ['port', 'grpc_service', 'grpc_method', 'grpc_code'],
      registers: [this.registry],
    });
    this.handling = new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'Time from the start of a call to its status, by port, service and method.',
      labelNames: ['port', 'grpc_service', 'grpc_method'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
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
  }

  setLeafNotAfter(notAfter: Date): void {
    this.leafNotAfterMs = notAfter.getTime();
  }
}
