import { Counter, Gauge, type Registry } from 'prom-client';

const PORTS = ['register', 'gossip', 'health'] as const;

/** What one port's connection guard counted (the node's PortCounters has this shape). */
export interface PortCountersView {
  held: number;
  accepted: number;
  refusedPerSource: number;
  refusedPortLimit: number;
  refusedBudget: number;
  closedUnused: number;
  closedLifetime: number;
  watchRefused: number;
}

/**
 * The connection guards' view of the node's ports, read at scrape time: connections held now,
 * accepted, refused before TLS (by reason) and closed by the node (by reason), and Health.Watch
 * streams refused. A refusal is otherwise invisible to an operator — the client sees a reset — so
 * these are what tells a flood, a too-small per-source limit (many members behind one NAT address)
 * or a spent descriptor budget apart. Empty until the ports listen.
 */
export function registerPortMetrics(registry: Registry, view: () => Record<(typeof PORTS)[number], PortCountersView> | undefined): void {
  new Gauge({
    name: 'g2g_port_connections',
    help: 'Incoming connections the node holds now, by port (register, gossip, health).',
    labelNames: ['port'],
    registers: [registry],
    collect() {
      const v = view();
      if (v) for (const port of PORTS) this.set({ port }, v[port].held);
    },
  });
  // Counters mirroring monotonic counts kept by the guards: reset, then set by increment.
  new Counter({
    name: 'g2g_port_connections_accepted_total',
    help: 'Incoming connections the port\'s guard admitted, by port.',
    labelNames: ['port'],
    registers: [registry],
    collect() {
      const v = view();
      if (!v) return;
      this.reset();
      for (const port of PORTS) this.inc({ port }, v[port].accepted);
    },
  });
  new Counter({
    name: 'g2g_port_connections_refused_total',
    help: 'Incoming connections reset before TLS, by port and reason: per_source (the source IP held its limit), port_limit (the port held its share), budget (both ports held the descriptor budget).',
    labelNames: ['port', 'reason'],
    registers: [registry],
    collect() {
      const v = view();
      if (!v) return;
      this.reset();
      for (const port of PORTS) {
        this.inc({ port, reason: 'per_source' }, v[port].refusedPerSource);
        this.inc({ port, reason: 'port_limit' }, v[port].refusedPortLimit);
        this.inc({ port, reason: 'budget' }, v[port].refusedBudget);
      }
    },
  });
  new Counter({
    name: 'g2g_port_connections_closed_total',
    help: 'Connections the node closed itself, by port and reason: unused (no useful call in time), lifetime (the hard age bound).',
    labelNames: ['port', 'reason'],
    registers: [registry],
    collect() {
      const v = view();
      if (!v) return;
      this.reset();
      for (const port of PORTS) {
        this.inc({ port, reason: 'unused' }, v[port].closedUnused);
        this.inc({ port, reason: 'lifetime' }, v[port].closedLifetime);
      }
    },
  });
  new Counter({
    name: 'g2g_health_watch_refused_total',
    help: 'Health.Watch streams refused because the port or the source held its limit, by port.',
    labelNames: ['port'],
    registers: [registry],
    collect() {
      const v = view();
      if (!v) return;
      this.reset();
      for (const port of PORTS) this.inc({ port }, v[port].watchRefused);
    },
  });
}
