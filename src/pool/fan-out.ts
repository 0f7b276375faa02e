import type { Clock, TimerHandle } from '../util/clock';
import { FanOutDoneError, PeerDeadlineError, PeerSupersededError } from './errors';
import type { PeerStats } from './peer-stats';

/**
 * Fan-out over the pool (DESIGN §5): ask k peers in query order, each call with its own deadline,
 * hedging slow peers and skipping failing ones, and return what came back — partial success is a
 * value (STYLE 8).
 *
 * Hedging (Dean & Barroso, "The Tail at Scale", CACM 2013): when a call has not answered within
 * its peer's hedge delay, the next peer in order is asked as well; the slow call keeps running
 * and whichever answers counts. The pool itself enforces each call's deadline with the injected
 * clock (the peer is reported and the next one asked), so a call function that ignores its
 * deadline cannot hold the fan-out. When the fan-out ends — k answers in, or nobody left to ask —
 * the signal every call was given is aborted, cancelling whatever still runs. One signal per
 * fan-out rather than per call: creating an AbortSignal costs Node 20 a few microseconds, which
 * per call was a measurable share of a loopback fan-out (benchmark 8).
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

/** A call to one peer. Cancel the underlying RPC when `signal` fires (the fan-out has ended). */
export type FanOutCall<T> = (nodeId: string, deadline: Date, signal: AbortSignal) => Promise<T>;

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

/** The hedge delay for a peer whose recent p95 RTT is `p95Ms()` under `option` (Infinity: never hedge). */
export function hedgeDelayMs(p95Ms: () => number | null | undefined, option: FanOutOptions['hedgeMs'] = 'auto'): number {
  if (option === 'off') return Infinity;
  if (typeof option === 'number') {
    if (!(option >= 0)) throw new RangeError(`hedgeMs must be ≥ 0, got ${option}`);
    return option;
  }
  const p95 = p95Ms() ?? null;
  return p95 === null ? Infinity : Math.max(HEDGE_MIN_MS, HEDGE_P95_FACTOR * p95);
}

/** Peers that keep failing go last; the rest keep their query order (a stable partition). */
export function healthyFirst(order: readonly string[], errorStreak: (nodeId: string) => number | undefined): string[] {
  const healthy: string[] = [];
  const failing: string[] = [];
  for (const id of order) ((errorStreak(id) ?? 0) >= FAILING_AFTER ? failing : healthy).push(id);
  return healthy.concat(failing);
}

interface Attempt {
  nodeId: string;
  /** It passed its hedge delay (another peer was asked in its place). */
  slow: boolean;
  connected: boolean;
  /** High-resolution start, for the RTT sample. */
  startedAt: number;
  /** On the injected clock. */
  deadlineAt: number;
  hedgeAt: number;
}

