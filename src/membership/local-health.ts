/**
 * Local health awareness: how far this node trusts its own failure detector right now.
 *
 * A node whose own event loop stalls (a long synchronous plugin call, a GC pause, CPU starved by
 * its neighbours) sees its pings time out and its peers' heartbeats arrive late through no fault
 * of theirs; if it acts on that, it suspects healthy peers, and every suspicion it raises has to
 * be refuted by its victim. Lifeguard (Dadgar, Phillips, Currey, "Lifeguard: Local Health
 * Awareness for More Accurate Failure Detection", 2018, §IV-A) keeps a score of that evidence and
 * scales the local failure detector's timeouts by it; memberlist's `awareness.go` is the score:
 *
 *     0 ≤ score ≤ maxMultiplier − 1        multiplier = score + 1        timeout' = timeout · multiplier
 *
 * Evidence that raises the score: a probe whose direct and indirect checks both went unanswered,
 * by as many as the relays that did not even answer with a "not reachable" (memberlist's missed
 * nacks: a relay that answers proves our own network and loop work, so a peer that is really dead
 * costs us nothing); having to refute a suspicion of ourselves; a suspicion we raised being
 * refuted by its peer; and, over Node's event loop, the loop's own lag — each interval, the worst
 * delay seen (an injected source such as the node's timer-drift sampler, and the lateness of
 * the interval timer itself) adds one per `lagUnitMs` of it (the probe timeout: a stall that long
 * can fail a probe on its own). Evidence that lowers it: a probe answered, and an interval whose
 * loop ran on time (g2g probes only overdue peers, so successful probes alone would leave a score
 * up for as long as the cluster stays healthy).
 *
 * While the score is above zero the node scales its heartbeat limits, probe timeouts and
 * suspicion times by the multiplier, and raises no suspicion of its own (it still applies and
 * relays claims from healthy peers).
 */

/** The event loop's recent delay, read once per interval. */
export interface LoopLagSource {
  /** The worst event-loop delay (ms) seen since the previous call (and start measuring afresh). */
  takeLagMs(): number;
}

export interface LocalHealthOptions {
  /**
   * Highest multiplier (memberlist's AwarenessMaxMultiplier, default 8); 1 turns local health
   * awareness off (the score stays 0).
   */
  maxMultiplier: number;
  /** Loop lag worth one point of score (ms): the probe timeout. */
  lagUnitMs: number;
}

/** A snapshot for metrics and status. */
export interface LocalHealthView {
  score: number;
  multiplier: number;
  /** The worst loop lag seen in the last interval (ms). */
  lagMs: number;
}

export class LocalHealth {
  private current = 0;
  private lastLagMs = 0;

  constructor(
    private readonly options: LocalHealthOptions,
    private readonly lagSource?: LoopLagSource,
  ) {
    if (!(options.maxMultiplier >= 1) || !Number.isInteger(options.maxMultiplier)) throw new RangeError(`local health maxMultiplier must be an integer >= 1, got ${options.maxMultiplier}`);
    if (!(options.lagUnitMs > 0)) throw new RangeError(`local health lagUnitMs must be > 0, got ${options.lagUnitMs}`);
  }

  get score(): number {
    return this.current;
  }

  /** score + 1: the factor applied to this node's failure-detector timeouts. */
  get multiplier(): number {
    return this.current + 1;
  }

  /** False when configured off (maxMultiplier 1): the failure detector then acts on every failed check. */
  get enabled(): boolean {
    return this.options.maxMultiplier > 1;
  }

  /** True while no evidence says our own view is unreliable. */
  get healthy(): boolean {
    return this.current === 0;
  }

  /** `ms` scaled by the multiplier. */
  scale(ms: number): number {
    return ms * (this.current + 1);
  }

  view(): LocalHealthView {
    return { score: this.current, multiplier: this.current + 1, lagMs: this.lastLagMs };
  }

  /** Adds `delta` to the score, clamped to [0, maxMultiplier − 1] (memberlist `ApplyDelta`). */
  applyDelta(delta: number): void {
    this.current = Math.max(0, Math.min(this.options.maxMultiplier - 1, this.current + delta));
  }

  /**
   * One interval of the node's loop, whose timer fired `lateMs` after it was due. The worst of
   * that and the lag source's reading is this interval's lag: each `lagUnitMs` of it raises the
   * score by one; an interval without lag worth a unit lowers it by one.
   */
  interval(lateMs: number): void {
    const lag = Math.max(0, lateMs, this.lagSource?.takeLagMs() ?? 0);
    this.lastLagMs = lag;
    const units = Math.floor(lag / this.options.lagUnitMs);
    this.applyDelta(units > 0 ? units : -1);
  }

  /** A timer of ours fired `lateMs` after it was due (a probe's deadline, say): a stall seen between intervals. */
  stalled(lateMs: number): void {
    const units = Math.floor(lateMs / this.options.lagUnitMs);
    if (units > 0) this.applyDelta(units);
    this.lastLagMs = Math.max(this.lastLagMs, lateMs);
  }

  /** A direct probe was answered. */
  probeAnswered(): void {
    this.applyDelta(-1);
  }

  /**
   * A probe failed directly and indirectly. `relays` were asked, `nacks` of them answered (the
   * peer was unreachable from them too); each relay silent as well is evidence against us. With
   * no relay to ask, the failure itself counts once (memberlist).
   */
  probeFailed(relays: number, nacks: number): void {
    this.applyDelta(relays > 0 ? relays - nacks : 1);
  }

  /** We had to refute a suspicion of ourselves: others could not hear us in time. */
  refuting(): void {
    this.applyDelta(1);
  }

  /** A peer we suspected came back with a newer version: our suspicion was false. */
  suspicionRefuted(): void {
    this.applyDelta(1);
  }
}
