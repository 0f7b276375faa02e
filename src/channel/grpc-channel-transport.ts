import * as grpc from '@grpc/grpc-js';
import { PeerIdentityError } from '../errors';
import type { CallOptions, GossipTarget } from '../membership/transport';
import type { PeerClients } from '../transport/peer-clients';
import { pullRequestToWire, pullResponseFromWire, pushRequestToWire } from './channel-wire';
import type { ChannelTransport, PullRequest, PullResponse, PushRequest, PushResponse } from './transport';

/**
 * The channel's transport over gRPC: g2g.v1.Channel on each peer's gossip port, on the same
 * pinned per-peer channel as membership (PeerClients). A peer whose CA we do not know cannot be
 * called (we could not verify who answers).
 */
export class GrpcChannelTransport implements ChannelTransport {
  constructor(private readonly deps: { clients: PeerClients; caOf(nodeId: string): string | undefined }) {}

  push(target: GossipTarget, request: PushRequest, options: CallOptions): Promise<PushResponse> {
    return this.unary(target, 'Push', pushRequestToWire(request), options).then((r) => ({ accepted: Number((r as { accepted?: number }).accepted ?? 0) }));
  }

  pull(target: GossipTarget, request: PullRequest, options: CallOptions): Promise<PullResponse> {
    return this.unary(target, 'Pull', pullRequestToWire(request), options).then((r) => pullResponseFromWire(r as Parameters<typeof pullResponseFromWire>[0]));
  }

  private unary(target: GossipTarget, method: 'Push' | 'Pull', request: object, options: CallOptions): Promise<unknown> {
    const caCertPem = this.deps.caOf(target.nodeId);
    if (!caCertPem) return Promise.reject(new PeerIdentityError(`no known CA for node ${target.nodeId}`));
    const client = this.deps.clients.channel({ ...target, caCertPem });
    return new Promise((resolve, reject) => {
      const fn = client[method] as unknown as (req: object, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: unknown) => void) => void;
      fn.call(client, request, { deadline: Date.now() + options.timeoutMs }, (error, response) => {
        if (error) {
          if (error.code === grpc.status.UNAVAILABLE) this.deps.clients.failed(target.nodeId);
          reject(error);
        } else resolve(response);
      });
    });
  }
}
