import type { Transport } from '../membership/transport';
import { GrpcGossipTransport } from '../transport/gossip-transport';
import { PeerClients } from '../transport/peer-clients';
import type { PushCertificateProvider } from '../transport/push-certificate-provider';

/** A gossip transport the node can close (its channels to peers). */
export type ClosableTransport = Transport & { close(): void };

/**
 * How the node's membership reaches peers' gossip ports: gRPC over mutual TLS in a node, the
 * in-memory network in unit tests (so admission, joining and the rest run without sockets).
 */
export interface GossipTransportFactory {
  /** The long-lived transport membership gossips over, on the shared per-peer channels. */
  shared(clients: PeerClients, caOf: (nodeId: string) => string | undefined): ClosableTransport;
  /** A transport of its own (a connect-back ping to a newcomer), closed after use. */
  oneOff(caOf: (nodeId: string) => string | undefined): ClosableTransport;
}

/** gRPC over mutual TLS, presenting our current leaf. */
export function grpcGossipTransports(identity: PushCertificateProvider): GossipTransportFactory {
  return {
    shared: (clients, caOf) => new GrpcGossipTransport({ clients, caOf }),
    oneOff: (caOf) => new GrpcGossipTransport({ clients: new PeerClients(identity), caOf }),
  };
}