/** Asks up to k of `candidates` (in order) as described above. */
export function fanOut<T>(c: FanOutComponents, candidates: readonly string[], k: number, call: FanOutCall<T>, options: FanOutOptions): Promise<FanOutResult<T>> {
  if (!(options.deadlineMs > 0)) throw new RangeError(`deadlineMs must be > 0, got ${options.deadlineMs}`);
  const out: FanOutResult<T> = { results: [], errors: [], hedges: 0 };
  if (k <= 0 || candidates.length === 0) return Promise.resolve(out);
  // The hot path (benchmark 8) runs once per call: counters instead of scans over the calls
  // running, one timer per fan-out moved only when an earlier instant appears, one Date per
  // deadline instant, and no allocation per outcome.
  return new Promise((resolve) => {
    const ended = new AbortController();
    const live = new Set<Attempt>();
    let next = 0;
    let done = false;
    /** Calls running that have not passed their hedge delay: the answers still expected. */
    let expected = 0;
    /** A call was given up on at its deadline and may still be running. */
    let timedOut = false;
    let timer: TimerHandle | undefined;
    let timerAt = Infinity;
    let deadlineDate: Date | undefined;

    const release = (a: Attempt): void => {
      live.delete(a);
      if (!a.slow) expected--;
      c.stats(a.nodeId)?.end();
    };

    const finish = (): void => {
      done = true;
      timer?.cancel();
      const running = live.size > 0;
      for (const a of live) {
        c.stats(a.nodeId)?.end();
        if (a.slow) out.errors.push({ nodeId: a.nodeId, error: new PeerSupersededError(`peer ${a.nodeId} was slower than its hedge delay and was not needed`) });
      }
      live.clear();
      // Only when something may still run: an aborted signal with no listener is wasted work.
      if (running || timedOut) ended.abort(new FanOutDoneError('the fan-out has ended'));
      resolve(out);
    };

    /** Makes sure the timer fires no later than `at`: a timer already due earlier is kept (firing early costs one check). */
    const armFor = (at: number): void => {
      if (at >= timerAt) return;
      timer?.cancel();
      timerAt = at;
      timer = c.clock.setTimeout(onTimer, Math.max(0, Math.ceil(at - c.clock.now())));
    };

    const onTimer = (): void => {
      timer = undefined;
      timerAt = Infinity;
      const now = c.clock.now();
      let hedged = false;
      for (const a of live) {
        if (!a.slow && a.hedgeAt <= now && a.deadlineAt > now) {
          a.slow = true;
          expected--;
          hedged = true;
        }
      }
      const before = next;
      pump(); // hedges out
      if (hedged) out.hedges += next - before;
      for (const a of [...live]) {
        if (done) return;
        if (live.has(a) && a.deadlineAt <= now) {
          timedOut = true;
          settleError(a, new PeerDeadlineError(`peer ${a.nodeId} did not answer within ${options.deadlineMs} ms`));
        }
      }
      // What is still running needs the timer again (its next hedge or deadline).
      if (!done) for (const a of live) armFor(a.slow ? a.deadlineAt : Math.min(a.deadlineAt, a.hedgeAt));
    };

    /** Starts calls while fewer than k answers are in or expected, then finishes when nothing is left. */
    const pump = (): void => {
      if (done) return;
      while (next < candidates.length && out.results.length + expected < k) launch(candidates[next++]!);
      if (out.results.length >= k || live.size === 0) finish();
    };

    const settleValue = (a: Attempt, value: T): void => {
      if (done || !live.has(a)) return;
      release(a);
      const stats = c.stats(a.nodeId);
      if (stats) {
        const now = c.clock.now();
        stats.recordSuccess(now);
        if (a.connected) stats.recordRtt(c.now() - a.startedAt, now);
      }
      out.results.push({ nodeId: a.nodeId, value });
      pump();
    };

    const settleError = (a: Attempt, error: unknown): void => {
      if (done || !live.has(a)) return;
      release(a);
      c.stats(a.nodeId)?.recordError(c.clock.now());
      out.errors.push({ nodeId: a.nodeId, error });
      pump();
    };

    const launch = (nodeId: string): void => {
      const stats = c.stats(nodeId);
      const now = c.clock.now();
      const a: Attempt = {
        nodeId,
        slow: false,
        connected: c.connected(nodeId),
        startedAt: c.now(),
        deadlineAt: now + options.deadlineMs,
        hedgeAt: now + hedgeDelayMs(() => stats?.quantile(0.95), options.hedgeMs),
      };
      live.add(a);
      expected++;
      stats?.begin();
      armFor(Math.min(a.deadlineAt, a.hedgeAt));
      if (deadlineDate?.getTime() !== a.deadlineAt) deadlineDate = new Date(a.deadlineAt);
      let pending: Promise<T>;
      try {
        pending = call(nodeId, deadlineDate, ended.signal);
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (value) => settleValue(a, value),
        (error: unknown) => settleError(a, error),
      );
    };

    pump();
  });
}
