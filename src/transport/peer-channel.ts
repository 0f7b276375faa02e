import type { PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { derFingerprint } from '../identity/cert-info';
import { first, sanDnsNames } from './caller-identity';
import { PushCertificateProvider } from './push-certificate-provider';

/** How to reach and trust one peer. */
export interface PeerTarget {
  nodeId: string;
  /** The peer's node CA certificate (PEM): the only root this channel trusts. */
  caCertPem: string;
  /** `host:port` of the peer's gossip (or register) port. */
  address: string;
}

/**
 * Checks that the server's leaf names the peer we meant. TLS already verified the chain against
 * the peer's CA alone, so "issued by that node's CA" holds; the SAN check stops a leaf the same
 * CA minted for another id (and the issuer check documents the pin for readers of failures).
 */
export function checkPeerIdentity(expectedNodeId: string, cert: PeerCertificate): Error | undefined {
  const dnsNames = sanDnsNames(cert);
  if (dnsNames[0] !== expectedNodeId) {
    return new Error(`peer certificate names "${dnsNames[0] ?? ''}", expected node ${expectedNodeId}`);
  }
  const issuer = first(cert.issuer?.CN);
  if (issuer !== `${expectedNodeId} CA`) {
    return new Error(`peer certificate was issued by "${issuer ?? ''}", expected "${expectedNodeId} CA"`);
  }
  return undefined;
}

/**
 * Credentials for calling one peer: trust only its node CA, present our current leaf (taken from
 * `ourIdentity` at each handshake, so our own rotation needs no new channel) and check the leaf
 * names the peer's nodeId.
 */
export function peerChannelCredentials(
  target: PeerTarget,
  ourIdentity: grpc.experimental.CertificateProvider,
  onVerified?: (leafFingerprint: string) => void,
): grpc.ChannelCredentials {
  const pinned = new PushCertificateProvider();
  pinned.setCaCertificates([target.caCertPem]);
  return grpc.experimental.createCertificateProviderChannelCredentials(pinned, ourIdentity, {
    checkServerIdentity: (_host, cert) => {
      const error = checkPeerIdentity(target.nodeId, cert);
      if (!error && onVerified && cert.raw) onVerified(derFingerprint(cert.raw));
      return error;
    },
  });
}

/** Channel options for a peer: TLS server name = the peer's nodeId (its leaf's SAN). */
export function peerChannelOptions(target: PeerTarget, extra: grpc.ChannelOptions = {}): grpc.ChannelOptions {
  return {
    'grpc.ssl_target_name_override': target.nodeId,
    'grpc.default_authority': target.nodeId,
    ...extra,
  };
}
