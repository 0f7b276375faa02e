import type { Clock, TimerHandle } from '../util/clock';
import { FanOutDoneError, PeerDeadlineError, PeerSupersededError } from './errors';
import { CallCancellation } from './call-cancellation';
import type { PeerStats } from './peer-stats';

/**
 * Fan-out over the pool: ask k peers in query order, each call with its own deadline,
 * hedging slow peers and skipping failing ones, and return what came back — partial success is a
 * value (STYLE 8).
 *
 * Hedging (Dean & Barroso, "The Tail at Scale", CACM 2013): when a call has not answered within
 * its peer's hedge delay, the next peer in order is asked as well; the slow call keeps running
 * and whichever answers counts. The pool itself enforces each call's deadline with the injected
 * clock (the peer is reported and the next one asked), so a call function that ignores its
 * deadline cannot hold the fan-out. When the fan-out ends — k answers in, or nobody left to ask —
 * whatever still runs is cancelled (FanOutPeer: the call registered with `cancelOnEnd`, or the
 * fan-out's signal aborted); a call given up on at its deadline is cancelled then.
 *
 * Skipping: a peer whose last FAILING_AFTER calls or pings all failed is moved to the end of the
 * order (still asked if the others are not enough), so a dead-but-not-yet-declared peer does not
 * cost every fan-out a deadline.
 */

/**
 * Hedge delay of the automatic policy: HEDGE_P95_FACTOR × the peer's p95 RTT, at least
 * HEDGE_MIN_MS. The samples are mostly pings, which measure the path but not the service time
 * of a plugin call, hence the factor and the floor: a call to a near peer that takes more than
 * 10 ms is hedged, one to a 40 ms peer after 80 ms. Lower values cut the tail sooner at the cost
 * of more duplicate calls; for services much slower than the network pass `hedgeMs` explicitly.
 */
export const HEDGE_P95_FACTOR = 2;
export const HEDGE_MIN_MS = 10;
/** Consecutive errors after which a peer is asked only when the others are not enough. */
export const FAILING_AFTER = 3;

export interface FanOutOptions {
  /** Deadline of each call (ms): a peer that has not answered by then is given up on. */
  deadlineMs: number;
  /**
   * When to ask the next peer as well while a call is still running (ms), `'auto'` (the default:
   * from the peer's own RTT figures, see HEDGE_P95_FACTOR) or `'off'`. A delay at or above the
   * deadline never hedges.
   */
  hedgeMs?: number | 'auto' | 'off';
}

/**
 * What a fan-out gives the call it makes to one peer. Cancellation, for a call still running
 * when the fan-out ends (enough answers, or a hedge answered first): `cancelOnEnd(call)` with the
 * grpc-js call, or `signal`, an AbortSignal made on first read for work that takes one (fetch,
 * timers). Both, because an AbortController and its listeners cost a loopback fan-out of 8 calls
 * about 2 % of its throughput (benchmark 11), and a grpc-js call only needs `cancel()`.
 */
export interface FanOutPeer {
  readonly nodeId: string;
  /** This call's deadline: pass it on to the RPC (the pool enforces it either way). */
  readonly deadline: Date;
  /** Aborted when the fan-out ends while this call (or another given up on) still runs. */
  readonly signal: AbortSignal;
  /**
   * Cancels `call` (a grpc-js call, or anything with `cancel()`) when the pool stops waiting for
   * it: the fan-out ended without it, or it passed its deadline. At once if that has happened.
   */
  cancelOnEnd(call: { cancel(): void }): void;
}

/** A call to one peer. */
export type FanOutCall<T> = (peer: FanOutPeer) => Promise<T>;

export interface FanOutResult<T> {
  /** Answers in arrival order, at most k. */
  results: { nodeId: string; value: T }[];
  /** Peers that failed, missed their deadline or were superseded by a hedge, with why. */
  errors: { nodeId: string; error: unknown }[];
  /** Calls started because an earlier one was slower than its hedge delay. */
  hedges: number;
}

export interface FanOutComponents {
  clock: Clock;
  /** High-resolution time (ms) for RTT samples. */
  now(): number;
  stats(nodeId: string): PeerStats | undefined;
  /** Whether the peer's channel is connected now (a call on a new connection measures a handshake). */
  connected(nodeId: string): boolean;
}

