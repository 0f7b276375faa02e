import { GOSSIP_EVENTS, type GossipCounterSnapshot, type GossipEvent } from '../membership/gossip-counters';

/** One RPC kind and direction, averaged over nodes and rounds. */
export interface GossipKindRate {
  kind: string;
  direction: 'sent' | 'received';
  messagesPerNodePerRound: number;
  bytesPerNodePerRound: number;
}

/**
 * What gossip cost in a window of a simulation, from the nodes' own GossipCounters (the same
 * counters the node's metrics read): messages and protobuf bytes sent per node per round, by
 * kind, and the protocol decisions taken meanwhile (totals over all nodes).
 */
export interface GossipRoundReport {
  nodes: number;
  rounds: number;
  messagesPerNodePerRound: number;
  bytesPerNodePerRound: number;
  byKind: GossipKindRate[];
  events: Record<GossipEvent, number>;
}

/** Sums snapshots of several nodes. */
export function sumSnapshots(snapshots: readonly GossipCounterSnapshot[]): GossipCounterSnapshot {
  const byKey = new Map<string, GossipCounterSnapshot['messages'][number]>();
  const events = Object.fromEntries(GOSSIP_EVENTS.map((e) => [e, 0])) as Record<GossipEvent, number>;
  for (const s of snapshots) {
    for (const m of s.messages) {
      const key = `${m.direction}:${m.kind}`;
      const sum = byKey.get(key) ?? { kind: m.kind, direction: m.direction, messages: 0, bytes: 0 };
      sum.messages += m.messages;
      sum.bytes += m.bytes;
      byKey.set(key, sum);
    }
    for (const e of GOSSIP_EVENTS) events[e] += s.events[e];
  }
  return { messages: [...byKey.values()], events };
}

/** The report of the window between two summed snapshots (`before` taken first). */
export function gossipReport(before: GossipCounterSnapshot, after: GossipCounterSnapshot, nodes: number, rounds: number): GossipRoundReport {
  const per = Math.max(1, nodes) * Math.max(1, rounds);
  const prior = new Map(before.messages.map((m) => [`${m.direction}:${m.kind}`, m]));
  const byKind: GossipKindRate[] = [];
  let messages = 0;
  let bytes = 0;
  for (const m of after.messages) {
    const b = prior.get(`${m.direction}:${m.kind}`);
    const dm = m.messages - (b?.messages ?? 0);
    const db = m.bytes - (b?.bytes ?? 0);
    byKind.push({ kind: m.kind, direction: m.direction, messagesPerNodePerRound: dm / per, bytesPerNodePerRound: db / per });
    if (m.direction === 'sent') {
      messages += dm;
      bytes += db;
    }
  }
  byKind.sort((a, b) => (a.kind === b.kind ? a.direction.localeCompare(b.direction) : a.kind.localeCompare(b.kind)));
  const events = Object.fromEntries(GOSSIP_EVENTS.map((e) => [e, after.events[e] - before.events[e]])) as Record<GossipEvent, number>;
  return { nodes, rounds, messagesPerNodePerRound: messages / per, bytesPerNodePerRound: bytes / per, byKind, events };
}
