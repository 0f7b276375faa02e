import { TLSSocket, type PeerCertificate } from 'node:tls';
import { callerAt, certificateIdentity, type Caller, type CertificateIdentity } from './caller-identity';

/**
 * The identity proven by a call's TLS connection, worked out once per connection.
 *
 * grpc-js's `call.getAuthContext()` runs `TLSSocket.getPeerCertificate()` on every call, which
 * builds the whole certificate object (fingerprints included): it was most of the cost of being a
 * host (test/bench host-cost-breakdown). A connection's peer certificate cannot change (HTTP/2
 * forbids TLS renegotiation), so it is read once per socket and kept in a WeakMap that dies with
 * the socket. Membership and expiry are still checked on every call by the caller of this.
 *
 * grpc-js exposes no public way from a call to its connection; we walk the interceptor chain to
 * the base call's `stream.session.socket` (grpc-js is pinned to ~1.14, and
 * test/unit/connection-identity.test.ts fails if the walk stops finding the socket). When the
 * walk fails, the public getAuthContext() is used, so behaviour never depends on the shortcut.
 */
export function connectionIdentity(call: { getAuthContext(): { sslPeerCertificate?: PeerCertificate } }): CertificateIdentity {
  const socket = connectionSocket(call);
  if (!socket) return certificateIdentity(call.getAuthContext().sslPeerCertificate);
  let identity = cache.get(socket);
  if (!identity) {
    // Same rule as getAuthContext(): only a certificate TLS verified counts.
    identity = certificateIdentity(socket.authorized ? socket.getPeerCertificate() : undefined);
    cache.set(socket, identity);
  }
  return identity;
}

const cache = new WeakMap<TLSSocket, CertificateIdentity>();

interface ChainLink {
  /** A handler's call object (ServerUnaryCallImpl and kin) holds the interceptor chain here. */
  call?: unknown;
  nextCall?: unknown;
  stream?: { session?: { socket?: unknown } };
}

/**
 * The TLS socket under a server call (an interceptor's call, or the call object a handler gets),
 * found through grpc-js internals; undefined if not found.
 */
export function connectionSocket(call: unknown): TLSSocket | undefined {
  let link = call as ChainLink | undefined;
  for (let depth = 0; link && depth < 32; depth++) {
    if (link.stream) {
      const socket = link.stream.session?.socket;
      return socket instanceof TLSSocket ? socket : undefined;
    }
    link = (link.nextCall ?? link.call) as ChainLink | undefined;
  }
  return undefined;
}

/** The caller of a call that already passed the authorisation interceptor. */
export function callerOf(call: { getAuthContext(): { sslPeerCertificate?: PeerCertificate } }, now = Date.now()): Caller | undefined {
  const result = callerAt(connectionIdentity(call), now);
  return result.ok ? result.caller : undefined;
}
