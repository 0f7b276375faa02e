import { PeerIdentityError } from '../errors';
import type { CallOptions, GossipTarget } from '../membership/transport';
import type { ChannelClient } from '../proto/generated/g2g/v1/Channel';
import { PeerUnavailableError } from '../transport/call-errors';
import type { PeerClients } from '../transport/peer-clients';
import { unaryCall, type RequestOf } from '../transport/unary-call';
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
    return this.unary(target, 'Push', pushRequestToWire(request), options).then((r) => ({ accepted: Number(r.accepted ?? 0) }));
  }

  pull(target: GossipTarget, request: PullRequest, options: CallOptions): Promise<PullResponse> {
    return this.unary(target, 'Pull', pullRequestToWire(request), options).then(pullResponseFromWire);
  }

  private unary<Method extends 'Push' | 'Pull'>(target: GossipTarget, method: Method, request: RequestOf<ChannelClient, Method>, options: CallOptions) {
    const caCertPem = this.deps.caOf(target.nodeId);
    if (!caCertPem) return Promise.reject(new PeerIdentityError(`no known CA for node ${target.nodeId}`));
    const client = this.deps.clients.channel({ ...target, caCertPem });
    return unaryCall(client, method, request, { timeoutMs: options.timeoutMs }).catch((error: unknown) => {
      if (error instanceof PeerUnavailableError) this.deps.clients.failed(target.nodeId);
      throw error;
    });
  }
}
