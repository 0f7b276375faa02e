import type { SideResult } from './cluster-side';
import { buildMemberlistNode, memberlistUnavailable } from './memberlist-cluster';
import { runSide } from './side-process';
import { round, table } from './stats';

/*
 * memberlist-compare: hashicorp/memberlist (Debian's package, DefaultLANConfig with gossip
 * 200 ms / probe 1 s) and g2g (`local` profile, 200 ms interval) at N = 16 in the same run, each
 * side alone in its own network namespace and one after the other (they would compete for the
 * cores otherwise). Same procedure for both (cluster-measure.ts): all serving → full view; idle
 * window (bytes, CPU, RSS; g2g's event-loop lag); kill -9 → every survivor lists it dead.
 * Targets: full view ≤ 1.0×, detection ≤ 1.0×, idle bytes ≤ 10×, idle CPU ≤ 10× memberlist's;
 * g2g RSS ≤ 100 MB and lag p99 ≤ 20 ms per node. Fails (non-zero exit) with the reason when Go or
 * memberlist cannot be built; missed targets are reported as FAIL, not an exit code.
 * G2G_BENCH_IDLE_S sets the idle window (default 30 s: memberlist's push-pull runs every 30 s,
 * so the window holds about one per node).
 */

const N = 16;

export interface CompareCheck {
  what: string;
  memberlist: number | null;
  g2g: number | null;
  /** g2g / memberlist, or g2g's figure against an absolute bound. */
  ratio: number | null;
  target: string;
  pass: boolean;
}

export interface MemberlistCompareResult {
  nodes: number;
  memberlistVersion: string;
  memberlist: SideResult;
  g2g: SideResult;
  bytesUnavailable?: string;
  checks: CompareCheck[];
}

export async function runMemberlistCompare(log: (line: string) => void): Promise<MemberlistCompareResult> {
  const unavailable = await memberlistUnavailable();
  if (unavailable) throw new Error(`memberlist-compare cannot run: ${unavailable}`);
  log('memberlist-compare: building the memberlist node (GOPATH mode, Debian packages)');
  const { binary, version } = await buildMemberlistNode();
  const idleS = Number(process.env.G2G_BENCH_IDLE_S ?? 30);
  const measure = { fullViewTimeoutMs: 60_000, detectionTimeoutMs: 60_000, pollMs: 50, settleMs: 5000, idleWindowMs: idleS * 1000, countBytes: true };
  // Bounded, with room for a busy machine: 16 g2g start-ups took over 3 min at load average 40.
  const sideTimeoutMs = 480_000 + idleS * 1000;
  // Five joiners at a time on both sides: fifteen g2g joins at once time out when the machine is busy.
  const ml = await runSide({ side: 'memberlist', nodes: N, batch: 5, binary, measure }, log, sideTimeoutMs);
  const g2g = await runSide({ side: 'g2g', nodes: N, batch: 5, measure }, log, sideTimeoutMs);
  const m = ml.result;
  const g = g2g.result;
  // A figure that is null was not measured, or (full view, detection) not reached in time: FAIL.
  const ratioCheck = (what: string, mv: number | null, gv: number | null, limit: number): CompareCheck => {
    const ratio = mv !== null && gv !== null && Number.isFinite(mv) && Number.isFinite(gv) && mv > 0 ? gv / mv : null;
    return { what, memberlist: mv, g2g: gv, ratio: ratio === null ? null : round(ratio, 2), target: `≤ ${limit.toFixed(1)}×`, pass: ratio !== null && ratio <= limit };
  };
  const boundCheck = (what: string, gv: number | null, limit: number, unit: string): CompareCheck => ({
    what,
    memberlist: null,
    g2g: gv,
    ratio: null,
    target: `≤ ${limit} ${unit}`,
    pass: gv !== null && Number.isFinite(gv) && gv <= limit,
  });
  return {
    nodes: N,
    memberlistVersion: version,
    memberlist: m,
    g2g: g,
    ...(ml.bytesUnavailable || g2g.bytesUnavailable ? { bytesUnavailable: ml.bytesUnavailable ?? g2g.bytesUnavailable } : {}),
    checks: [
      ratioCheck('all serving → full view (ms)', m.fullViewMs, g.fullViewMs, 1),
      ratioCheck('kill -9 → dead at every survivor (ms)', m.detectionMs, g.detectionMs, 1),
      ratioCheck('idle bytes written per node per s', m.idle.bytesPerNodePerS, g.idle.bytesPerNodePerS, 10),
      ratioCheck('idle CPU per node (% of a core, mean)', m.idle.cpuPercentPerNode.mean, g.idle.cpuPercentPerNode.mean, 10),
      boundCheck('RSS per node, max (MB)', g.idle.rssMb.max, 100, 'MB'),
      boundCheck('event-loop lag p99 per node, max (ms)', g.idle.lagP99Ms?.max ?? null, 20, 'ms'),
    ],
  };
}

export function memberlistCompareTable(r: MemberlistCompareResult): string {
  const fmt = (x: number | null) => (x === null ? 'n/a' : String(x));
  const rows: (string | number)[][] = [['', `memberlist ${r.memberlistVersion}`, 'g2g', 'g2g / memberlist', 'target', 'result']];
  for (const c of r.checks) rows.push([c.what, fmt(c.memberlist), fmt(c.g2g), c.ratio === null ? '-' : `${c.ratio}×`, c.target, c.pass ? 'PASS' : 'FAIL']);
  const side = (s: SideResult) =>
    `${s.side}: spawn → all serving ${s.allServingMs} ms; idle window ${s.idle.windowS} s: IP bytes per node per s ${fmt(s.idle.ipBytesPerNodePerS)}, ` +
    `CPU per node median ${s.idle.cpuPercentPerNode.median} % max ${s.idle.cpuPercentPerNode.max} % (cluster total ${s.idle.cpuPercentPerNode.total} %), RSS median ${s.idle.rssMb.median} MB max ${s.idle.rssMb.max} MB` +
    (s.idle.lagP99Ms ? `, lag p99 median ${s.idle.lagP99Ms.median} ms` : '') +
    (s.falseSuspicions ? `; healthy nodes seen suspect/dead: ${s.falseSuspicions.count} observations of ${s.falseSuspicions.subjects} nodes` : '') +
    (s.scrape ? `; metrics scrape of one node: ${s.scrape.bytes} bytes, ${s.scrape.samples} samples, median ${s.scrape.medianMs} ms, p95 ${s.scrape.p95Ms} ms` : '');
  return [
    `N = ${r.nodes}, loopback, each side alone in its own network namespace, one after the other`,
    table(rows),
    side(r.memberlist),
    side(r.g2g),
    r.bytesUnavailable ? `bytes not counted: ${r.bytesUnavailable}` : 'bytes: payload written to sockets (loopback IP bytes less IP/TCP/UDP headers), per node per second',
  ].join('\n');
}
