import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { MembersResponse__Output } from '../../src/proto/generated/g2g/v1/MembersResponse';
import { OperatorAdmins } from './operator-admins';
import { removeDir, reusableTicket, startNodeProcess, type NodeProcess } from './node-process';

/**
 * Many g2g node processes on one machine (`local` profile, loopback, OS-chosen ports): the first
 * starts a network and nominates one reusable ticket, the others join with it in batches (all at
 * once would queue a hundred start-ups on two cores and time them out). The cluster watches what
 * its members say about each other on every poll: a node that is not killed and is seen
 * suspect or dead by anyone is a false suspicion.
 */

export interface FalseSuspicion {
  observer: string;
  subject: string;
  state: string;
  /** Milliseconds since the cluster started. */
  atMs: number;
}

export interface ScaleClusterOptions {
  /** Joiners started at once. */
  batch?: number;
  /** Extra `g2g start` arguments for every node. */
  args?: string[];
  log?: (line: string) => void;
  /** Bound on each node's start (spawn → serving). */
  startTimeoutMs?: number;
  /**
   * No further batch is started after this long (from the first joiner's spawn): the cluster is
   * then smaller than asked (`cluster.nodes.length`), so that a machine that cannot start them
   * all still yields figures for the nodes it did start. Unbounded by default.
   */
  startBudgetMs?: number;
  /** When a start fails twice: false (default) stops everything and throws; true keeps the nodes that serve and starts no more. */
  keepWhatStarted?: boolean;
}

const ALIVE = 'MEMBER_STATE_ALIVE';
const DEAD = 'MEMBER_STATE_DEAD';

export class ScaleCluster {
  readonly falseSuspicions: FalseSuspicion[] = [];
  private readonly killed = new Set<string>();
  private readonly admins = new OperatorAdmins('scale-cluster');
  private readonly started = Date.now();

  private constructor(readonly nodes: NodeProcess[]) {}

