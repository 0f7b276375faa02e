import type { Clock, TimerHandle } from '../util/clock';
import type { PushCertificateProvider } from './push-certificate-provider';

/** What authorisation needs to know about membership: is this node a current member? */
export interface MemberAuthority {
  isMember(nodeId: string): boolean;
}

/**
 * The gossip port's trust: the node CAs of current members, by nodeId.
 *
 * Membership answers (`isMember`, used by the per-call authorisation interceptor) change at once.
 * The trust bundle for new TLS handshakes is rebuilt at most once per `debounceMs`: rebuilding it
 * creates a TLS secure context over every member CA, so a burst of 500 joins must cost one
 * rebuild, not 500. A removed member is refused per call immediately; its CA only leaves the
 * bundle with the next push.
 */
export class TrustStore implements MemberAuthority {
  private readonly cas = new Map<string, string>();
  private timer: TimerHandle | undefined;
  private waiters: Array<() => void> = [];
  private pushes = 0;
  private readonly removedListeners = new Set<(nodeId: string) => void>();

  constructor(
    private readonly provider: PushCertificateProvider,
    private readonly options: { clock: Clock; debounceMs: number },
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

  private schedulePush(): void {
    if (this.timer) return;
    this.timer = this.options.clock.setTimeout(() => this.push(), this.options.debounceMs);
  }

  private push(): void {
    this.timer = undefined;
    this.pushes++;
    this.provider.setCaCertificates([...this.cas.values()]);
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
