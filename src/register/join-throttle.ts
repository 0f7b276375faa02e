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
  /**
   * While the global budget is spent, failures that sources with no recent failure may still
   * have (a burst of this size; default a quarter of `globalBurst`, at least 1). It lets a clean
   * newcomer in while a set of failing sources holds the global budget empty, and still bounds an
   * attacker who brings fresh addresses: when this allowance is spent too, everyone waits.
   */
  newSourceBurst?: number;
  /** One failure of the new-source allowance is forgiven per this many milliseconds (default: the same rate as a full global budget refills, so a quarter of its rate per token). */
  newSourceRefillMs?: number;
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
 * can try together. When it is empty, only sources with recent failures (a bucket not yet full)
 * wait: a source that has not failed lately is let through, or a couple of dozen stalling
 * addresses would lock every clean newcomer out. Failures of such clean sources while the
 * global budget is spent drain a smaller new-source allowance, so fresh addresses cannot keep
 * guessing for free; when that is spent too, every source waits.
 */
export class JoinThrottle {
  private readonly buckets: BoundedMap<string, Bucket>;
  private global: Bucket | undefined;
  private newSources: Bucket | undefined;

  constructor(private readonly clock: Clock, private readonly options: JoinThrottleOptions = DEFAULT_JOIN_THROTTLE) {
    this.buckets = boundedMap(options.maxSources);
  }

  /** Milliseconds until `source` may try again, or 0 if it may now. */
  retryAfterMs(source: string): number {
    const own = this.refilled(source);
    const ownWait = own && own.tokens < 1 ? Math.ceil((1 - own.tokens) * this.options.refillMs) : 0;
    const globalWait = this.globalRetryAfterMs();
    if (globalWait === 0) return ownWait;
    // The global budget is spent: a source that failed lately waits for it, a clean one only for
    // the new-source allowance.
    return own ? Math.max(ownWait, globalWait) : this.newSourceRetryAfterMs();
  }

  /** Milliseconds until the global budget has a failure to spare again, or 0 if it has one now. */
  globalRetryAfterMs(): number {
    const { globalBurst, globalRefillMs } = this.options;
    if (globalBurst === undefined || globalRefillMs === undefined || !this.global) return 0;
    return waitFor(refill(this.global, this.clock.now(), globalBurst, globalRefillMs), globalRefillMs);
  }

  private newSourceRetryAfterMs(): number {
    const { burst, refillMs } = this.newSourceRate();
    if (!this.newSources) return 0;
    return waitFor(refill(this.newSources, this.clock.now(), burst, refillMs), refillMs);
  }

  private newSourceRate(): { burst: number; refillMs: number } {
    const globalBurst = this.options.globalBurst ?? 1;
    const globalRefillMs = this.options.globalRefillMs ?? 1;
    const burst = this.options.newSourceBurst ?? Math.max(1, Math.ceil(globalBurst / 4));
    return { burst, refillMs: this.options.newSourceRefillMs ?? (globalRefillMs * globalBurst) / burst };
  }

  recordFailure(source: string): void {
    const { globalBurst, globalRefillMs } = this.options;
    if (globalBurst !== undefined && globalRefillMs !== undefined) {
      if (this.globalRetryAfterMs() > 0 && !this.refilled(source)) {
        const { burst, refillMs } = this.newSourceRate();
        const allowance = this.newSources ? refill(this.newSources, this.clock.now(), burst, refillMs) : { tokens: burst, at: this.clock.now() };
        allowance.tokens = Math.max(0, allowance.tokens - 1);
        this.newSources = allowance;
      }
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

function waitFor(bucket: Bucket, refillMs: number): number {
  return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) * refillMs);
}

function refill(bucket: Bucket, now: number, burst: number, refillMs: number): Bucket {
  bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) / refillMs);
  bucket.at = now;
  return bucket;
}
