import type { Logger } from '../log/logger';
import type { Clock, TimerHandle } from '../util/clock';
import type { Leaf } from './leaf';

export interface LeafExpiryGuardOptions {
  clock: Clock;
  /** Already scoped by the caller. */
  log: Logger;
  /**
   * How long before its not-after a leaf stops being offered, when no successor has been
   * installed by then. The node passes `maxConnectionAge`: a connection opened with the leaf
   * just before that point is closed by the server's connection-age limit no later than the
   * leaf's expiry, so no connection is ever served by an expired leaf.
   */
  marginMs: number;
  /** The leaf reached the margin with no successor: stop offering it, tell load balancers. */
  onExpiring(leaf: Leaf): void;
  /** A new leaf was installed after `onExpiring`: serve again. */
  onRecovered(leaf: Leaf): void;
}

/** Node's setTimeout fires at once for delays past 2^31 − 1 ms; longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Expiry safety: the rotator renews leaves well before they expire, but renewal can
 * keep failing (an expired or unusable node CA, a broken key generator). This guard watches the
 * installed leaf and, once it is within `marginMs` of its not-after without a successor, calls
 * `onExpiring` exactly once for it; the node then withdraws the leaf from its servers and
 * channels and sets health NOT_SERVING. The first leaf installed after that calls `onRecovered`.
 */
export class LeafExpiryGuard {
  private leaf: Leaf | undefined;
  private timer: TimerHandle | undefined;
  private expiringLeaf: Leaf | undefined;

  constructor(private readonly opts: LeafExpiryGuardOptions) {
    if (!(opts.marginMs >= 0)) throw new RangeError(`marginMs must be >= 0, got ${opts.marginMs}`);
  }

  /** Call with every leaf the node installs. */
  track(leaf: Leaf): void {
    this.cancel();
    this.leaf = leaf;
    if (this.expiringLeaf) {
      const old = this.expiringLeaf;
      this.expiringLeaf = undefined;
      this.opts.log.info({ fingerprint: leaf.fingerprint, previous: old.fingerprint, notAfter: leaf.notAfter.toISOString() }, 'a new leaf replaced the expiring one; serving again');
      this.opts.onRecovered(leaf);
    }
    this.arm(leaf.notAfter.getTime() - this.opts.marginMs);
  }

  /** True while the installed leaf is within the margin with no successor. */
  expiring(): boolean {
    return this.expiringLeaf !== undefined;
  }

  /** The instant the current leaf stops being offered unless it is replaced first. */
  withdrawAt(): number | undefined {
    return this.leaf ? this.leaf.notAfter.getTime() - this.opts.marginMs : undefined;
  }

  stop(): void {
    this.cancel();
  }

  private arm(at: number): void {
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.opts.clock.now()));
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.opts.clock.now() < at) return this.arm(at);
      this.fire();
    }, delay);
  }

  private fire(): void {
    const leaf = this.leaf;
    if (!leaf || this.expiringLeaf === leaf) return;
    this.expiringLeaf = leaf;
    this.opts.log.error(
      { fingerprint: leaf.fingerprint, notAfter: leaf.notAfter.toISOString(), marginMs: this.opts.marginMs },
      'leaf renewal has not succeeded and the leaf is about to expire: withdrawing it and reporting NOT_SERVING',
    );
    this.opts.onExpiring(leaf);
  }

  private cancel(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
