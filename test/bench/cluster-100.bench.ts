import type { SideResult } from './cluster-side';
import { runSide } from './side-process';
import { table } from './stats';

/*
 * cluster-100: 100 real g2g node processes on this machine (`local`
 * profile, one reusable ticket, joiners started 10 at a time), in a network namespace of their
 * own (side-process.ts) so the bytes they send can be counted. Measured with the procedure of
 * memberlist-compare (cluster-measure.ts), polling members once a second: time to full view at
 * every node, kill -9 seen dead by all, healthy nodes ever seen suspect or dead (at every poll;
 * and the nodes' own suspicion counters before the kill, when they expose them), the idle
 * cluster's total CPU (target < 1 core), per-node RSS, CPU and bytes.
 * Bounded: joiners are started for at most 4 min, and no more after a start fails twice (the
 * cluster is then smaller, and the result says so), the full view awaited 3 min, detection 2 min; the whole side is stopped after 15 min.
 * Every process is killed by pid when the side ends, failed or not.
 * G2G_BENCH_NODES overrides N (e.g. 30 to try the harness); G2G_BENCH_IDLE_S the idle window (20 s).
 */

export interface Cluster100Check {
  what: string;
  value: string;
  target: string;
  pass: boolean;
}

export interface Cluster100Result {
  requested: number;
  side: SideResult;
  bytesUnavailable?: string;
  checks: Cluster100Check[];
}

export async function runCluster100(log: (line: string) => void): Promise<Cluster100Result> {
  const requested = Number(process.env.G2G_BENCH_NODES ?? 100);
  const idleS = Number(process.env.G2G_BENCH_IDLE_S ?? 20);
  const measure = { fullViewTimeoutMs: 180_000, detectionTimeoutMs: 120_000, pollMs: 1000, settleMs: 5000, idleWindowMs: idleS * 1000, countBytes: true };
  const run = await runSide({ side: 'g2g', nodes: requested, batch: 10, startBudgetMs: 240_000, keepWhatStarted: true, measure }, (l) => log(`cluster-100: ${l}`), 15 * 60_000);
  const s = run.result;
  const done = (ms: number | null) => (ms === null ? 'not reached' : `${ms} ms`);
  const suspicions = s.falseSuspicions?.count ?? 0;
  return {
    requested,
    side: s,
    ...(run.bytesUnavailable ? { bytesUnavailable: run.bytesUnavailable } : {}),
    checks: [
      { what: 'nodes serving', value: `${s.nodes} of ${requested} (in ${s.allServingMs} ms)`, target: `${requested}`, pass: s.nodes === requested },
      { what: 'all serving → full view at every node', value: done(s.fullViewMs), target: 'reached', pass: s.fullViewMs !== null },
      { what: 'kill -9 → dead at every survivor', value: done(s.detectionMs), target: 'reached', pass: s.detectionMs !== null },
      {
        what: 'healthy nodes seen suspect or dead',
        value: `${suspicions} observations of ${s.falseSuspicions?.subjects ?? 0} nodes at polls; node counters: ${s.suspicionsBeforeKill ?? 'not exposed'}`,
        target: '0',
        pass: suspicions === 0 && (s.suspicionsBeforeKill ?? 0) === 0,
      },
      { what: 'idle cluster CPU, total', value: `${s.idle.cpuPercentPerNode.total} % of a core`, target: '< 100 %', pass: s.idle.cpuPercentPerNode.total < 100 },
    ],
  };
}

export function cluster100Table(r: Cluster100Result): string {
  const s = r.side;
  const rows: (string | number)[][] = [['', 'measured', 'target', 'result']];
  for (const c of r.checks) rows.push([c.what, c.value, c.target, c.pass ? 'PASS' : 'FAIL']);
  const first = s.falseSuspicions?.first;
  return [
    table(rows),
    `per node over a ${s.idle.windowS} s idle window: CPU mean ${s.idle.cpuPercentPerNode.mean} % (median ${s.idle.cpuPercentPerNode.median}, max ${s.idle.cpuPercentPerNode.max}), ` +
      `RSS median ${s.idle.rssMb.median} MB (max ${s.idle.rssMb.max}), bytes written per s ${s.idle.bytesPerNodePerS ?? 'n/a'} (IP bytes ${s.idle.ipBytesPerNodePerS ?? 'n/a'}), ` +
      `event-loop lag p99 ${s.idle.lagP99Ms ? `median ${s.idle.lagP99Ms.median} ms, max ${s.idle.lagP99Ms.max} ms` : 'n/a'}`,
    s.scrape ? `metrics scrape of one node at N = ${s.nodes}: ${s.scrape.bytes} bytes, ${s.scrape.samples} samples, median ${s.scrape.medianMs} ms, p95 ${s.scrape.p95Ms} ms (30 scrapes)` : '',
    first ? `first false suspicion: ${first.observer} saw ${first.subject} ${first.state} at ${first.atMs} ms` : '',
    r.bytesUnavailable ? `bytes not counted: ${r.bytesUnavailable}` : '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}
