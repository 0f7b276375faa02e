import { NodeStateError } from '../errors';
import type { Logger } from '../log/logger';
import type { Clock, TimerHandle } from '../util/clock';
import type { Random } from '../util/random';
import { issueLeaf, validateLeaf, type IssueLeafOptions, type Leaf } from './leaf';
import type { NodeCa } from './node-ca';

export interface LeafRotatorOptions {
  ca: NodeCa;
  clock: Clock;
  random: Random;
  /** Already scoped by the caller (e.g. `component: 'leaf-rotator'`); pino would repeat a re-bound key. */
  log: Logger;
  /** Validity of each leaf (e.g. 1 h). */
  lifetimeMs: number;
  /** Renew after this fraction of a leaf's life, 0 < f < 1 (e.g. 0.5, as SPIRE and Istio do). */
  renewFraction: number;
  /**
   * Spread of the renewal point, 0 ≤ j < 1, relative to it: a leaf issued at t with life L renews
   * at t + L·f·(1 + j·(2u − 1)), u uniform in [0, 1) from `random`, i.e. uniformly within
   * [L·f·(1 − j), L·f·(1 + j)). Keeps nodes started together from rotating in lockstep.
   * f·(1 + j) must stay below 1 so renewal always precedes expiry.
   */
  jitterFraction: number;
  /** Addresses for the IP SANs, read at every issuance (they may change). */
  ips: () => string[];
  /** Extra DNS SANs, read at every issuance. */
  dnsNames?: () => string[];
  /**
   * Delay before retrying a failed renewal. Default: a tenth of the current leaf's remaining
   * life, clamped to [1 s, 30 s]: fast enough to recover well before expiry, slow enough not to spin.
   */
  retryMs?: number;
  /** RSA modulus size of leaf keys; default 2048 (tests use 1024 for speed). */
  keyBits?: number;
  /** Replaces issueLeaf, for tests that inject failures. */
  issue?: (ca: NodeCa, opts: IssueLeafOptions) => Promise<Leaf>;
}

export interface LeafRotatorStats {
  /** Leaves installed so far, the first one included. */
  rotations: number;
  /** Issuances that failed or produced a leaf that failed validation. */
  failures: number;
  /** Failures since the last leaf was installed (0 when the last attempt succeeded). */
  consecutiveFailures: number;
  lastError?: string;
  /** Epoch ms of the next scheduled renewal or retry. */
  nextRenewalAt?: number;
}

/** Node's setTimeout fires at once (with a warning) for delays past 2^31 − 1 ms; longer waits are chained. */
/** Lets timers and I/O callbacks that are due run before we continue. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const MIN_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/**
 * Keeps the node supplied with a valid leaf from its node CA: issues one at start,
 * renews it part-way through its life, and hands each new leaf to listeners only after
 * `validateLeaf` passed, so no server is ever given a broken pair. A failed renewal keeps the
 * current leaf and retries.
 */
export class LeafRotator {
  private readonly opts: LeafRotatorOptions;
  private readonly log: Logger;
  private readonly issue: (ca: NodeCa, opts: IssueLeafOptions) => Promise<Leaf>;
  private readonly listeners = new Set<(leaf: Leaf) => void>();
  private leaf: Leaf | undefined;
  private running = false;
  /** Bumped by start and stop; a rotation begun in an older epoch never publishes its result. */
  private epoch = 0;
  private inFlight: Promise<Leaf> | undefined;
  /** Identifies the rotation `inFlight` belongs to. */
  private flight: symbol | undefined;
  private starting: Promise<Leaf> | undefined;
  private timer: TimerHandle | undefined;
  private nextAt: number | undefined;
  private rotations = 0;
  private failures = 0;
  private consecutiveFailures = 0;
  private lastError: string | undefined;
  /** The issuing CA (changes when a node-CA rotation switches leaves to the new CA). */
  private ca: NodeCa;

