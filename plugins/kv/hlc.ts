/**
 * A hybrid logical clock (Kulkarni, Demirbas et al., "Logical Physical Clocks and Consistent
 * Snapshots in Globally Distributed Databases", 2014): timestamps stay close to wall-clock time
 * but never go backwards and always order an event after everything its node had seen when it
 * happened. So a write made after seeing a write stamped by a node whose clock runs 10 minutes
 * fast is stamped after it, and wins — last-writer-wins by wall clock alone would keep the
 * older, fast-stamped value.
 */
export interface HlcTimestamp {
  /** The largest physical time (ms since the epoch) this timestamp's history has seen. */
  readonly wallMs: number;
  /** Orders events that share `wallMs`. */
  readonly counter: number;
}

export const HLC_ZERO: HlcTimestamp = { wallMs: 0, counter: 0 };

/**
 * The counter travels as a uint32 (kv.proto): a larger one would be cut on the wire, and two
 * nodes would then order the same writes differently. Past it, the clock moves its physical part
 * on by 1 ms instead (still after everything seen; the drift bound keeps that near real time).
 */
export const MAX_COUNTER = 0xffff_ffff;

/** The timestamp just after (`wallMs`, `counter`) without passing MAX_COUNTER. */
function next(wallMs: number, counter: number): HlcTimestamp {
  return counter >= MAX_COUNTER ? { wallMs: wallMs + 1, counter: 0 } : { wallMs, counter: counter + 1 };
}

export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): number {
  return a.wallMs - b.wallMs || a.counter - b.counter;
}

export class HybridLogicalClock {
  private last: HlcTimestamp = HLC_ZERO;

  /** `physicalMs` is this node's wall clock (injected: tests skew or freeze it). */
  constructor(private readonly physicalMs: () => number) {}

  /** A timestamp for a local event (a write): later than every timestamp seen or issued. */
  tick(): HlcTimestamp {
    const pt = Math.floor(this.physicalMs());
    const last = this.last;
    this.last = pt > last.wallMs ? { wallMs: pt, counter: 0 } : next(last.wallMs, last.counter);
    return this.last;
  }

  /**
   * Takes a remote timestamp into account (a write received from a peer, or read back from disk),
   * so every later `tick()` is after it. Returns how far the remote timestamp is ahead of this
   * node's wall clock (ms; ≤ 0 when it is not), for skew warnings.
   */
  observe(remote: HlcTimestamp): number {
    const pt = Math.floor(this.physicalMs());
    const last = this.last;
    const wallMs = Math.max(pt, last.wallMs, remote.wallMs);
    if (wallMs === last.wallMs && wallMs === remote.wallMs) this.last = next(wallMs, Math.max(last.counter, remote.counter));
    else if (wallMs === last.wallMs) this.last = next(wallMs, last.counter);
    else if (wallMs === remote.wallMs) this.last = next(wallMs, remote.counter);
    else this.last = { wallMs, counter: 0 };
    return remote.wallMs - pt;
  }

  /** The latest timestamp issued or observed, without advancing. */
  current(): HlcTimestamp {
    return this.last;
  }

  /** This node's wall clock, as the HLC reads it. */
  physicalNow(): number {
    return Math.floor(this.physicalMs());
  }
}
