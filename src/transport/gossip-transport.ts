import { PeerIdentityError } from '../errors';
import type { CallOptions, ExchangeRequest, ExchangeResponse, GossipTarget, PingRequest, PingResponse, PingViaRequest, PingViaResponse, Transport } from '../membership/transport';
import { exchangeRequestToWire, exchangeResponseFromWire, pingViaToWire } from './gossip-wire';
import type { GossipClient } from '../proto/generated/g2g/v1/Gossip';
import { PeerUnavailableError } from './call-errors';
import type { PeerClients } from './peer-clients';
import { unaryCall, type RequestOf } from './unary-call';

/**
 * Membership's Transport over gRPC: g2g.v1.Gossip on each peer's gossip port, through one
 * pinned channel per peer (PeerClients). A peer's CA comes from what membership knows of it:
 * a target whose CA we do not know cannot be called (we could not verify who answers).
 */
export class GrpcGossipTransport implements Transport {
  constructor(private readonly deps: { clients: PeerClients; caOf(nodeId: string): string | undefined }) {}

  exchange(target: GossipTarget, request: ExchangeRequest, options: CallOptions): Promise<ExchangeResponse> {
    return this.unary(target, 'Exchange', exchangeRequestToWire(request), options).then(exchangeResponseFromWire);
  }

  ping(target: GossipTarget, request: PingRequest, options: CallOptions): Promise<PingResponse> {
    return this.unary(target, 'Ping', request, options).then((r) => ({ nonce: Number(r.nonce), nodeId: r.nodeId, heartbeat: Number(r.heartbeat) }));
  }

  pingVia(relay: GossipTarget, request: PingViaRequest, options: CallOptions): Promise<PingViaResponse> {
    return this.unary(relay, 'PingVia', pingViaToWire(request), options).then((r) => ({ reachable: r.reachable, nonce: Number(r.nonce), heartbeat: Number(r.heartbeat) }));
  }

  /** Closes every channel this transport opened. */
  close(): void {
    this.deps.clients.closeAll();
  }

  private unary<Method extends 'Exchange' | 'Ping' | 'PingVia'>(target: GossipTarget, method: Method, request: RequestOf<GossipClient, Method>, options: CallOptions) {
    const caCertPem = this.deps.caOf(target.nodeId);
    if (!caCertPem) return Promise.reject(new PeerIdentityError(`no known CA for node ${target.nodeId}`));
    const client = this.deps.clients.gossip({ ...target, caCertPem });
    return unaryCall(client, method, request, { timeoutMs: options.timeoutMs }).catch((error: unknown) => {
      if (error instanceof PeerUnavailableError) this.deps.clients.failed(target.nodeId);
      throw error;
    });
  }
}
