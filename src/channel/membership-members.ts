import type { MemberView } from '../membership/membership';
import { targetOf, type GossipTarget } from '../membership/transport';
import type { Clock } from '../util/clock';
import type { ChannelMembers, OriginFacts } from './transport';

/** The part of membership (Membership, or the node's NodeMembership) the channel reads. */
export interface MembershipSource {
  members(): readonly MemberView[];
  member(nodeId: string): MemberView | undefined;
}

/**
 * The channel's view of membership: peers are the alive server-mode members (recomputed at most
 * every `refreshMs`, since the channel asks on every flush and the table can hold thousands);
 * an origin is checked against its current record, in any state (a message from a member just
 * declared dead, or on the far side of a healed partition, still verifies).
 */
export function membershipMembers(source: MembershipSource, clock: Clock, refreshMs = 200): ChannelMembers {
  let peers: readonly GossipTarget[] = [];
  let refreshedAt = -Infinity;
  return {
    peers() {
      const now = clock.now();
      if (now - refreshedAt >= refreshMs) {
        refreshedAt = now;
        peers = source
          .members()
          .filter((m) => m.state === 'alive' && m.mode === 'server')
          .map((m) => targetOf(m.record));
      }
      return peers;
    },
    member(nodeId): OriginFacts | undefined {
      const m = source.member(nodeId);
      if (!m || m.record.left) return undefined;
      return { mode: m.mode, caCertPem: m.record.caCertPem, ...(m.record.previousCaCertPem ? { previousCaCertPem: m.record.previousCaCertPem } : {}) };
    },
  };
}
