import { Counter, Gauge, type Registry } from 'prom-client';

const PORTS = ['register', 'gossip', 'health'] as const;
type Port = (typeof PORTS)[number];

/** What one port's connection guard counted (the node's PortCounters has this shape). */
export interface PortCountersView {
  held: number;
  accepted: number;
  refusedPerSource: number;
  refusedPortLimit: number;
  refusedBudget: number;
  closedUnused: number;
  closedIdle: number;
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
export function registerPortMetrics(registry: Registry, view: () => Record<Port, PortCountersView> | undefined): void {
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
  type Row = [labels: Record<string, string>, value: number];
  // Counters mirroring monotonic counts kept by the guards: reset, then set by increment.
  const mirrored = (name: string, help: string, labelNames: string[], rows: (v: Record<Port, PortCountersView>, port: Port) => Row[]) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        const v = view();
        if (!v) return;
        this.reset();
        for (const port of PORTS) for (const [labels, value] of rows(v, port)) this.inc(labels, value);
      },
    });
  mirrored('g2g_port_connections_accepted_total', 'Incoming connections the port\'s guard admitted, by port.', ['port'], (v, port) => [[{ port }, v[port].accepted]]);
  mirrored(
    'g2g_port_connections_refused_total',
    'Incoming connections reset before TLS, by port and reason: per_source (the source IP held its limit), port_limit (the port held its share), budget (both ports held the descriptor budget).',
    ['port', 'reason'],
    (v, port) => [
      [{ port, reason: 'per_source' }, v[port].refusedPerSource],
      [{ port, reason: 'port_limit' }, v[port].refusedPortLimit],
      [{ port, reason: 'budget' }, v[port].refusedBudget],
    ],
  );
  mirrored(
    'g2g_port_connections_closed_total',
    'Connections the node closed itself, by port and reason: unused (no useful call in time), idle (no call in progress for the idle timeout and its grace, on the unauthenticated ports), lifetime (the hard age bound).',
    ['port', 'reason'],
    (v, port) => [
      [{ port, reason: 'unused' }, v[port].closedUnused],
      [{ port, reason: 'idle' }, v[port].closedIdle],
      [{ port, reason: 'lifetime' }, v[port].closedLifetime],
    ],
  );
  mirrored('g2g_health_watch_refused_total', 'Health.Watch streams refused because the port or the source held its limit, by port.', ['port'], (v, port) => [[{ port }, v[port].watchRefused]]);
}
