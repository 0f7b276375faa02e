import type { Clock, TimerHandle } from '../util/clock';
import type { PushCertificateProvider } from './push-certificate-provider';

/** What authorisation needs to know about membership: is this node a current member? */
export interface MemberAuthority {
  isMember(nodeId: string): boolean;
}

export interface TrustStoreOptions {
  clock: Clock;
  /** Changes are collected for at least this long before the bundle is rebuilt. */
  debounceMs: number;
  /**
   * Rebuilds are spaced by at least this many times the duration of the last one (default 10),
   * so that rebuilding takes at most about a tenth of the event loop however large the bundle
   * grows. 0 spaces them by `debounceMs` only.
   */
  spacingFactor?: number;
  /** The most that spacing may be (default 2 s): how stale the TLS bundle may get in a burst. */
  maxSpacingMs?: number;
}

const DEFAULT_SPACING_FACTOR = 10;
const DEFAULT_MAX_SPACING_MS = 2000;

/**
 * The gossip port's trust: the node CAs of current members, by nodeId.
 *
 * Membership answers (`isMember`, used by the per-call authorisation interceptor) change at once.
 * The trust bundle for new TLS handshakes is rebuilt after `debounceMs` of collecting changes:
 * rebuilding it creates a TLS secure context over every member CA — OpenSSL parses each one,
 * about 0.1 ms apiece on a 2-core machine, so 50 ms at 500 members, all on the event loop — and
 * a burst of 500 joins must cost a few rebuilds, not 500. Rebuilds are further spaced by
 * `spacingFactor` times the last one's duration, which keeps their share of the loop bounded as
 * the network grows (benchmark: `trust-bundle`). A removed member is refused per call
 * immediately; its CA only leaves the bundle with the next push.
 */
export class TrustStore implements MemberAuthority {
  private readonly cas = new Map<string, string>();
  private timer: TimerHandle | undefined;
  private waiters: Array<() => void> = [];
  private pushes = 0;
  private lastPushEndMs = Number.NEGATIVE_INFINITY;
  private lastPushMs = 0;
  private readonly removedListeners = new Set<(nodeId: string) => void>();

  constructor(
    private readonly provider: PushCertificateProvider,
    private readonly options: TrustStoreOptions,
  ) {}

  /** Adds or replaces a member's CA certificate. */
  set(nodeId: string, caPem: string): void {
    if (this.cas.get(nodeId) === caPem) return;
    this.cas.set(nodeId, caPem);
    this.schedulePush();
  }

  /**
   * Untrusts a member: `isMember` answers no at once, its CA leaves the bundle with the next
   * push, and `onRemoved` listeners run (the node ends the member's open calls).
   */
  remove(nodeId: string): boolean {
    const removed = this.cas.delete(nodeId);
    if (removed) {
      this.schedulePush();
      for (const listener of this.removedListeners) listener(nodeId);
    }
    return removed;
  }

  /** Calls `listener` with every member untrusted from now on. */
  onRemoved(listener: (nodeId: string) => void): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  isMember(nodeId: string): boolean {
    return this.cas.has(nodeId);
  }

  /** The CA certificate(s) (one PEM bundle) trusted for `nodeId`, if any. */
  caOf(nodeId: string): string | undefined {
    return this.cas.get(nodeId);
  }

  members(): string[] {
    return [...this.cas.keys()];
  }

  /** Resolves once every change made so far has reached the TLS trust bundle. */
  settled(): Promise<void> {
    if (!this.timer) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** How many times the bundle was rebuilt (for tests and benchmarks of the debounce). */
  pushCount(): number {
    return this.pushes;
  }

  /** How long the last rebuild took (ms, on the injected clock). */
  lastRebuildMs(): number {
    return this.lastPushMs;
  }

  private schedulePush(): void {
    if (this.timer) return;
    const { clock, debounceMs } = this.options;
    const spacing = Math.min(this.options.maxSpacingMs ?? DEFAULT_MAX_SPACING_MS, (this.options.spacingFactor ?? DEFAULT_SPACING_FACTOR) * this.lastPushMs);
    const delay = Math.max(debounceMs, this.lastPushEndMs + spacing - clock.now());
    this.timer = clock.setTimeout(() => this.push(), delay);
  }

  private push(): void {
    this.timer = undefined;
    this.pushes++;
    const started = this.options.clock.now();
    this.provider.setCaCertificates([...this.cas.values()]);
    this.lastPushEndMs = this.options.clock.now();
    this.lastPushMs = this.lastPushEndMs - started;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Pushes pending changes now (e.g. our own CA at start-up, before the port binds). */
  flush(): void {
    if (!this.timer) return;
    this.timer.cancel();
    this.push();
  }
}
