import type { ClusterEventType } from './cluster-event';
import type { NewClusterEvent } from './event-journal';

/** The part of a membership event (membership/membership.ts) the journal keeps. */
export interface MemberChange {
  type: 'joined' | 'updated' | 'suspect' | 'alive' | 'dead' | 'left' | 'removed';
  nodeId: string;
  state: string;
  by?: string;
  record: { mode: string; addresses: readonly string[]; leaf: { notAfterMs: number } };
}

const TYPES: Record<MemberChange['type'], ClusterEventType> = {
  joined: 'member_joined',
  updated: 'member_updated',
  suspect: 'member_suspect',
  alive: 'member_alive',
  dead: 'member_dead',
  left: 'member_left',
  removed: 'member_removed',
};

export function memberEvent(change: MemberChange): NewClusterEvent {
  return {
    type: TYPES[change.type],
    nodeId: change.nodeId,
    state: change.type === 'removed' ? 'removed' : change.state,
    mode: change.record.mode,
    addresses: [...change.record.addresses],
    leafNotAfterMs: change.record.leaf.notAfterMs,
    ...(change.by ? { by: change.by } : {}),
  };
}
