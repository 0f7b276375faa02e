import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { LoopLagSource } from '../membership/local-health';

/** Sampling period of the delay monitor (ms): finer costs a timer wake-up per period. */
const RESOLUTION_MS = 20;

/**
 * This process's event-loop delay, for local health awareness: Node's own sampler
 * (`perf_hooks.monitorEventLoopDelay`, a libuv timer that records how late it fires), read and
 * reset once per gossip interval. A block of the loop shows as one sample as long as the block,
 * recorded when the loop runs again.
 */
export class EventLoopLag implements LoopLagSource {
  private readonly histogram: IntervalHistogram;
  private running = false;

  constructor() {
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  }

  /** Starts sampling (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.histogram.enable();
  }

  /** Stops sampling (idempotent). */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.histogram.disable();
  }

  /** The worst delay since the previous call (ms), beyond the sampling period itself. */
  takeLagMs(): number {
    if (!this.running || this.histogram.count === 0) return 0;
    const worst = this.histogram.max / 1e6 - RESOLUTION_MS;
    this.histogram.reset();
    return Math.max(0, worst);
  }
}
