/**
 * What a node tells operators happened (for observability): member changes as this node
 * saw them, its own leaf and CA rotations, and the joins it admitted or refused. The same shape
 * travels on Admin.WatchEvents, `g2g monitor --json`, the live page's event stream and in
 * recorded simulator runs (there `observer` and `round` say who saw it when).
 */
export type ClusterEventType =
  | 'member_joined'
  | 'member_updated'
  | 'member_suspect'
  | 'member_alive'
  | 'member_dead'
  | 'member_left'
  | 'member_removed'
  | 'leaf_rotated'
  | 'ca_rotation_started'
  | 'ca_rotation_switched'
  | 'ca_rotation_retired'
  | 'join_admitted'
  | 'join_refused';

export const CLUSTER_EVENT_TYPES: readonly ClusterEventType[] = [
  'member_joined',
  'member_updated',
  'member_suspect',
  'member_alive',
  'member_dead',
  'member_left',
  'member_removed',
  'leaf_rotated',
  'ca_rotation_started',
  'ca_rotation_switched',
  'ca_rotation_retired',
  'join_admitted',
  'join_refused',
];

export interface ClusterEvent {
  /** Position in this node's journal (1, 2, ...): a watcher resumes after the last it saw. */
  seq: number;
  /** When the node recorded it (ms since the epoch, the node's clock). */
  atMs: number;
  type: ClusterEventType;
  /** Whom it is about: the member, or this node for its own rotations. */
  nodeId: string;
  /** Who saw it: this node (in recorded simulations, the simulated node). */
  observer: string;
  /** The member's state after the change (member_* events). */
  state?: string;
  mode?: string;
  addresses?: readonly string[];
  /** For suspect/dead: who accused it first; for removed: who removed it. */
  by?: string;
  /** Leaf expiry the member's record (or our new leaf) carries (ms since the epoch). */
  leafNotAfterMs?: number;
  /** For join_refused: the refusal's error code. */
  code?: string;
  /** A few plain words more (e.g. the handshake: join or rejoin; a rotation's fingerprint). */
  detail?: string;
}

const WORDS: Record<ClusterEventType, string> = {
  member_joined: 'member joined',
  member_updated: 'member updated its record',
  member_suspect: 'member is suspect',
  member_alive: 'member is alive again',
  member_dead: 'member is dead',
  member_left: 'member left',
  member_removed: 'member removed',
  leaf_rotated: 'leaf certificate rotated',
  ca_rotation_started: 'node CA rotation started',
  ca_rotation_switched: 'node CA rotation: leaves now come from the new CA',
  ca_rotation_retired: 'node CA rotation finished: the previous CA is retired',
  join_admitted: 'join admitted',
  join_refused: 'join refused',
};

/** The event in plain words, as a log line or `g2g monitor` says it. */
export function describeEvent(event: Pick<ClusterEvent, 'type'>): string {
  return WORDS[event.type];
}

/** One line for a person: time, words, whom, and what else the event carries. */
export function formatEventLine(event: ClusterEvent): string {
  const parts = [new Date(event.atMs).toISOString(), describeEvent(event), event.nodeId];
  if (event.state) parts.push(`state=${event.state}`);
  if (event.by) parts.push(`by=${event.by}`);
  if (event.code) parts.push(`code=${event.code}`);
  if (event.addresses && event.addresses.length > 0) parts.push(`addresses=${event.addresses.join(',')}`);
  if (event.detail) parts.push(event.detail);
  return parts.join('  ');
}
