import type { NodeMode } from '../membership/node-record';
import type { CallOptions, GossipTarget } from '../membership/transport';
import type { SignedMessage } from './message';

/**
 * The channel's RPC surface (g2g.v1.Channel: Push, Pull), on the same gossip port and per-peer
 * channels as membership. The gRPC transport maps field by field (channel-wire.ts); the
 * in-memory network passes objects. Calls reject on timeout, unreachable target or refusal.
 */
export interface ChannelTransport {
  push(target: GossipTarget, request: PushRequest, options: CallOptions): Promise<PushResponse>;
  pull(target: GossipTarget, request: PullRequest, options: CallOptions): Promise<PullResponse>;
}

/** The server side. `from` is the caller's node id as its mTLS certificate proves it. */
export interface ChannelHandler {
  handlePush(from: string, request: PushRequest): Promise<PushResponse>;
  handlePull(from: string, request: PullRequest): Promise<PullResponse>;
}

/** g2g.v1.ChannelPushRequest */
export interface PushRequest {
  readonly messages: readonly SignedMessage[];
}

/** g2g.v1.ChannelPushResponse */
export interface PushResponse {
  readonly accepted: number;
}

/** g2g.v1.ChannelOriginDigest */
export interface OriginDigest {
  readonly origin: string;
  readonly epoch: number;
  readonly contiguous: number;
  readonly have: readonly number[];
}

/** g2g.v1.ChannelPullRequest */
export interface PullRequest {
  readonly origins: readonly OriginDigest[];
  readonly complete: boolean;
}

/** g2g.v1.ChannelPullResponse */
export interface PullResponse {
  readonly messages: readonly SignedMessage[];
  readonly more: boolean;
}

/** What the channel trusts a message's origin by: its membership record's mode and CA. */
export interface OriginFacts {
  readonly mode: NodeMode;
  readonly caCertPem: string;
  /** During the origin's node-CA rotation: its previous CA (messages signed before it rotated). */
  readonly previousCaCertPem?: string;
}

/**
 * The narrow membership view the channel needs: whom to push to and pull from, and
 * how to check an origin. src/channel/membership-members.ts adapts membership to it.
 */
export interface ChannelMembers {
  /** Alive server-mode peers (self excluded). Called often: implementations cache. */
  peers(): readonly GossipTarget[];
  /** The member's mode and CA while membership knows it (any state), else undefined. */
  member(nodeId: string): OriginFacts | undefined;
}
