import type { experimental } from '@grpc/grpc-js';
import { assertKeyMatchesCert, joinPemBundle } from '../identity/cert-info';

type CertificateProvider = experimental.CertificateProvider;
type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

/**
 * A grpc-js certificate provider we push to, instead of one that watches files. Servers and
 * channels built on it pick up every push for their next TLS handshake without closing a port
 * or dropping a call: this is what makes rotation hitless.
 */
export class PushCertificateProvider implements CertificateProvider {
  private ca: experimental.CaCertificateUpdate | null = null;
  private identity: experimental.IdentityCertificateUpdate | null = null;
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();

  /**
   * Installs a certificate and its key. grpc-js drops every new connection if the key does not
   * match the certificate, so the pair is checked first and a bad pair is refused (throws
   * InvalidCertificateError) with the previous identity still in place.
   */
  setIdentity(certPem: string, keyPem: string): void {
    assertKeyMatchesCert(certPem, keyPem);
    this.identity = { certificate: Buffer.from(certPem), privateKey: Buffer.from(keyPem) };
    for (const listener of this.identityListeners) listener(this.identity);
  }

  /**
   * Withdraws the identity: servers then refuse new connections and channels cannot complete
   * new handshakes, while open connections continue (expiry safety: a leaf about to expire with
   * no successor is no longer offered). The next setIdentity restores both.
   */
  clearIdentity(): void {
    if (this.identity === null) return;
    this.identity = null;
    for (const listener of this.identityListeners) listener(null);
  }

  /** Installs the trust bundle; PEMs are joined with newlines (grpc-js ignores the rest otherwise). */
  setCaCertificates(pems: readonly string[]): void {
    this.ca = { caCertificate: Buffer.from(joinPemBundle([...pems])) };
    for (const listener of this.caListeners) listener(this.ca);
  }

  hasIdentity(): boolean {
    return this.identity !== null;
  }

  /*
   * The current value is replayed to a new listener on a later microtask, never synchronously:
   * grpc-js's server reads the credentials' initial state and only then registers its watcher,
   * so a synchronous replay (made while the watcher is being registered) is lost and the port
   * drops every connection "due to unloaded credentials" until the next push. grpc-js's own
   * file-watching provider always answers asynchronously, which is why grpc-js never noticed.
   */
  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    const current = this.ca;
    // A push between now and the replay already reached this listener; replay only the older value.
    queueMicrotask(() => {
      if (current && current === this.ca && this.caListeners.has(listener)) listener(current);
    });
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    const current = this.identity;
    queueMicrotask(() => {
      if (current && current === this.identity && this.identityListeners.has(listener)) listener(current);
    });
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }
}
