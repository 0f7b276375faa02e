import * as grpc from '@grpc/grpc-js';
import { g2gProto } from '../proto/protos';

/** That this node was removed from the network, by whom and when (the remover's clock). */
export interface RemovalNotice {
  readonly by: string;
  readonly atMs: number;
  readonly reason: string;
}

/** How long the remover waits for the removed node to take the notice (best effort). */
const NOTICE_TIMEOUT_MS = 3000;

/**
 * Tells a member we are removing that it is removed, on our pooled channel to it, before the
 * removal cuts that channel: once applied, every member's gossip port refuses it, so the signed
 * removal that gossip spreads would never reach it, and it would go on looking healthy while it
 * held everyone dead. The call is Admin.Remove naming the member itself; a node takes
 * that from a server-mode member (as trusted as the removal: any such member may remove it).
 * Best effort: a member that is down learns it at its next start, from the refusals.
 */
export function sendRemovalNotice(channel: grpc.ChannelInterface, nodeId: string, reason: string): Promise<void> {
  const proto = g2gProto();
  const client = new proto.g2g.v1.Admin(channel.getTarget(), grpc.credentials.createInsecure(), { channelOverride: channel });
  return new Promise((resolve) => {
    client.Remove({ nodeId, reason }, { deadline: Date.now() + NOTICE_TIMEOUT_MS }, () => resolve());
  });
}
