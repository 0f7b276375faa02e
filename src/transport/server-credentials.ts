import * as grpc from '@grpc/grpc-js';
import type { PushCertificateProvider } from './push-certificate-provider';

/*
 * grpc-js 1.14's createCertificateProviderServerCredentials(a, b, requireClientCert) uses its
 * FIRST argument as the identity provider and the SECOND as the CA provider: the reverse of
 * its parameter names. The order below is pinned by test/unit/server-credentials.test.ts.
 */

/** The register port: TLS with our current leaf, no client certificate asked for. */
export function tlsServerCredentials(identity: PushCertificateProvider): grpc.ServerCredentials {
  return grpc.experimental.createCertificateProviderServerCredentials(identity, null, false);
}

/** The gossip port: mutual TLS; client certificates must chain to a CA in `trust`. */
export function mutualTlsServerCredentials(
  identity: PushCertificateProvider,
  trust: PushCertificateProvider,
): grpc.ServerCredentials {
  return grpc.experimental.createCertificateProviderServerCredentials(identity, trust, true);
}
