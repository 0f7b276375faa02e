import type { GossipHandlers } from '../proto/generated/g2g/v1/Gossip';

export interface GossipServiceComponents {
  nodeId: string;
  /** The node's heartbeat counter (0 until the membership loop runs). */
  heartbeat(): number;
}

/** The gossip port's member-to-member service. `Exchange` arrives with membership. */
export function gossipHandlers(components: GossipServiceComponents): Pick<GossipHandlers, 'Ping'> {
  return {
    Ping(call, callback) {
      callback(null, { nonce: call.request.nonce, nodeId: components.nodeId, heartbeat: components.heartbeat() });
    },
  };
}