  /**
   * Starts `n` nodes; on failure stops what it started and rethrows. `allServingMs` is the time
   * from spawning the first joiner until the last one serves.
   */
  static async start(n: number, options: ScaleClusterOptions = {}): Promise<{ cluster: ScaleCluster; allServingMs: number }> {
    const batch = options.batch ?? 10;
    const args = ['--metrics-port', '0', ...(options.args ?? [])];
    const log = options.log ?? (() => undefined);
    const startTimeoutMs = options.startTimeoutMs ?? 120_000;
    const nodes: NodeProcess[] = [];
    const cluster = new ScaleCluster(nodes);
    try {
      nodes.push(await startNodeProcess({ args, timeoutMs: startTimeoutMs }));
      const ticket = await reusableTicket(nodes[0]!.dataDir);
      const t = Date.now();
      while (nodes.length < n) {
        if (options.startBudgetMs !== undefined && Date.now() - t > options.startBudgetMs) {
          log(`scale-cluster: start budget of ${options.startBudgetMs} ms spent with ${nodes.length}/${n} serving; starting no more`);
          break;
        }
        const count = Math.min(batch, n - nodes.length);
        // allSettled: a failed start must not orphan its batch-mates that did start. Failed
        // starts (joins that timed out on a saturated machine) are retried once, together.
        const start = () => startNodeProcess({ args, env: { G2G_JOIN: ticket }, timeoutMs: startTimeoutMs });
        const settle = async (count: number): Promise<unknown[]> => {
          const results = await Promise.allSettled(Array.from({ length: count }, start));
          for (const r of results) if (r.status === 'fulfilled') nodes.push(r.value);
          return results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
        };
        let failures = await settle(count);
        if (failures.length > 0) {
          log(`scale-cluster: ${failures.length} start(s) failed, retrying once: ${firstLine(failures[0])}`);
          failures = await settle(failures.length);
        }
        if (failures.length > 0) {
          if (!options.keepWhatStarted) throw failures[0];
          log(`scale-cluster: ${failures.length} retried start(s) failed too (${firstLine(failures[0])}); starting no more, ${nodes.length}/${n} serving`);
          break;
        }
        log(`scale-cluster: ${nodes.length}/${n} serving after ${Date.now() - t} ms`);
      }
      return { cluster, allServingMs: Date.now() - t };
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  pids(): number[] {
    return this.nodes.map((n) => n.child.pid!);
  }

  /** Every live node's view, by node id (nodes that do not answer are absent). */
  async views(among: NodeProcess[] = this.live()): Promise<Map<string, MembersResponse__Output>> {
    const out = new Map<string, MembersResponse__Output>();
    await Promise.all(
      among.map(async (node) => {
        const view = await this.admins.members(node).catch(() => undefined);
        if (view) out.set(node.facts.nodeId, view);
      }),
    );
    this.watch(out);
    return out;
  }

  /** True when every live node answers and lists every other live node alive. */
  async fullView(): Promise<boolean> {
    const live = this.live();
    const ids = live.map((n) => n.facts.nodeId);
    const views = await this.views(live);
    if (views.size < live.length) return false;
    return [...views].every(([self, v]) => {
      const alive = new Set(v.members.filter((m) => m.state === ALIVE).map((m) => m.nodeId));
      return ids.every((id) => id === self || alive.has(id));
    });
  }

  /** True when every live node answers and lists `victim` dead (or has already removed it). */
  async seenDead(victim: NodeProcess): Promise<boolean> {
    const views = await this.views();
    if (views.size < this.live().length) return false;
    return [...views.values()].every((v) => {
      const m = v.members.find((x) => x.nodeId === victim.facts.nodeId);
      return m === undefined || m.state === DEAD;
    });
  }

  async kill(node: NodeProcess): Promise<void> {
    this.killed.add(node.facts.nodeId);
    await node.stop('SIGKILL');
  }

  /** Kills the last live node; returns a check that every survivor lists it dead. */
  async killLast(): Promise<() => Promise<boolean>> {
    const victim = this.live().at(-1)!;
    await this.kill(victim);
    return () => this.seenDead(victim);
  }

  live(): NodeProcess[] {
    return this.nodes.filter((n) => !this.killed.has(n.facts.nodeId));
  }

  /**
   * Each live node's event-loop lag p99 (ms) since the previous call, or undefined for a node
   * whose metrics lack it. prom-client's monitorEventLoopDelay histogram resets at each scrape
   * and records the time between its 10 ms samples, so the lag is that less 10 ms.
   */
  async lagP99Ms(): Promise<(number | undefined)[]> {
    return Promise.all(
      this.live().map(async (n) => {
        const text = await scrapeMetrics(n.facts.metricsPort).catch(() => '');
        const m = /^(?:g2g_)?nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(text);
        return m ? Math.max(0, Number(m[1]) * 1000 - LAG_SAMPLING_MS) : undefined;
      }),
    );
  }

  /**
   * Suspicions the live nodes have raised since they started, summed from their
   * `g2g_suspicions_total` metric (membership's gossip counters), or undefined while
   * no node exposes it. Unlike polling members, it misses no suspicion refuted between polls.
   */
  async suspicionsCounted(): Promise<number | undefined> {
    const counts = await Promise.all(
      this.live().map(async (n) => {
        const text = await scrapeMetrics(n.facts.metricsPort).catch(() => '');
        const values = [...text.matchAll(/^g2g_(?:gossip_)?suspicions_total(?:\{[^}]*\})? (\S+)$/gm)].map((m) => Number(m[1]));
        return values.length > 0 ? values.reduce((a, b) => a + b, 0) : undefined;
      }),
    );
    return counts.some((c) => c === undefined) ? undefined : counts.reduce<number>((a, b) => a + b!, 0);
  }

  /**
   * The first live node's `/metrics` scraped `times` times in a row: the size of one exposition
   * (bytes, samples) and the time of a scrape, fetch to last byte (median, p95), on a cluster of
   * this size.
   */
  async scrapeFigures(times = 30): Promise<ScrapeFigures> {
    const port = this.live()[0]!.facts.metricsPort;
    const ms: number[] = [];
    let text = '';
    for (let i = 0; i < times; i++) {
      const t = performance.now();
      text = await scrapeMetrics(port);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]! * 10) / 10;
    return { bytes: Buffer.byteLength(text), samples: text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length, medianMs: at(0.5), p95Ms: at(0.95) };
  }

  /** Kills every process by pid and removes its data dir (idempotent). */
  async stop(): Promise<void> {
    this.admins.close();
    await Promise.all(
      this.nodes.map(async (node) => {
        await node.stop('SIGKILL');
        await removeDir(node.dataDir);
      }),
    );
  }

  private watch(views: Map<string, MembersResponse__Output>): void {
    const atMs = Date.now() - this.started;
    for (const [observer, v] of views) {
      for (const m of v.members) {
        if (this.killed.has(m.nodeId) || m.state === ALIVE || m.state === 'MEMBER_STATE_LEFT') continue;
        if (!this.nodes.some((n) => n.facts.nodeId === m.nodeId)) continue;
        this.falseSuspicions.push({ observer, subject: m.nodeId, state: m.state, atMs });
      }
    }
  }
}

/** An error's message on one line, shortened (a failed start's message holds the node's stderr). */
function firstLine(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export interface ScrapeFigures {
  bytes: number;
  samples: number;
  medianMs: number;
  p95Ms: number;
}

/** prom-client's default eventLoopMonitoringPrecision. */
const LAG_SAMPLING_MS = 10;

export function scrapeMetrics(port: number | null): Promise<string> {
  if (port === null) return Promise.reject(new Error('no metrics port'));
  return new Promise((resolve, reject) => {
    const req = http.get(`http://127.0.0.1:${port}/metrics`, { timeout: 5000 }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('timeout', () => req.destroy(new Error('metrics scrape timed out')));
    req.on('error', reject);
  });
}

/** Polls `check` every `pollMs` until it holds; the elapsed ms, or NaN after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, pollMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return Number.NaN;
}
