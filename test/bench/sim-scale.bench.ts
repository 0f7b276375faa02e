import type { GossipCountersView } from '../../src/membership/gossip-counters';
import type { Membership } from '../../src/membership/membership';
import { SimCluster } from '../../src/testing/sim-cluster';
import { round, table } from './stats';

/*
 * sim-scale (membership's simulation targets, one table): at N = 1,000 and 10,000 (peer table bound
 * 64, no loss, one seed each) one cluster measures, after two settling rounds,
 *   cost: messages and bytes sent per node per round over 3 idle rounds, from the nodes' gossip
 *     counters (src/membership/gossip-counters.ts) when membership exposes them, else from the
 *     in-memory network's per-node sent counts;
 *   dissemination: 5 changes from random origins, rounds until every live node holds each;
 *   detection: a node crashed at the same moment, rounds until every node that held it lists it
 *     dead;
 * and N = 100 runs the pausing workload (10 % of the nodes paused 2 intervals at a time) for
 * false deaths. Targets: dissemination ≤ 4 rounds to all (today's figure at 10,000), detection
 * ≤ 19 rounds, bytes per node per round ≤ 1 KB with 10,000 / 1,000 ≤ 1.2, 0 false deaths.
 * Bounded: each N stops after 40 rounds or G2G_BENCH_SIM_BUDGET_S of wall time (default 480 s;
 * today's membership needs about a minute per round at 10,000 on a busy 2-core machine) and
 * reports what it reached. G2G_BENCH_PAUSE_INTERVALS sets the pausing run's length (300).
 */

const BOUND = 64;
const CHANGES = 5;
const MAX_ROUNDS = 40;
const TARGET = { disseminationRounds: 4, detectionRounds: 19, bytesPerNodePerRound: 1024, ratio: 1.2, falseDeaths: 0 };

export interface SimScaleRow {
  n: number;
  seed: number;
  buildS: number;
  bytesSource: 'gossip-counters' | 'memory-network';
  messagesPerNodePerRound: number;
  bytesPerNodePerRound: number;
  /** Rounds until every live node held the change, per change; null when not reached. */
  disseminationRounds: (number | null)[];
  /** Rounds until every node that held the crashed one listed it dead; null when not reached. */
  detectionRounds: number | null;
  roundsRun: number;
  /** True when the wall-time budget ended the run before everything was reached. */
  outOfBudget: boolean;
}

export interface SimScaleResult {
  rows: SimScaleRow[];
  bytesRatio: number | null;
  pausing: { n: number; intervals: number; pauses: number; suspicions: number; falseDeaths: number };
  checks: { what: string; value: string; target: string; pass: boolean }[];
}

/** The node's gossip counters when membership exposes them (membership's counters contract). */
function countersOf(membership: Membership): GossipCountersView | undefined {
  const m = membership as unknown as { gossipCounters?: GossipCountersView; counters?: Partial<GossipCountersView> };
  if (typeof m.gossipCounters?.snapshot === 'function') return m.gossipCounters;
  if (typeof m.counters?.snapshot === 'function') return m.counters as GossipCountersView;
  return undefined;
}

function sentTotals(c: SimCluster): { messages: number; bytes: number; source: SimScaleRow['bytesSource'] } {
  const counters = c.nodes.map((n) => countersOf(n.membership));
  if (counters.every((x) => x !== undefined)) {
    let messages = 0;
    let bytes = 0;
    for (const view of counters) for (const m of view!.snapshot().messages) if (m.direction === 'sent') ((messages += m.messages), (bytes += m.bytes));
    return { messages, bytes, source: 'gossip-counters' };
  }
  let messages = 0;
  let bytes = 0;
  for (const n of c.nodes) {
    const t = c.network.traffic(n.id);
    messages += t.messages;
    bytes += t.bytes;
  }
  return { messages, bytes, source: 'memory-network' };
}

