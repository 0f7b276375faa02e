import { Counter, type Registry } from 'prom-client';
import { GOSSIP_EVENTS, type GossipCountersView } from '../membership/gossip-counters';

/**
 * Gossip traffic and protocol decisions, mirrored from membership's GossipCounters at scrape
 * time: `g2g_gossip_messages_total{kind,direction}`, `g2g_gossip_bytes_total{kind,direction}`
 * and one counter per protocol event (`g2g_suspicions_total`, `g2g_refutations_total`, ...).
 * Empty until membership hands the node its counters.
 */
export function registerGossipMetrics(registry: Registry, view: () => GossipCountersView | undefined): void {
  // Both mirror monotonic counts kept by membership: reset, then set by increment.
  const mirror = (name: string, help: string, field: 'messages' | 'bytes'): void => {
    new Counter({
      name,
      help,
      labelNames: ['kind', 'direction'],
      registers: [registry],
      collect() {
        const snapshot = view()?.snapshot();
        if (!snapshot) return;
        this.reset();
        for (const m of snapshot.messages) this.inc({ kind: m.kind, direction: m.direction }, m[field]);
      },
    });
  };
  mirror('g2g_gossip_messages_total', 'Gossip messages by kind (exchange, ping, ping_via, ...) and direction (sent, received).', 'messages');
  mirror('g2g_gossip_bytes_total', 'Bytes of gossip messages (payload, not framing) by kind and direction.', 'bytes');
  for (const event of GOSSIP_EVENTS) {
    new Counter({
      name: `g2g_${event}_total`,
      help: `Membership protocol decisions taken by this node: ${event.replace(/_/g, ' ')}.`,
      registers: [registry],
      collect() {
        const snapshot = view()?.snapshot();
        if (!snapshot) return;
        this.reset();
        this.inc(snapshot.events[event] ?? 0);
      },
    });
  }
}