  constructor(opts: LeafRotatorOptions) {
    const { lifetimeMs, renewFraction: f, jitterFraction: j, retryMs } = opts;
    if (!(lifetimeMs >= 1000)) throw new RangeError(`lifetimeMs must be at least 1000, got ${lifetimeMs}`);
    if (!(f > 0 && f < 1)) throw new RangeError(`renewFraction must be in (0, 1), got ${f}`);
    if (!(j >= 0 && j < 1)) throw new RangeError(`jitterFraction must be in [0, 1), got ${j}`);
    if (!(f * (1 + j) < 1)) throw new RangeError(`renewFraction × (1 + jitterFraction) must be below 1, got ${f * (1 + j)}`);
    if (retryMs !== undefined && !(retryMs > 0)) throw new RangeError(`retryMs must be positive, got ${retryMs}`);
    this.opts = opts;
    this.ca = opts.ca;
    this.log = opts.log;
    this.issue = opts.issue ?? issueLeaf;
  }

  /**
   * Issues, validates and publishes the first leaf, then schedules renewals. Resolves with the
   * current leaf if already started. A failed start leaves nothing scheduled and may be retried.
   */
  start(): Promise<Leaf> {
    if (this.starting) return this.starting;
    if (this.running) return Promise.resolve(this.leaf!);
    this.running = true;
    this.epoch++;
    const epoch = this.epoch;
    const p = this.rotateShared('start')
      .then(
        (leaf) => {
          if (epoch !== this.epoch) throw new NodeStateError('the leaf rotator was stopped while starting');
          return leaf;
        },
        (err: unknown) => {
          if (epoch === this.epoch) this.halt();
          throw err;
        },
      )
      .finally(() => {
        if (this.starting === p) this.starting = undefined;
      });
    this.starting = p;
    return p;
  }

  /** Cancels pending renewals; a rotation still in flight is discarded. Idempotent. */
  stop(): void {
    if (!this.running) return;
    this.halt();
  }

  /** Issues a new leaf now (calls made while one is in flight share it) and reschedules renewal. */
  rotateNow(reason: string): Promise<Leaf> {
    if (!this.running) return Promise.reject(new NodeStateError('the leaf rotator is not running'));
    return this.rotateShared(reason);
  }

  /**
   * Issues later leaves from `ca` (a rotated node CA); the current leaf stays until then. A
   * rotation already in flight was issued by the old CA: it is re-issued from `ca` when it lands
   * (never installed), and callers from now on wait for that, not for the old one.
   */
  setCa(ca: NodeCa): void {
    if (ca === this.ca) return;
    this.ca = ca;
    this.flight = undefined;
    this.inFlight = undefined;
  }

  current(): Leaf | undefined {
    return this.leaf;
  }

