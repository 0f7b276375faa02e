import type { Logger } from '../log/logger';
import type { Clock } from '../util/clock';
import type { Random } from '../util/random';

/**
 * The newcomer's patience with nodes that answer RESOURCE_EXHAUSTED (busy with other joins, or
 * throttling after a flood of failed ones): try again after an exponentially growing, jittered
 * pause, for at most `withinMs` in all. Written here rather than taken from p-retry or
 * exponential-backoff because both use Math.random and global timers, and protocol code takes
 * its Clock and Random (STYLE 4) so this is tested on a manual clock.
 */
export interface BusyRetryOptions {
  clock: Clock;
  random: Random;
  /** Total time from the first attempt after which no retry starts; 0: no retry. */
  withinMs: number;
  /** First pause's ceiling; doubles each round up to `capMs`. */
  baseMs?: number;
  capMs?: number;
  log?: Logger;
}

export const DEFAULT_RETRY_BASE_MS = 500;
export const DEFAULT_RETRY_CAP_MS = 8_000;

/**
 * Pause before retry `round` (0 for the first retry): "equal jitter" — half the ceiling plus up
 * to half again at random, so synchronized newcomers spread out, yet none retries at once.
 */
export function backoffDelayMs(round: number, random: Random, baseMs = DEFAULT_RETRY_BASE_MS, capMs = DEFAULT_RETRY_CAP_MS): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(round, 30));
  return Math.round(ceiling / 2 + random.next() * (ceiling / 2));
}

/** Runs `attempt` until it succeeds, throws something not `retryable`, or the time is up (then its last error). */
export async function retryWhileBusy<T>(attempt: (round: number) => Promise<T>, retryable: (error: unknown) => boolean, options: BusyRetryOptions): Promise<T> {
  const started = options.clock.now();
  for (let round = 0; ; round++) {
    try {
      return await attempt(round);
    } catch (error) {
      if (!retryable(error)) throw error;
      const delay = backoffDelayMs(round, options.random, options.baseMs, options.capMs);
      if (options.clock.now() - started + delay > options.withinMs) throw error;
      options.log?.info({ retryInMs: delay, round: round + 1 }, 'the nodes are busy or throttling joins; retrying');
      await new Promise<void>((resolve) => options.clock.setTimeout(resolve, delay));
    }
  }
}
