import { Gauge, type Registry } from 'prom-client';
import type { LocalHealthView } from '../membership/local-health';

/**
 * Local health awareness as gauges, read at scrape time: `g2g_local_health_score` (0 healthy, up
 * to gossipLhaMaxMultiplier − 1; this node's failure-detector timeouts are stretched by score + 1
 * and it suspects no one while above 0) and `g2g_event_loop_lag_seconds` (the worst event-loop
 * delay membership saw in its last interval). Empty until membership runs.
 */
export function registerLocalHealthMetrics(registry: Registry, view: () => LocalHealthView | undefined): void {
  new Gauge({
    name: 'g2g_local_health_score',
    help: 'Local health awareness score: 0 when healthy; above 0 this node\'s own loop or network is slow, so it stretches its failure-detector timeouts by score + 1 and suspects no one.',
    registers: [registry],
    collect() {
      const v = view();
      if (v) this.set(v.score);
    },
  });
  new Gauge({
    name: 'g2g_event_loop_lag_seconds',
    help: 'The worst event-loop delay membership saw during its last gossip interval (seconds): what feeds the local health score.',
    registers: [registry],
    collect() {
      const v = view();
      if (v) this.set(v.lagMs / 1000);
    },
  });
}
