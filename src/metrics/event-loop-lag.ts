import { performance } from 'node:perf_hooks';
import type { LoopLagSource } from '../membership/local-health';

/** Sampling period (ms): finer costs a timer wake-up per period. */
const PERIOD_MS = 20;

/**
 * This process's event-loop delay, for local health awareness: a timer re-armed every 20 ms that
 * records how late it fired (a block of the loop shows as one sample as long as the block, taken
 * when the loop runs again), read and reset once per gossip interval. Not
 * `perf_hooks.monitorEventLoopDelay`: on Node 20 its histogram did not show a 400 ms synchronous
 * block at all (max ≈ 28 ms), which is the very stall this measure exists for.
 */
export class EventLoopLag implements LoopLagSource {
  private timer: NodeJS.Timeout | undefined;
  private worstMs = 0;

  /** Starts sampling (idempotent). The timer never keeps the process alive. */
  start(): void {
    if (this.timer) return;
    let due = performance.now() + PERIOD_MS;
    const sample = (): void => {
      const now = performance.now();
      this.worstMs = Math.max(this.worstMs, now - due);
      due = now + PERIOD_MS;
      this.timer = setTimeout(sample, PERIOD_MS).unref();
    };
    this.timer = setTimeout(sample, PERIOD_MS).unref();
  }

  /** Stops sampling (idempotent). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.worstMs = 0;
  }

  /** The worst delay since the previous call (ms). */
  takeLagMs(): number {
    const worst = this.worstMs;
    this.worstMs = 0;
    return Math.max(0, worst);
  }
}