  /** Calls `listener` with every validated new leaf; returns the unsubscribe function. */
  onLeaf(listener: (leaf: Leaf) => void): () => void {
    // Wrapped so that the same function subscribed twice gets two independent subscriptions.
    const entry = (leaf: Leaf) => listener(leaf);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  stats(): LeafRotatorStats {
    return {
      rotations: this.rotations,
      failures: this.failures,
      consecutiveFailures: this.consecutiveFailures,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      ...(this.nextAt !== undefined ? { nextRenewalAt: this.nextAt } : {}),
    };
  }

  private halt(): void {
    this.running = false;
    this.epoch++;
    // An older epoch's rotation must not be shared by a later start.
    this.inFlight = undefined;
    this.flight = undefined;
    this.starting = undefined;
    this.cancelTimer();
  }

  private rotateShared(reason: string): Promise<Leaf> {
    if (this.inFlight) return this.inFlight;
    const flight = Symbol(reason);
    this.flight = flight;
    const p = this.rotate(reason, this.epoch, flight);
    // rotate() may already have finished synchronously (e.g. ips() threw) and cleared the flight.
    if (this.flight === flight) this.inFlight = p;
    return p;
  }

  /**
   * Ends the current flight. This happens inside rotate(), before listeners run, rather than in a
   * `.finally()`: a rotation triggered by a listener or a timer in the microtasks right after
   * must start a new issuance, not be handed the finished one.
   */
  private land(flight: symbol): void {
    if (this.flight !== flight) return;
    this.flight = undefined;
    this.inFlight = undefined;
  }

  private async rotate(reason: string, epoch: number, flight: symbol): Promise<Leaf> {
    const issuedAt = this.opts.clock.now();
    const ca = this.ca;
    let leaf: Leaf;
    try {
      leaf = await this.issue(ca, {
        now: new Date(issuedAt),
        lifetimeMs: this.opts.lifetimeMs,
        ips: this.opts.ips(),
        ...(this.opts.dnsNames ? { dnsNames: this.opts.dnsNames() } : {}),
        ...(this.opts.keyBits !== undefined ? { keyBits: this.opts.keyBits } : {}),
      });
      // Issuing, validating and installing are each a few milliseconds of synchronous work;
      // yielding between them keeps any one event-loop stall short (test/bench rotation).
      await yieldToEventLoop();
      validateLeaf(ca, leaf, new Date(this.opts.clock.now()));
      await yieldToEventLoop();
    } catch (err) {
      this.land(flight);
      if (epoch === this.epoch) this.recordFailure(reason, err);
      throw err;
    }
    this.land(flight);
    if (epoch !== this.epoch) return leaf; // stopped (or restarted) meanwhile: publish nothing
    if (ca !== this.ca) return this.rotateShared(reason); // the issuing CA changed meanwhile

    this.leaf = leaf;
    this.rotations++;
    this.consecutiveFailures = 0;
    this.schedule(issuedAt + this.renewalDelay(leaf, issuedAt));
    this.log.info(
      {
        reason,
        fingerprint: leaf.fingerprint,
        serial: leaf.serial,
        notAfter: leaf.notAfter.toISOString(),
        nextRenewalAt: new Date(this.nextAt!).toISOString(),
      },
      'installed new leaf certificate',
    );
    this.notify(leaf);
    return leaf;
  }

  /** See `jitterFraction`. Based on the leaf's real remaining life, which the CA's expiry may cut short. */
  private renewalDelay(leaf: Leaf, issuedAt: number): number {
    const life = leaf.notAfter.getTime() - issuedAt;
    const u = this.opts.random.next();
    // Whole milliseconds, so the due time a timer is armed for is exactly the one reported in stats().
    return Math.round(life * this.opts.renewFraction * (1 + this.opts.jitterFraction * (2 * u - 1)));
  }

  private recordFailure(reason: string, err: unknown): void {
    this.failures++;
    this.consecutiveFailures++;
    // The message only: an error object may carry arbitrary properties, and keys must never reach a log.
    this.lastError = err instanceof Error ? err.message : String(err);
    if (!this.leaf) {
      // Nothing to keep serving: start() rejects and its caller decides.
      this.log.error({ reason, err: this.lastError, failures: this.failures }, 'could not issue a leaf certificate');
      return;
    }
    const now = this.opts.clock.now();
    const remaining = this.leaf.notAfter.getTime() - now;
    const retry = Math.round(this.opts.retryMs ?? Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, remaining / 10)));
    // A failed rotateNow must not postpone a renewal that was already due sooner.
    this.schedule(Math.min(this.nextAt ?? Infinity, now + retry));
    this.log.error(
      { reason, err: this.lastError, failures: this.failures, currentNotAfter: this.leaf.notAfter.toISOString(), retryInMs: retry },
      'leaf renewal failed; keeping the current leaf',
    );
  }

  private schedule(at: number): void {
    this.cancelTimer();
    this.nextAt = at;
    const arm = () => {
      const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.opts.clock.now()));
      this.timer = this.opts.clock.setTimeout(() => {
        if (this.opts.clock.now() < at) return arm(); // a chained long wait
        this.timer = undefined;
        this.nextAt = undefined;
        // Failures are counted, logged and retried inside; nobody awaits a scheduled rotation.
        this.rotateShared('scheduled').catch(() => undefined);
      }, delay);
    };
    arm();
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.nextAt = undefined;
  }

  private notify(leaf: Leaf): void {
    for (const listener of [...this.listeners]) {
      try {
        const result: unknown = listener(leaf);
        if (result instanceof Promise) {
          result.catch((err: unknown) => this.listenerFailed(leaf, err));
        }
      } catch (err) {
        this.listenerFailed(leaf, err);
      }
    }
  }

  private listenerFailed(leaf: Leaf, err: unknown): void {
    this.log.error(
      { fingerprint: leaf.fingerprint, err: err instanceof Error ? err.message : String(err) },
      'a leaf listener failed',
    );
  }
}
