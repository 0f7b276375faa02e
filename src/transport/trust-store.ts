import type { PushCertificateProvider } from './push-certificate-provider';

/** What authorisation needs to know about membership: is this node a current member? */
export interface MemberAuthority {
  isMember(nodeId: string): boolean;
}

/**
 * The gossip port's trust: the node CAs of current members, by nodeId. Every change is pushed to
 * the server's CA provider (new handshakes) and is seen by the authorisation interceptor at once
 * (calls on connections opened before a removal).
 */
export class TrustStore implements MemberAuthority {
  private readonly cas = new Map<string, string>();

  constructor(private readonly provider: PushCertificateProvider) {}

  /** Adds or replaces a member's CA certificate(s). */
  set(nodeId: string, caPem: string): void {
    if (this.cas.get(nodeId) === caPem) return;
    this.cas.set(nodeId, caPem);
    this.push();
  }

  remove(nodeId: string): boolean {
    const removed = this.cas.delete(nodeId);
    if (removed) this.push();
    return removed;
  }

  isMember(nodeId: string): boolean {
    return this.cas.has(nodeId);
  }

  members(): string[] {
    return [...this.cas.keys()];
  }

  private push(): void {
    this.provider.setCaCertificates([...this.cas.values()]);
  }
}
