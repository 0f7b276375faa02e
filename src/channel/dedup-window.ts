/**
 * What a node has seen of one origin, in bounded memory: the current epoch, a contiguous
 * watermark (every seq ≤ it was delivered, or given up as lost) and the few seqs above it that
 * arrived early. Messages are delivered as they arrive (no head-of-line blocking); this only
 * answers "seen before?" and says what to ask for in repair.
 *
 * A gap (the watermark's next seq missing while later ones are held) is given up after
 * `gapTimeoutMs`, or at once when more than `maxAhead` seqs wait above it: by then no peer can
 * be expected to still retain the missing messages.
 */
export type SeenVerdict = 'new' | 'duplicate' | 'stale';

export interface WindowLimits {
  gapTimeoutMs: number;
  maxAhead: number;
}

export class OriginWindow {
  epoch = -1;
  contiguous = 0;
  /** Seqs > contiguous already seen. */
  readonly ahead = new Set<number>();
  /** When the current lowest gap opened (undefined: no gap). */
  gapSinceMs: number | undefined;
  /** Local time of the last new message (for pruning origins that went away). */
  lastNewMs = 0;

  check(epoch: number, seq: number): SeenVerdict {
    if (epoch > this.epoch) return 'new';
    if (epoch < this.epoch) return 'stale';
    return seq <= this.contiguous || this.ahead.has(seq) ? 'duplicate' : 'new';
  }

  /**
   * Records a verified message (check() said 'new'). A higher epoch starts the window afresh.
   * Returns how many seqs were given up because too many waited above a gap.
   */
  mark(epoch: number, seq: number, nowMs: number, limits: WindowLimits): number {
    if (epoch > this.epoch) {
      this.epoch = epoch;
      this.contiguous = 0;
      this.ahead.clear();
      this.gapSinceMs = undefined;
    }
    this.lastNewMs = nowMs;
    if (seq === this.contiguous + 1) {
      this.contiguous = seq;
      this.advance(nowMs);
    } else if (seq > this.contiguous) {
      this.ahead.add(seq);
      this.gapSinceMs ??= nowMs;
    }
    return this.ahead.size > limits.maxAhead ? this.skipGap(nowMs) : 0;
  }

  /** Gives up a gap open longer than the timeout; returns the seqs given up. */
  expireGap(nowMs: number, limits: WindowLimits): number {
    if (this.gapSinceMs === undefined || nowMs - this.gapSinceMs < limits.gapTimeoutMs) return 0;
    return this.skipGap(nowMs);
  }

  /** Up to `limit` held seqs above the watermark, lowest first (for a repair digest). */
  held(limit: number): number[] {
    if (this.ahead.size === 0 || limit <= 0) return [];
    const all = [...this.ahead].sort((a, b) => a - b);
    return all.length > limit ? all.slice(0, limit) : all;
  }

  /** Jumps the watermark over the lowest gap (to just below the lowest held seq). */
  private skipGap(nowMs: number): number {
    let lowest = Infinity;
    for (const s of this.ahead) if (s < lowest) lowest = s;
    if (lowest === Infinity) return 0;
    const skipped = lowest - 1 - this.contiguous;
    this.contiguous = lowest - 1;
    this.advance(nowMs);
    return skipped;
  }

  private advance(nowMs: number): void {
    const before = this.contiguous;
    while (this.ahead.delete(this.contiguous + 1)) this.contiguous++;
    if (this.ahead.size === 0) this.gapSinceMs = undefined;
    // The lowest gap moved: a new gap starts its own clock.
    else if (this.contiguous !== before || this.gapSinceMs === undefined) this.gapSinceMs = nowMs;
  }
}

/** One OriginWindow per origin, with the digest for repair and pruning of origins gone quiet. */
export class SeenMessages {
  private readonly windows = new Map<string, OriginWindow>();

  constructor(private readonly limits: WindowLimits) {}

  check(origin: string, epoch: number, seq: number): SeenVerdict {
    return this.windows.get(origin)?.check(epoch, seq) ?? 'new';
  }

  /** Records a verified message; returns the seqs given up (see OriginWindow.mark). */
  mark(origin: string, epoch: number, seq: number, nowMs: number): number {
    let w = this.windows.get(origin);
    if (!w) {
      w = new OriginWindow();
      this.windows.set(origin, w);
    }
    return w.mark(epoch, seq, nowMs, this.limits);
  }

  get(origin: string): OriginWindow | undefined {
    return this.windows.get(origin);
  }

  get size(): number {
    return this.windows.size;
  }

  entries(): IterableIterator<[string, OriginWindow]> {
    return this.windows.entries();
  }

  /** Gives up expired gaps everywhere; returns the seqs given up. */
  expireGaps(nowMs: number): number {
    let lost = 0;
    for (const w of this.windows.values()) lost += w.expireGap(nowMs, this.limits);
    return lost;
  }

  /** Forgets origins for which `keep` is false and nothing new came for `idleMs`. */
  prune(nowMs: number, idleMs: number, keep: (origin: string) => boolean): void {
    for (const [origin, w] of this.windows) {
      if (nowMs - w.lastNewMs > idleMs && !keep(origin)) this.windows.delete(origin);
    }
  }
}
