import type { Heartbeat, NodeRecord } from './node-record';
import type { Removal } from './removal';

/**
 * The narrowest RPC surface membership needs (g2g.v1.Gossip: Exchange, Ping, PingVia). Every
 * message is protobuf-representable (see proto/g2g/v1/gossip.proto); the gRPC transport maps
 * field by field, the in-memory network (src/testing/memory-network.ts) passes objects.
 *
 * Calls reject with the same types on every transport (transport/call-errors.ts):
 * CallTimeoutError when no answer came in time, PeerUnavailableError when the target cannot be
 * reached, RemoteCallError (the callee's status and g2g code) when it refused. Membership treats
 * every rejection the same way (the target did not answer in time).
 */
export interface Transport {
  exchange(target: GossipTarget, request: ExchangeRequest, options: CallOptions): Promise<ExchangeResponse>;
  ping(target: GossipTarget, request: PingRequest, options: CallOptions): Promise<PingResponse>;
  /** Asks `relay` to ping `request.target` for us (indirect check). */
  pingVia(relay: GossipTarget, request: PingViaRequest, options: CallOptions): Promise<PingViaResponse>;
}

/**
 * The server side: what the transport calls when a peer calls us. `from` is the caller's node id
 * as the transport authenticated it (the mTLS client certificate's id); membership refuses an
 * exchange whose `sender` is somebody else.
 */
export interface GossipHandler {
  handleExchange(from: string, request: ExchangeRequest): Promise<ExchangeResponse>;
  handlePing(from: string, request: PingRequest): PingResponse;
  handlePingVia(from: string, request: PingViaRequest): Promise<PingViaResponse>;
}

/** Where to reach a peer's gossip port, and who must answer there. */
export interface GossipTarget {
  readonly nodeId: string;
  readonly addresses: readonly string[];
  readonly gossipPort: number;
}

export interface CallOptions {
  /** Deadline of the call, relative (ms). */
  timeoutMs: number;
}

export type MemberState = 'alive' | 'suspect' | 'dead' | 'left';

/** g2g.v1.RecordDigest */
export interface RecordDigest {
  readonly nodeId: string;
  readonly version: number;
  readonly heartbeat: number;
  readonly state: MemberState;
}

/** g2g.v1.MemberClaim: `from` holds `nodeId`@`version` to be suspect or dead. Not signed. */
export interface MemberClaim {
  readonly nodeId: string;
  readonly version: number;
  readonly state: 'suspect' | 'dead';
  readonly from: string;
}

/** g2g.v1.ExchangeRequest */
export interface ExchangeRequest {
  /** The caller's own current record; absent when `senderBeat` stands for it. */
  readonly sender?: NodeRecord;
  /**
   * Instead of `sender`, when an earlier exchange delivered the caller's current version: its
   * signed heartbeat of that version. A callee that does not hold that version wants the record.
   */
  readonly senderBeat?: Heartbeat;
  readonly records: readonly NodeRecord[];
  readonly digests: readonly RecordDigest[];
  readonly heartbeats: readonly Heartbeat[];
  readonly claims: readonly MemberClaim[];
  readonly digestsComplete: boolean;
  readonly followUp: boolean;
  /** Digests of records spread as rumours: the callee asks for those it lacks . */
  readonly rumourDigests: readonly RecordDigest[];
  /** The caller is joining: the callee announces it as a new member (absent = false). */
  readonly joining?: boolean;
  /** Removals of members (and reinstatements): rumours, and answers to stale digests (absent = none). */
  readonly removals?: readonly Removal[];
}

/** g2g.v1.ExchangeResponse */
export interface ExchangeResponse {
  readonly records: readonly NodeRecord[];
  readonly heartbeats: readonly Heartbeat[];
  readonly claims: readonly MemberClaim[];
  /** Ids whose full records the callee wants in a follow-up. */
  readonly wants: readonly string[];
  /** Ids whose newer heartbeats (same version) the callee wants in a follow-up. */
  readonly wantHeartbeats: readonly string[];
  /** Records spread as rumours (news); `records` is anti-entropy . */
  readonly rumours: readonly NodeRecord[];
  /** Removals the caller should know: rumours, and removals of ids its digests still list (absent = none). */
  readonly removals?: readonly Removal[];
}

/** g2g.v1.PingRequest */
export interface PingRequest {
  readonly nonce: number;
}

/** g2g.v1.PingResponse */
export interface PingResponse {
  readonly nonce: number;
  readonly nodeId: string;
  readonly heartbeat: number;
}

/** g2g.v1.PingViaRequest (target flattened to target_node_id, target_addresses, target_gossip_port). */
export interface PingViaRequest {
  readonly target: GossipTarget;
  readonly nonce: number;
  readonly timeoutMs: number;
}

/** g2g.v1.PingViaResponse */
export interface PingViaResponse {
  readonly reachable: boolean;
  readonly nonce: number;
  readonly heartbeat: number;
}

export const EMPTY_RESPONSE: ExchangeResponse = Object.freeze({ records: [], heartbeats: [], claims: [], wants: [], wantHeartbeats: [], rumours: [] });

export function targetOf(record: Pick<NodeRecord, 'nodeId' | 'addresses' | 'gossipPort'>): GossipTarget {
  return { nodeId: record.nodeId, addresses: record.addresses, gossipPort: record.gossipPort };
}
