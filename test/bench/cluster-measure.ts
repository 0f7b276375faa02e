import { cpuSeconds, loopbackTraffic, payloadBytes, rssMb } from '../helpers/proc-stat';
import { waitUntil } from '../helpers/scale-cluster';
import { median, round } from './stats';

/**
 * One measurement procedure for a cluster of real processes, whatever runs in them (g2g nodes,
 * memberlist nodes), so both sides of a comparison are measured the same way:
 *   all serving → every node lists every other alive (full view);
 *   a settle, then an idle window: CPU (utime + stime) and RSS per process, and the bytes sent
 *     over this network namespace's loopback, divided by the nodes (run each side in its own
 *     namespace: the counter is per namespace, and nothing else may talk in it meanwhile);
 *   kill -9 of the last node → every survivor lists it dead (detection).
 * Nothing is polled during the idle window: a poll is traffic and CPU of its own.
 */
export interface MeasuredCluster {
  pids(): number[];
  fullView(): Promise<boolean>;
  /** Kills the last node (SIGKILL); returns a check that every survivor lists it dead. */
  killLast(): Promise<() => Promise<boolean>>;
  /** Per live node, event-loop lag p99 (ms) since the previous call; absent when not measurable. */
  lagP99Ms?(): Promise<(number | undefined)[]>;
  /** Suspicions raised by all nodes since they started (their own counters); undefined when not exposed. */
  suspicionsCounted?(): Promise<number | undefined>;
  /** One node's metrics exposition: size and scrape time at this cluster size; absent when there is none. */
  scrapeFigures?(): Promise<{ bytes: number; samples: number; medianMs: number; p95Ms: number }>;
}

export interface MeasureOptions {
  fullViewTimeoutMs: number;
  detectionTimeoutMs: number;
  pollMs: number;
  settleMs: number;
  idleWindowMs: number;
  /** False when this process is not alone in its network namespace: bytes are then not reported. */
  countBytes: boolean;
  log: (line: string) => void;
}

export interface IdleFigures {
  windowS: number;
  /** Payload bytes (what the processes wrote to their sockets, TLS included) per node per second; null when not counted. */
  bytesPerNodePerS: number | null;
  /** IP bytes on loopback (payload + IP/TCP/UDP headers, pure ACKs included) per node per second. */
  ipBytesPerNodePerS: number | null;
  /**
   * One core = 100 %. utime + stime count 10 ms ticks, so a nearly idle process reads 0 or 1 tick
   * in a window: `mean` (total / nodes) is the precise figure, the median a coarse one.
   */
  cpuPercentPerNode: { mean: number; median: number; max: number; total: number };
  rssMb: { median: number; max: number };
  /** null when the nodes do not expose it. */
  lagP99Ms: { median: number; max: number } | null;
}

export interface ClusterFigures {
  nodes: number;
  /** null when the full view was not reached within its timeout (null, not NaN: results travel as JSON). */
  fullViewMs: number | null;
  idle: IdleFigures;
  /** null when not every survivor listed the victim dead within the timeout. */
  detectionMs: number | null;
  /** Suspicions the nodes counted before the kill (all of them false ones); null when not exposed. */
  suspicionsBeforeKill: number | null;
  /** Metrics scrape of one node after the idle window (30 scrapes); null when the nodes have no metrics. */
  scrape: { bytes: number; samples: number; medianMs: number; p95Ms: number } | null;
}

export async function measureCluster(cluster: MeasuredCluster, o: MeasureOptions): Promise<ClusterFigures> {
  const pids = cluster.pids();
  const fullViewMs = reached(await waitUntil(() => cluster.fullView(), o.fullViewTimeoutMs, o.pollMs));
  o.log(`full view: ${fullViewMs === null ? `NOT reached in ${o.fullViewTimeoutMs} ms` : `${fullViewMs} ms`}`);
  await sleep(o.settleMs);
  const idle = await measureIdle(cluster, pids, o);
  o.log(`idle: ${JSON.stringify(idle)}`);
  const suspicionsBeforeKill = (await cluster.suspicionsCounted?.()) ?? null;
  const scrape = (await cluster.scrapeFigures?.()) ?? null;
  if (scrape) o.log(`metrics scrape: ${JSON.stringify(scrape)}`);
  const seenDead = await cluster.killLast();
  const detectionMs = reached(await waitUntil(seenDead, o.detectionTimeoutMs, o.pollMs));
  o.log(`kill -9 seen dead by all: ${detectionMs === null ? `NOT within ${o.detectionTimeoutMs} ms` : `${detectionMs} ms`}`);
  return { nodes: pids.length, fullViewMs, idle, detectionMs, suspicionsBeforeKill, scrape };
}

async function measureIdle(cluster: MeasuredCluster, pids: number[], o: MeasureOptions): Promise<IdleFigures> {
  // The lag histogram resets at each scrape: this one discards everything before the window.
  await cluster.lagP99Ms?.();
  const cpu0 = await Promise.all(pids.map(cpuSeconds));
  const net0 = o.countBytes ? await loopbackTraffic() : undefined;
  const t0 = process.hrtime.bigint();
  await sleep(o.idleWindowMs);
  const net1 = o.countBytes ? await loopbackTraffic() : undefined;
  const cpu1 = await Promise.all(pids.map(cpuSeconds));
  const windowS = Number(process.hrtime.bigint() - t0) / 1e9;
  const lags = ((await cluster.lagP99Ms?.()) ?? []).filter((x): x is number => x !== undefined);
  const rss = await Promise.all(pids.map(rssMb));
  const cpu = cpu1.map((c, i) => ((c - cpu0[i]!) / windowS) * 100);
  const perNodePerS = (bytes: number) => Math.round(bytes / pids.length / windowS);
  return {
    windowS: round(windowS, 1),
    bytesPerNodePerS: net0 && net1 ? perNodePerS(payloadBytes(net0, net1)) : null,
    ipBytesPerNodePerS: net0 && net1 ? perNodePerS(net1.ipBytes - net0.ipBytes) : null,
    cpuPercentPerNode: { mean: round(cpu.reduce((a, b) => a + b, 0) / cpu.length, 3), median: round(median(cpu), 3), max: round(Math.max(...cpu), 3), total: round(cpu.reduce((a, b) => a + b, 0), 1) },
    rssMb: { median: round(median(rss), 1), max: round(Math.max(...rss), 1) },
    lagP99Ms: lags.length === pids.length ? { median: round(median(lags), 2), max: round(Math.max(...lags), 2) } : null,
  };
}

function reached(ms: number): number | null {
  return Number.isNaN(ms) ? null : ms;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