/** The hedge delay for a peer whose recent p95 RTT is `p95Ms` (none yet: null) under `option` (Infinity: never hedge). */
export function hedgeDelayMs(p95Ms: number | null | undefined, option: FanOutOptions['hedgeMs'] = 'auto'): number {
  if (option === 'off') return Infinity;
  if (typeof option === 'number') {
    if (!(option >= 0)) throw new RangeError(`hedgeMs must be ≥ 0, got ${option}`);
    return option;
  }
  return p95Ms === null || p95Ms === undefined ? Infinity : Math.max(HEDGE_MIN_MS, HEDGE_P95_FACTOR * p95Ms);
}

/** Peers that keep failing go last; the rest keep their query order (a stable partition). */
export function healthyFirst(order: readonly string[], errorStreak: (nodeId: string) => number | undefined): readonly string[] {
  const failingAt = order.findIndex((id) => (errorStreak(id) ?? 0) >= FAILING_AFTER);
  if (failingAt < 0) return order; // the common case, without a copy
  const healthy = order.slice(0, failingAt);
  const failing: string[] = [];
  for (let i = failingAt; i < order.length; i++) ((errorStreak(order[i]!) ?? 0) >= FAILING_AFTER ? failing : healthy).push(order[i]!);
  return healthy.concat(failing);
}

/** Asks up to k of `candidates` (in order) as described above. */
export function fanOut<T>(c: FanOutComponents, candidates: readonly string[], k: number, call: FanOutCall<T>, options: FanOutOptions): Promise<FanOutResult<T>> {
  if (!(options.deadlineMs > 0)) throw new RangeError(`deadlineMs must be > 0, got ${options.deadlineMs}`);
  hedgeDelayMs(null, options.hedgeMs); // throws on a bad hedgeMs now rather than in the middle of the fan-out
  if (k <= 0 || candidates.length === 0) return Promise.resolve({ results: [], errors: [], hedges: 0 });
  return new Promise((resolve) => new FanOutRun(c, candidates, k, call, options, resolve).pump());
}

/**
 * One fan-out. The hot path (benchmark 11) runs once per call, so: prototype methods rather than
 * closures per fan-out, counters instead of scans over the calls running, one timer per fan-out
 * armed once per batch of launches and moved only when an earlier instant appears, one Date per
 * deadline instant, and no AbortController unless a call asks for a signal.
 */
class FanOutRun<T> {
  readonly out: FanOutResult<T> = { results: [], errors: [], hedges: 0 };
  /** Every call started, in order; `live` marks those still running. */
  private readonly attempts: Attempt<T>[] = [];
  private running = 0;
  private next = 0;
  private done = false;
  /** Calls running that have not passed their hedge delay: the answers still expected. */
  private expected = 0;
  /** A call was given up on at its deadline and may still be running. */
  private timedOut = false;
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  private deadlineDate: Date | undefined;
  private controller: AbortController | undefined;
  private readonly onTimer = (): void => this.timerFired();

  constructor(
    private readonly c: FanOutComponents,
    private readonly candidates: readonly string[],
    private readonly k: number,
    private readonly call: FanOutCall<T>,
    private readonly options: FanOutOptions,
    private readonly resolve: (result: FanOutResult<T>) => void,
  ) {}

