import { Gauge, type Registry } from 'prom-client';

/** Every state a member can be in, so a dashboard sees zeros rather than absent series. */
export const MEMBER_STATES = ['alive', 'suspect', 'dead', 'left'] as const;

/** What the cluster metrics read at scrape time; each is optional until the node has it. */
export interface ClusterMetricSources {
  identity: { version: string; nodeId: string; cluster: string };
  /** Every peer in the table (not this node), with its state. */
  members(): readonly { state: string }[];
  /** Expiry of the node CA (ms since the epoch). */
  caNotAfterMs(): number;
  /** Join tokens this node holds (inactive ones included). */
  tokens(): readonly { mode: string; status: string }[];
  plugins(): readonly { name: string; state: string }[];
  /** Latency groups of the client pool; undefined before the pool runs. */
  latencyGroups(): number | undefined;
}

const PLUGIN_STATES = ['disabled', 'invalid', 'loaded', 'registered', 'starting', 'running', 'failed', 'stopping', 'stopped'];

/**
 * Gauges read from the running node at scrape time: cluster size by member state, build info,
 * CA expiry, tokens, plugins, latency groups. Nothing here is updated on the hot path.
 */
export function registerClusterMetrics(registry: Registry, sources: () => Partial<ClusterMetricSources>, now: () => number): void {
  new Gauge({
    name: 'g2g_build_info',
    help: 'Always 1; labels say which g2g version runs as which node in which cluster (join on node_id).',
    labelNames: ['version', 'node_id', 'cluster'],
    registers: [registry],
    collect() {
      const id = sources().identity;
      this.reset();
      if (id) this.set({ version: id.version, node_id: id.nodeId, cluster: id.cluster }, 1);
    },
  });
  new Gauge({
    name: 'g2g_members',
    help: 'Peers in this node\'s table by state (alive, suspect, dead, left); this node itself is not counted.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const members = sources().members?.();
      if (!members) return;
      const counts = new Map<string, number>(MEMBER_STATES.map((s) => [s, 0]));
      for (const m of members) counts.set(m.state, (counts.get(m.state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'g2g_peer_table_size',
    help: 'Entries in this node\'s peer table, whatever their state (bounded by maxPeers).',
    registers: [registry],
    collect() {
      const members = sources().members?.();
      if (members) this.set(members.length);
    },
  });
  new Gauge({
    name: 'g2g_ca_expiry_seconds',
    help: 'Seconds until the node CA certificate expires (it rotates itself well before).',
    registers: [registry],
    collect() {
      const notAfter = sources().caNotAfterMs?.();
      if (notAfter !== undefined) this.set((notAfter - now()) / 1000);
    },
  });
  new Gauge({
    name: 'g2g_tokens',
    help: 'Join tokens this node holds, by mode (server, client) and status (active, expired, revoked, used).',
    labelNames: ['mode', 'status'],
    registers: [registry],
    collect() {
      const tokens = sources().tokens?.();
      if (!tokens) return;
      this.reset();
      const counts = new Map<string, { mode: string; status: string; n: number }>();
      for (const t of tokens) {
        const key = `${t.mode}/${t.status}`;
        const entry = counts.get(key) ?? { mode: t.mode, status: t.status, n: 0 };
        entry.n++;
        counts.set(key, entry);
      }
      for (const mode of ['server', 'client']) this.set({ mode, status: 'active' }, 0);
      for (const { mode, status, n } of counts.values()) this.set({ mode, status }, n);
    },
  });
  new Gauge({
    name: 'g2g_plugin_state',
    help: 'One series per plugin and state, 1 for the state the plugin is in and 0 for the others (a Prometheus state set).',
    labelNames: ['plugin', 'state'],
    registers: [registry],
    collect() {
      const plugins = sources().plugins?.();
      if (!plugins) return;
      this.reset();
      for (const p of plugins) for (const state of PLUGIN_STATES) this.set({ plugin: p.name, state }, p.state === state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'g2g_latency_groups',
    help: 'Latency groups the client pool cut its peers into.',
    registers: [registry],
    collect() {
      const groups = sources().latencyGroups?.();
      if (groups !== undefined) this.set(groups);
    },
  });
}
