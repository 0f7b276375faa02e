/**
 * Heartbeat limits per peer, and suspicion times.
 *
 * The seed's limit was "mean + 2σ of (now − last update)" over *all* peers at one instant. When
 * every peer is healthy those values are all small and alike, σ collapses towards 0, and the limit
 * falls to about one interval: the first late heartbeat is a suspicion. Here the statistic is kept
 * **per peer, over time**, on the gaps between *local receipt times* of that peer's heartbeat
 * advances (never the peer's clock, never relayed timestamps):
 *
 *     limit = max(floor, mean + s·σ)        (s = limitSigmas, floor = limitFloorIntervals·interval)
 *
 * mean and σ are exponentially weighted (α = 1/8, as TCP's SRTT in RFC 6298 §2), updated with
 * the incremental weighted mean/variance of Finch, "Incremental calculation of weighted mean and
 * variance" (2009), eq. 143: constant memory per peer, recent behaviour dominates. This is the
 * mean/σ core of the φ-accrual detector (Hayashibara et al., 2004): mean + s·σ is a φ threshold
 * under a normal model. The floor stops a peer whose heartbeats arrived like clockwork from being
 * suspected after one late interval.
 */

const ALPHA = 1 / 8;
/** Gaps seen before the statistic is trusted over the initial limit. */
export const MIN_SAMPLES = 4;

export class HeartbeatStats {
  private meanMs = 0;
  private varMs2 = 0;
  private n = 0;

  /** Records one gap between receipts of successive heartbeat advances. */
  addGap(gapMs: number): void {
    if (!(gapMs >= 0)) return;
    if (this.n === 0) {
      this.meanMs = gapMs;
      this.varMs2 = 0;
    } else {
      const diff = gapMs - this.meanMs;
      const incr = ALPHA * diff;
      this.meanMs += incr;
      this.varMs2 = (1 - ALPHA) * (this.varMs2 + diff * incr);
    }
    this.n++;
  }

  get samples(): number {
    return this.n;
  }

  get mean(): number {
    return this.meanMs;
  }

  get stddev(): number {
    return Math.sqrt(this.varMs2);
  }

  /** The current limit (ms) for this peer. */
  limit(opts: { intervalMs: number; limitFloorIntervals: number; limitSigmas: number; initialLimitIntervals: number }): number {
    const floor = opts.limitFloorIntervals * opts.intervalMs;
    if (this.n < MIN_SAMPLES) return Math.max(floor, opts.initialLimitIntervals * opts.intervalMs);
    return Math.max(floor, this.meanMs + opts.limitSigmas * this.stddev);
  }
}

/**
 * Suspicion time before a suspect is declared dead, after memberlist's `suspicionTimeout` and
 * Lifeguard's dynamic suspicion (Dadgar, Phillips, Currey, "Lifeguard: Local Health Awareness
 * for More Accurate Failure Detection", 2018, §IV-B; memberlist suspicion.go):
 *
 *     min = suspicionMult · max(1, log10 N) · interval
 *     max = suspicionMaxMult · min
 *     timeout(C) = max(min, max − (max − min) · log(C + 1) / log(K + 1))
 *
 * C = independent confirmations (distinct accusers other than the first), K = confirmations
 * expected (suspicionMult − 2, at least 1, as memberlist). With no confirmation the suspect gets
 * the whole `max` to refute; each accuser that independently agrees shortens it towards `min`.
 */
export function suspicionBounds(opts: { intervalMs: number; suspicionMult: number; suspicionMaxMult: number }, networkSize: number): { minMs: number; maxMs: number; expected: number } {
  const scale = Math.max(1, Math.log10(Math.max(1, networkSize)));
  const minMs = opts.suspicionMult * scale * opts.intervalMs;
  return { minMs, maxMs: opts.suspicionMaxMult * minMs, expected: Math.max(1, opts.suspicionMult - 2) };
}

export function suspicionTimeout(bounds: { minMs: number; maxMs: number; expected: number }, confirmations: number): number {
  const { minMs, maxMs, expected } = bounds;
  const frac = Math.log(Math.min(confirmations, expected) + 1) / Math.log(expected + 1);
  return Math.max(minMs, maxMs - (maxMs - minMs) * frac);
}