  /** The signal of `signal` readers, made on first read; already aborted if the fan-out has ended. */
  signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.done) this.controller.abort(new FanOutDoneError('the fan-out has ended'));
    }
    return this.controller.signal;
  }

  /** Starts calls while fewer than k answers are in or expected, then finishes when nothing is left. */
  pump(): void {
    if (this.done) return;
    let earliest = Infinity;
    while (this.next < this.candidates.length && this.out.results.length + this.expected < this.k) {
      earliest = Math.min(earliest, this.launch(this.candidates[this.next++]!));
    }
    if (this.out.results.length >= this.k || this.running === 0) this.finish();
    else this.armFor(earliest);
  }

  /** Starts the call to `nodeId`; returns when the timer must look at it next (its hedge or deadline). */
  private launch(nodeId: string): number {
    const stats = this.c.stats(nodeId);
    const now = this.c.clock.now();
    const deadlineAt = now + this.options.deadlineMs;
    if (this.deadlineDate?.getTime() !== deadlineAt) this.deadlineDate = new Date(deadlineAt);
    const a = new Attempt<T>(this, nodeId, stats, this.deadlineDate, deadlineAt, now + hedgeDelayMs(stats?.quantile(0.95), this.options.hedgeMs), this.c.connected(nodeId), this.c.now());
    this.attempts.push(a);
    this.running++;
    this.expected++;
    stats?.begin();
    let pending: Promise<T>;
    try {
      pending = this.call(a);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => this.settleValue(a, value),
      (error: unknown) => this.settleError(a, error),
    );
    return Math.min(deadlineAt, a.hedgeAt);
  }

  private release(a: Attempt<T>): void {
    a.live = false;
    this.running--;
    if (!a.slow) this.expected--;
    a.stats?.end();
  }

  private settleValue(a: Attempt<T>, value: T): void {
    if (this.done || !a.live) return;
    this.release(a);
    if (a.stats) {
      const now = this.c.clock.now();
      a.stats.recordSuccess(now);
      if (a.connected) a.stats.recordRtt(this.c.now() - a.startedAt, now);
    }
    this.out.results.push({ nodeId: a.nodeId, value });
    this.pump();
  }

  private settleError(a: Attempt<T>, error: unknown): void {
    if (this.done || !a.live) return;
    this.release(a);
    a.stats?.recordError(this.c.clock.now());
    this.out.errors.push({ nodeId: a.nodeId, error });
    this.pump();
  }

  private finish(): void {
    this.done = true;
    this.timer?.cancel();
    let stillRunning = false;
    for (const a of this.attempts) {
      if (!a.live) continue;
      stillRunning = true;
      a.live = false;
      a.stats?.end();
      a.abandon();
      if (a.slow) this.out.errors.push({ nodeId: a.nodeId, error: new PeerSupersededError(`peer ${a.nodeId} was slower than its hedge delay and was not needed`) });
    }
    this.running = 0;
    // An aborted signal with no listener is wasted work: only when something may still run (the
    // calls live at the end, or given up on at their deadline).
    if (stillRunning || this.timedOut) this.controller?.abort(new FanOutDoneError('the fan-out has ended'));
    this.resolve(this.out);
  }

  /** Makes sure the timer fires no later than `at`: a timer already due earlier is kept (firing early costs one check). */
  private armFor(at: number): void {
    if (at >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.c.clock.setTimeout(this.onTimer, Math.max(0, Math.ceil(at - this.c.clock.now())));
  }

  private timerFired(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.c.clock.now();
    let hedged = false;
    for (const a of this.attempts) {
      if (a.live && !a.slow && a.hedgeAt <= now && a.deadlineAt > now) {
        a.slow = true;
        this.expected--;
        hedged = true;
      }
    }
    const before = this.next;
    this.pump(); // hedges out
    if (hedged) this.out.hedges += this.next - before;
    // pump may have started calls: only those that were there before can be due.
    for (let i = 0; i < before && !this.done; i++) {
      const a = this.attempts[i]!;
      if (a.live && a.deadlineAt <= now) {
        this.timedOut = true;
        a.abandon();
        this.settleError(a, new PeerDeadlineError(`peer ${a.nodeId} did not answer within ${this.options.deadlineMs} ms`));
      }
    }
    // What is still running needs the timer again (its next hedge or deadline).
    if (!this.done) for (const a of this.attempts) if (a.live) this.armFor(a.slow ? a.deadlineAt : Math.min(a.deadlineAt, a.hedgeAt));
  }
}

/** One call of a fan-out: what the call function is given (FanOutPeer) and the run's bookkeeping. */
class Attempt<T> extends CallCancellation implements FanOutPeer {
  live = true;
  /** It passed its hedge delay (another peer was asked in its place). */
  slow = false;

  constructor(
    private readonly run: FanOutRun<T>,
    readonly nodeId: string,
    readonly stats: PeerStats | undefined,
    readonly deadline: Date,
    /** On the injected clock. */
    readonly deadlineAt: number,
    readonly hedgeAt: number,
    /** The channel was connected at the start (else the RTT would include a handshake). */
    readonly connected: boolean,
    /** High-resolution start, for the RTT sample. */
    readonly startedAt: number,
  ) {
    super();
  }

  get signal(): AbortSignal {
    return this.run.signal();
  }
}
