import type { ClusterEvent } from '../events/cluster-event';
import type { TopicCount } from './topic-traffic';

/** One member as the live page draws it (the observing node itself included, `self: true`). */
export interface LiveMember {
  nodeId: string;
  state: string;
  mode: string;
  addresses: readonly string[];
  /** Latency group (1 = nearest) and its label, when the client pool has measured the member. */
  group?: number;
  groupLabelMs?: number;
  rttMs?: number;
  leafNotAfterMs?: number;
  /** Local time this node last heard the member's heartbeat advance (ms since the epoch). */
  lastHeardMs?: number;
  self?: boolean;
}

/** The whole picture at one moment; the page redraws from it and applies events in between. */
export interface LiveSnapshot {
  observer: string;
  cluster: string;
  atMs: number;
  members: LiveMember[];
  topics: TopicCount[];
}

/** What the metrics server's live view reads: a snapshot, and the event journal to follow. */
export interface LiveViewSource {
  snapshot(): LiveSnapshot;
  /** The backlog after `afterSeq`, then every new event; returns the unsubscribe. */
  follow(listener: (event: ClusterEvent) => void, afterSeq?: number): () => void;
}
