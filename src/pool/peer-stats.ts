/**
 * Connection statistics for one peer of the client pool (docs/pool.md): RTT from pings and real
 * calls, errors, last success and calls in flight. Pure bookkeeping: the caller measures and passes
 * the time in, so the class never reads a clock. TLS handshake time must not be recorded as RTT
 * (the caller excludes it): a handshake costs several round trips plus RSA work, and would make a
 * peer look far away right after every leaf rotation.
 */

/**
 * Weight of a new sample in the EWMA. 0.2 gives a new sample's influence a half-life of about
 * three samples (0.8^3 ≈ 0.5): one slow call moves the figure by a fifth of the excess, while a
 * real route change shows through within ten samples (0.8^10 ≈ 0.11 of the old value left).
 */
export const DEFAULT_EWMA_ALPHA = 0.2;

/**
 * Samples kept for the plain mean. 32 covers several minutes of pings at the default intervals,
 * enough to average out jitter, and bounded so memory per peer is fixed.
 */
export const DEFAULT_RING_SIZE = 32;

/**
 * Quantile of the recent samples used as the peer's latency (what latency groups are cut on):
 * 0, the minimum of the window, the estimate of path delay TCP BBR uses (min RTT over a window;
 * Cardwell et al., ACM Queue 2016). Every delay a user-space sample picks up besides the path —
 * the peer's event loop being busy, our own callback waiting its turn, a queue — only adds, so
 * the low end of the distribution is the path, and one clean sample in the window is enough.
 * Measured on the development machine under a load average of 30–40 (2 cores): near peers'
 * EWMA read 60–110 ms, their 25th percentile 2–6 ms (enough to split a tier now and then), their
 * minimum 2.0–2.6 ms; peers 40 ms away: EWMA 130–210 ms, minimum 42–44 ms. The cost: a path that
 * becomes slower shows only once its faster samples have left the window (DEFAULT_RING_SIZE
 * samples); a faster one shows at once. The EWMA, mean and p95 stay for display and hedging.
 */
export const LATENCY_QUANTILE = 0;

export interface PeerStatsOptions {
  /** EWMA weight of a new sample, in (0, 1]; default {@link DEFAULT_EWMA_ALPHA}. */
  alpha?: number;
  /** Recent samples kept for the mean, ≥ 1; default {@link DEFAULT_RING_SIZE}. */
  ringSize?: number;
}

export interface PeerStatsSnapshot {
  /** Exponentially weighted moving average of RTT; null before the first sample. */
  ewmaMs: number | null;
  /** Mean RTT over the recent samples in the ring; null before the first sample. */
  meanMs: number | null;
  /** The peer's latency: the {@link LATENCY_QUANTILE} of the recent samples; null before the first. */
  latencyMs: number | null;
  /** 95th percentile (nearest rank) of the recent samples; null before the first sample. */
  p95Ms: number | null;
  /** Samples currently in the ring (≤ its size). */
  samples: number;
  /** Samples recorded since creation (not bounded by the ring). */
  totalSamples: number;
  /** Errors recorded since creation. */
  errors: number;
  /** Errors since the last success (or creation). */
  consecutiveErrors: number;
  lastSuccessMs: number | null;
  lastErrorMs: number | null;
  /** Time of the latest RTT sample. */
  lastSampleMs: number | null;
  inFlight: number;
}

export class PeerStats {
  private readonly alpha: number;
  private readonly ring: Float64Array;
  private ringNext = 0;
  private ringCount = 0;
  private ringSum = 0;
  private ewma: number | null = null;
  private total = 0;
  private errors = 0;
  private consecutiveErrors = 0;
  private lastSuccessMs: number | null = null;
  private lastErrorMs: number | null = null;
  private lastSampleMs: number | null = null;
  private inFlight = 0;
  /** The ring's samples, kept sorted (its first ringCount entries) for quantiles. */
  private readonly sorted: Float64Array;

  constructor(options: PeerStatsOptions = {}) {
    const alpha = options.alpha ?? DEFAULT_EWMA_ALPHA;
    const ringSize = options.ringSize ?? DEFAULT_RING_SIZE;
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
    if (!(Number.isInteger(ringSize) && ringSize >= 1)) throw new RangeError(`ringSize must be an integer ≥ 1, got ${ringSize}`);
    this.alpha = alpha;
    this.ring = new Float64Array(ringSize);
    this.sorted = new Float64Array(ringSize);
  }