async function runScale(n: number, seed: number, budgetMs: number, log: (line: string) => void): Promise<SimScaleRow> {
  const t0 = Date.now();
  const c = new SimCluster({ seed, latencyMs: [1, 10], loss: 0, membership: { maxPeers: BOUND, maxDigests: 64 } });
  for (let i = 0; i < n; i++) c.addNode();
  c.bootstrap(BOUND);
  const buildS = round((Date.now() - t0) / 1000, 1);
  await c.runIntervals(2);
  const before = sentTotals(c);
  const costRounds = 3;
  await c.runIntervals(costRounds);
  const after = sentTotals(c);
  log(`sim-scale: N=${n} built in ${buildS} s, cost measured after ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  const origins = new Set<number>();
  while (origins.size < CHANGES + 1) origins.add(c.random.int(n));
  const [victimIndex, ...changeOrigins] = [...origins];
  const victim = c.nodes[victimIndex!]!;
  const changes = changeOrigins.map((i) => {
    const node = c.nodes[i]!;
    const record = node.membership.updateLocal({ tags: [{ key: 'change', value: String(c.scheduler.now()) }] });
    return { id: node.id, version: record.version, rounds: null as number | null };
  });
  const holders = c.nodes.filter((x) => x !== victim && x.membership.stateOf(victim.id) !== undefined);
  c.crash(victim.id);
  let detectionRounds: number | null = null;
  let r = 0;
  const started = Date.now();
  while (r < MAX_ROUNDS && Date.now() - started < budgetMs) {
    await c.runIntervals(1);
    r++;
    for (const ch of changes) {
      if (ch.rounds !== null) continue;
      if (c.nodes.every((x) => x === victim || (x.membership.versionSeen(ch.id) ?? -1) >= ch.version)) ch.rounds = r;
    }
    if (detectionRounds === null && holders.every((h) => h.membership.stateOf(victim.id) !== 'alive' && h.membership.stateOf(victim.id) !== 'suspect')) detectionRounds = r;
    if (detectionRounds !== null && changes.every((ch) => ch.rounds !== null)) break;
  }
  const complete = detectionRounds !== null && changes.every((ch) => ch.rounds !== null);
  log(`sim-scale: N=${n}: ${r} rounds in ${((Date.now() - started) / 1000).toFixed(0)} s, dissemination ${changes.map((x) => x.rounds).join('/')}, detection ${detectionRounds}`);
  return {
    n,
    seed,
    buildS,
    bytesSource: after.source,
    messagesPerNodePerRound: round((after.messages - before.messages) / n / costRounds, 2),
    bytesPerNodePerRound: Math.round((after.bytes - before.bytes) / n / costRounds),
    disseminationRounds: changes.map((x) => x.rounds),
    detectionRounds,
    roundsRun: r,
    outOfBudget: !complete && r < MAX_ROUNDS,
  };
}

async function runPausingWorkload(intervals: number, log: (line: string) => void): Promise<SimScaleResult['pausing']> {
  const n = 100;
  const c = new SimCluster({ seed: 81, latencyMs: [1, 10], loss: 0 });
  for (let i = 0; i < n; i++) c.addNode();
  c.bootstrap();
  let suspicions = 0;
  let falseDeaths = 0;
  for (const node of c.nodes) {
    node.membership.onEvent((e) => {
      if (e.type === 'suspect') suspicions++;
      if (e.type === 'dead') falseDeaths++;
    });
  }
  const t = Date.now();
  const pauses = await c.runPausing(intervals);
  log(`sim-scale: pausing workload N=${n}, ${intervals} intervals in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return { n, intervals, pauses, suspicions, falseDeaths };
}

export async function runSimScale(log: (line: string) => void): Promise<SimScaleResult> {
  const budgetMs = Number(process.env.G2G_BENCH_SIM_BUDGET_S ?? 480) * 1000;
  const rows = [await runScale(1000, 101, budgetMs, log), await runScale(10_000, 102, budgetMs, log)];
  const pausing = await runPausingWorkload(Number(process.env.G2G_BENCH_PAUSE_INTERVALS ?? 300), log);
  const [small, large] = rows as [SimScaleRow, SimScaleRow];
  const bytesRatio = small.bytesPerNodePerRound > 0 ? round(large.bytesPerNodePerRound / small.bytesPerNodePerRound, 2) : null;
  const maxOf = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : Math.max(...(xs as number[])));
  const checks: SimScaleResult['checks'] = [];
  for (const row of rows) {
    const d = maxOf(row.disseminationRounds);
    const note = row.outOfBudget ? ` (budget spent after ${row.roundsRun} rounds)` : '';
    checks.push({ what: `N=${row.n}: rounds for a change to reach all (max of ${CHANGES})`, value: d === null ? `not reached${note}` : String(d), target: `≤ ${TARGET.disseminationRounds}`, pass: d !== null && d <= TARGET.disseminationRounds });
    checks.push({ what: `N=${row.n}: rounds for a crash to be dead at all holders`, value: row.detectionRounds === null ? `not reached${note}` : String(row.detectionRounds), target: `≤ ${TARGET.detectionRounds}`, pass: row.detectionRounds !== null && row.detectionRounds <= TARGET.detectionRounds });
    checks.push({ what: `N=${row.n}: bytes sent per node per round (${row.bytesSource})`, value: String(row.bytesPerNodePerRound), target: `≤ ${TARGET.bytesPerNodePerRound}`, pass: row.bytesPerNodePerRound <= TARGET.bytesPerNodePerRound });
  }
  checks.push({ what: 'bytes per node per round, 10,000 / 1,000', value: String(bytesRatio), target: `≤ ${TARGET.ratio}`, pass: bytesRatio !== null && bytesRatio <= TARGET.ratio });
  checks.push({ what: `false deaths, pausing workload (N=${pausing.n}, ${pausing.intervals} intervals)`, value: `${pausing.falseDeaths} (${pausing.suspicions} suspicions)`, target: '0', pass: pausing.falseDeaths === TARGET.falseDeaths });
  return { rows, bytesRatio, pausing, checks };
}

export function simScaleTable(r: SimScaleResult): string {
  const rows: (string | number)[][] = [['', 'measured', 'target', 'result']];
  for (const c of r.checks) rows.push([c.what, c.value, c.target, c.pass ? 'PASS' : 'FAIL']);
  const detail = r.rows.map((x) => `N=${x.n} (seed ${x.seed}, built in ${x.buildS} s): ${x.messagesPerNodePerRound} messages/node/round; dissemination per change ${x.disseminationRounds.map((d) => d ?? '-').join('/')}; ${x.roundsRun} rounds run`);
  return [table(rows), ...detail].join('\n');
}
