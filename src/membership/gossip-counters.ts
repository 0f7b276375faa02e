/**
 * What gossip costs and what it decided, counted where it happens (membership, the gossip
 * transport) and read elsewhere: the node's Prometheus metrics (`g2g_gossip_*_total`) read a
 * snapshot at scrape time, and the simulator's per-round report reads the same snapshot.
 *
 * Counters only increase. Message kinds are the gossip RPCs' names in snake_case (`exchange`,
 * `ping`, `ping_via`, `push`, ...); a new kind needs no change here.
 */
export type GossipDirection = 'sent' | 'received';

/**
 * Protocol decisions, each counted once where it is taken: `exchanges` started, `probes` (direct
 * pings) and `probe_failures` (direct and indirect checks both failed), `suspicions` raised here,
 * `refutations` of claims about this node, `false_alive_refutations` (a peer this node held
 * suspect or dead came back with a newer version: the accusation was false), `deaths` declared
 * here or taken from a claim, `leaves` and `joins` of peers seen, `removals` applied.
 */
export type GossipEvent =
  | 'exchanges'
  | 'probes'
  | 'probe_failures'
  | 'suspicions'
  | 'refutations'
  | 'false_alive_refutations'
  | 'deaths'
  | 'leaves'
  | 'joins'
  | 'removals';

export const GOSSIP_EVENTS: readonly GossipEvent[] = ['exchanges', 'probes', 'probe_failures', 'suspicions', 'refutations', 'false_alive_refutations', 'deaths', 'leaves', 'joins', 'removals'];

export interface GossipMessageCount {
  kind: string;
  direction: GossipDirection;
  messages: number;
  bytes: number;
}

export interface GossipCounterSnapshot {
  messages: GossipMessageCount[];
  events: Record<GossipEvent, number>;
}

/** The read side: what metrics and reports depend on. */
export interface GossipCountersView {
  snapshot(): GossipCounterSnapshot;
}

export class GossipCounters implements GossipCountersView {
  private readonly byKind = new Map<string, GossipMessageCount>();
  private readonly events = Object.fromEntries(GOSSIP_EVENTS.map((e) => [e, 0])) as Record<GossipEvent, number>;

  /** One message of `kind` sent or received, `bytes` long on the wire (payload, not framing). */
  message(direction: GossipDirection, kind: string, bytes: number): void {
    const key = `${direction}:${kind}`;
    let entry = this.byKind.get(key);
    if (entry === undefined) {
      entry = { kind, direction, messages: 0, bytes: 0 };
      this.byKind.set(key, entry);
    }
    entry.messages += 1;
    entry.bytes += bytes;
  }

  event(event: GossipEvent, n = 1): void {
    this.events[event] += n;
  }

  snapshot(): GossipCounterSnapshot {
    return { messages: [...this.byKind.values()].map((m) => ({ ...m })), events: { ...this.events } };
  }
}