  /** One RTT sample (ms) measured at `nowMs`. */
  recordRtt(ms: number, nowMs: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`RTT must be a finite number ≥ 0, got ${ms}`);
    // The first sample seeds the EWMA; starting from 0 would make every new peer look near.
    this.ewma = this.ewma === null ? ms : this.alpha * ms + (1 - this.alpha) * this.ewma;
    // The fan-out reads a quantile on every call it starts and records one sample per call:
    // keep a sorted copy up to date in O(ring size) rather than sorting per read.
    if (this.ringCount === this.ring.length) {
      const old = this.ring[this.ringNext]!;
      this.ringSum -= old;
      this.sortedRemove(old);
    } else {
      this.ringCount++;
    }
    this.sortedInsert(ms, this.ringCount - 1);
    this.ring[this.ringNext] = ms;
    this.ringSum += ms;
    this.ringNext = (this.ringNext + 1) % this.ring.length;
    this.total++;
    this.lastSampleMs = nowMs;
    // A running sum drifts by rounding error; recompute it exactly once per lap of the ring.
    if (this.ringNext === 0) this.ringSum = this.ring.reduce((a, b) => a + b, 0);
  }

  recordError(nowMs: number): void {
    this.errors++;
    this.consecutiveErrors++;
    this.lastErrorMs = nowMs;
  }

  recordSuccess(nowMs: number): void {
    this.consecutiveErrors = 0;
    this.lastSuccessMs = nowMs;
  }

  /** A call to the peer started. */
  begin(): void {
    this.inFlight++;
  }

  /** A call to the peer finished (whatever its outcome). More ends than begins is a caller bug. */
  end(): void {
    if (this.inFlight === 0) throw new RangeError('PeerStats.end() without a matching begin()');
    this.inFlight--;
  }

  /** The EWMA of RTT (ms), null before the first sample; cheaper than a snapshot for hot paths. */
  get ewmaMs(): number | null {
    return this.ewma;
  }

  /** The recent RTT samples, oldest first. */
  recentSamples(): number[] {
    const out: number[] = [];
    const start = this.ringCount === this.ring.length ? this.ringNext : 0;
    for (let i = 0; i < this.ringCount; i++) out.push(this.ring[(start + i) % this.ring.length]!);
    return out;
  }

  /** Errors since the last success (or creation): how long the peer has been failing. */
  get errorStreak(): number {
    return this.consecutiveErrors;
  }

  /** The q-quantile (nearest rank) of the recent samples; null before the first sample. */
  quantile(q: number): number | null {
    if (this.ringCount === 0) return null;
    return this.sorted[Math.min(this.ringCount - 1, Math.max(0, Math.ceil(q * this.ringCount) - 1))]!;
  }

  /** Removes one occurrence of `value` from the sorted prefix of length ringCount. */
  private sortedRemove(value: number): void {
    let i = lowerBound(this.sorted, this.ringCount, value);
    for (; i < this.ringCount - 1; i++) this.sorted[i] = this.sorted[i + 1]!;
  }

  /** Inserts `value` into the sorted prefix of length `count` (which has room for it). */
  private sortedInsert(value: number, count: number): void {
    const at = lowerBound(this.sorted, count, value);
    for (let i = count; i > at; i--) this.sorted[i] = this.sorted[i - 1]!;
    this.sorted[at] = value;
  }

  snapshot(): PeerStatsSnapshot {
    return {
      ewmaMs: this.ewma,
      meanMs: this.ringCount === 0 ? null : this.ringSum / this.ringCount,
      latencyMs: this.quantile(LATENCY_QUANTILE),
      p95Ms: this.quantile(0.95),
      samples: this.ringCount,
      totalSamples: this.total,
      errors: this.errors,
      consecutiveErrors: this.consecutiveErrors,
      lastSuccessMs: this.lastSuccessMs,
      lastErrorMs: this.lastErrorMs,
      lastSampleMs: this.lastSampleMs,
      inFlight: this.inFlight,
    };
  }
}

/** The first index in the sorted prefix `a[0..n)` whose value is ≥ `value`. */
function lowerBound(a: Float64Array, n: number, value: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
