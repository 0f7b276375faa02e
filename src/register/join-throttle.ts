import { boundedMap, type BoundedMap } from '../util/bounded-map';
import type { Clock } from '../util/clock';

export interface JoinThrottleOptions {
  /** Failures a source may have in a burst before it is refused. */
  burst: number;
  /** One failure is forgiven per this many milliseconds. */
  refillMs: number;
  /** Sources tracked at most; beyond it the longest-quiet source is forgotten (bounded memory). */
  maxSources: number;
  /**
   * Failures all sources together may have in a burst (default: no global bound). Per-source
   * buckets alone let N addresses try N times as often; this bounds their sum.
   */
  globalBurst?: number;
  /** One global failure is forgiven per this many milliseconds. */
  globalRefillMs?: number;
}

export const DEFAULT_JOIN_THROTTLE: JoinThrottleOptions = { burst: 5, refillMs: 12_000, maxSources: 10_000 };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per source address that only failed joins drain: a newcomer with a good
 * token is never slowed, while guessing is limited to `burst` tries and then one per `refillMs`
 * (5, then 5 a minute, by default). Secrets have 160 bits, so this is not what keeps them safe;
 * it keeps a misconfigured or hostile source from burning CPU and filling logs. With
 * `globalBurst`, one more bucket that every source's failures drain bounds what many addresses
 * can try together (when it is empty, every source waits).
 */
export class JoinThrottle {
  private readonly buckets: BoundedMap<string, Bucket>;
  private global: Bucket | undefined;

  constructor(private readonly clock: Clock, private readonly options: JoinThrottleOptions = DEFAULT_JOIN_THROTTLE) {
    this.buckets = boundedMap(options.maxSources);
  }

  /** Milliseconds until `source` may try again, or 0 if it may now. */
  retryAfterMs(source: string): number {
    return Math.max(this.sourceRetryAfterMs(source), this.globalRetryAfterMs());
  }

  /** Milliseconds until anyone may try again because the global budget is spent, or 0. */
  globalRetryAfterMs(): number {
    const { globalBurst, globalRefillMs } = this.options;
    if (globalBurst === undefined || globalRefillMs === undefined || !this.global) return 0;
    const bucket = refill(this.global, this.clock.now(), globalBurst, globalRefillMs);
    if (bucket.tokens >= 1) return 0;
    return Math.ceil((1 - bucket.tokens) * globalRefillMs);
  }

  private sourceRetryAfterMs(source: string): number {
    const bucket = this.refilled(source);
    if (!bucket || bucket.tokens >= 1) return 0;
    return Math.ceil((1 - bucket.tokens) * this.options.refillMs);
  }

  recordFailure(source: string): void {
    const { globalBurst, globalRefillMs } = this.options;
    if (globalBurst !== undefined && globalRefillMs !== undefined) {
      const global = this.global ? refill(this.global, this.clock.now(), globalBurst, globalRefillMs) : { tokens: globalBurst, at: this.clock.now() };
      global.tokens = Math.max(0, global.tokens - 1);
      this.global = global;
    }
    const bucket = this.refilled(source) ?? { tokens: this.options.burst, at: this.clock.now() };
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    // Setting counts as a use and reads peek, so the source whose last failure is oldest goes first.
    this.buckets.set(source, bucket);
  }

  /** Sources currently tracked (for metrics and tests). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(source: string): Bucket | undefined {
    const bucket = this.buckets.peek(source);
    if (!bucket) return undefined;
    refill(bucket, this.clock.now(), this.options.burst, this.options.refillMs);
    if (bucket.tokens >= this.options.burst) {
      this.buckets.delete(source);
      return undefined;
    }
    return bucket;
  }
}

function refill(bucket: Bucket, now: number, burst: number, refillMs: number): Bucket {
  bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) / refillMs);
  bucket.at = now;
  return bucket;
}
