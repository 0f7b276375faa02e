import { adminHandlers } from '../admin/admin-service';
import type { WatchEventsService } from '../admin/watch-events';
import type { CaRotationResult } from '../identity/ca-rotator';
import type { NodeCa } from '../identity/node-ca';
import type { Logger } from '../log/logger';
import type { Channel } from '../channel/channel';
import { channelHandlers } from '../channel/channel-service';
import { gossipHandlers, type KnownMembers } from '../gossip/gossip-service';
import type { PluginInfo } from '../plugins/plugin-host';
import type { PeerPool } from '../pool/peer-pool';
import { g2gProto, SERVICE_NAMES } from '../proto/protos';
import type { LeafInfo__Output as LeafInfo } from '../proto/generated/g2g/v1/LeafInfo';
import type { StatusResponse } from '../proto/generated/g2g/v1/StatusResponse';
import { TokenAdminDeniedError, tokenAdminHandlers } from '../tokens/token-admin-service';
import type { TokenStore } from '../tokens/token-store';
import { tokenSyncHandlers } from '../tokens/token-sync';
import type { Clock } from '../util/clock';
import type { NodeMembership } from './node-membership';
import type { ServiceEntry } from './node-servers';
import { sendRemovalNotice, type RemovalNotice } from './removal-notice';

/** What the node's own services on the gossip port read and call. */
export interface GossipPortServicesComponents {
  cluster: string;
  nodeCa(): NodeCa;
  network: NodeMembership;
  channel: Channel;
  tokens: TokenStore;
  watches: WatchEventsService;
  status(): Omit<StatusResponse, 'caller'>;
  rotate(reason: string): Promise<{ previous: LeafInfo; current: LeafInfo }>;
  rotateCa(reason: string): Promise<CaRotationResult>;
  pool(): PeerPool | undefined;
  plugins(): PluginInfo[];
  /** A member told us it removed us. */
  removed(notice: RemovalNotice): void;
  /** Where a ticket this node issues points: our addresses at the register port. */
  registerAddresses(): Array<{ host: string; port: number }>;
  clock: Clock;
  /** The node's logger (admin logs as the node). */
  nodeLog: Logger;
  /** The root logger, for each service's component child. */
  log: Logger;
}

/** The node's services on the gossip port: Gossip, Channel, TokenSync and Admin (with WatchEvents and token admin). */
export function gossipPortServices(c: GossipPortServicesComponents): ServiceEntry[] {
  const proto = g2gProto();
  const { network } = c;
  const now = () => c.clock.now();
  const nodeId = c.nodeCa().nodeId;
  return [
    { name: SERVICE_NAMES.gossip, definition: proto.g2g.v1.Gossip.service, handlers: gossipHandlers({ handler: network.handler, members: knownMembers(network), log: c.log.child({ component: 'gossip' }), now }) },
    {
      name: SERVICE_NAMES.channel,
      definition: proto.g2g.v1.Channel.service,
      handlers: channelHandlers({ handler: c.channel, log: c.log.child({ component: 'channel' }), now }),
    },
    {
      name: SERVICE_NAMES.tokenSync,
      definition: proto.g2g.v1.TokenSync.service,
      handlers: tokenSyncHandlers({ tokens: c.tokens, modeOf: (id) => network.modeOf(id), log: c.log.child({ component: 'token-sync' }), now }),
    },
    {
      name: SERVICE_NAMES.admin,
      definition: proto.g2g.v1.Admin.service,
      handlers: {
        ...adminHandlers({
          status: () => c.status(),
          rotate: (reason) => c.rotate(reason),
          rotateCa: (reason) => c.rotateCa(reason),
          members: () => ({ self: network.localRecord(), peers: network.members() }),
          verifiedLeaf: (id) => network.peerClients.verifiedLeaf(id),
          pool: () => c.pool()?.describe(),
          plugins: () => c.plugins(),
          // Itself too: removing itself is refused by membership with its own reason.
          knows: (id) => id === nodeId || network.member(id) !== undefined,
          remove: (id, reason, caller) => {
            // A server-mode member tells us it removed us (see removal-notice.ts).
            if (id === nodeId && caller?.kind === 'member') {
              c.removed({ by: caller.nodeId, atMs: c.clock.now(), reason });
              return { nodeId: id, removedBy: caller.nodeId, issuedAtUnixMs: c.clock.now(), wasKnown: true };
            }
            // The notice goes out first, on the channel the removal is about to close.
            const channel = id === nodeId ? undefined : network.peerChannel(id);
            if (channel) void sendRemovalNotice(channel, id, reason);
            const { removal, wasKnown } = network.remove(id);
            return { nodeId: id, removedBy: nodeId, issuedAtUnixMs: removal.issuedAtMs, wasKnown };
          },
          // Removal is for people and server-mode members; applications (client mode) may not.
          authorizeRemoval: (caller) =>
            caller?.kind === 'member' && network.modeOf(caller.nodeId) !== 'server' ? `member ${caller.nodeId} is not a server-mode member and may not remove members` : undefined,
          log: c.nodeLog,
        }),
        ...c.watches.handlers,
        ...tokenAdminHandlers({
          tokens: c.tokens,
          ticketFacts: () => ({ addresses: c.registerAddresses(), caFingerprint: c.nodeCa().fingerprint, cluster: c.cluster }),
          // Applications (client-mode members) must not mint tokens; people and servers may.
          authorize: (caller) =>
            caller?.kind === 'member' && network.modeOf(caller.nodeId) === 'client' ? new TokenAdminDeniedError(`client-mode member ${caller.nodeId} may not manage tokens`) : undefined,
          clock: c.clock,
          log: c.log.child({ component: 'token-admin' }),
        }),
      },
    },
  ];
}

/** PingVia's targets: members this node holds (a member that left is no longer pinged). */
function knownMembers(network: NodeMembership): KnownMembers {
  return {
    targetOf(nodeId) {
      const member = network.member(nodeId);
      if (!member || member.state === 'left') return undefined;
      return { nodeId, addresses: member.record.addresses, gossipPort: member.record.gossipPort };
    },
  };
}
