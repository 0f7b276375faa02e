import type { MembershipOptions } from '../../src/membership/options';
import { recordIfAsked } from './bench-recording';
import { SimCluster } from '../../src/testing/sim-cluster';
import { round, summarize, table, type Summary } from './stats';

/*
 * Membership in simulation (the same Membership class, on the in-memory network):
 *   sim-dissemination  rounds for a change to reach 50/99/100 % of N = 1,000 and 10,000 nodes,
 *                      peer table bound 64 and unbounded, 0 % and 10 % message loss; and the cost
 *                      per node per round (messages, bytes) with the table bounds and connectivity.
 *   sim-failure        rounds until every node holding a crashed peer declares it dead, versus N;
 *                      false deaths under the pausing workload (10 % of nodes paused for 2
 *                      intervals at a time).
 * A round is one gossip interval. Several changes are launched at once from distinct random
 * origins and tracked separately (trials); each (N, bound, loss) runs on one or more seeds.
 * Unbounded tables at N = 10,000 are not run: 10^8 peer entries do not fit one process.
 */

const LATENCY: [number, number] = [1, 10];

interface Config {
  n: number;
  bound: number;
  loss: number;
  seeds: number[];
  changesPerSeed: number;
}

export interface DisseminationRow {
  n: number;
  bound: number | 'none';
  loss: number;
  trials: number;
  seeds: number[];
  rounds50: Summary;
  rounds99: Summary;
  rounds100: Summary;
  /** Trials that had not reached everyone when the run stopped. */
  incomplete: number;
  target: number;
  met: boolean;
}

export interface CostRow {
  n: number;
  bound: number | 'none';
  messagesPerNodePerRound: number;
  bytesPerNodePerRound: number;
  maxTable: number;
  withinBound: boolean;
  connected: boolean;
  estimatedN: number;
}

export interface DisseminationResult {
  dissemination: DisseminationRow[];
  cost: CostRow[];
  costRatio: { messages: number; bytes: number; target: number; met: boolean } | null;
}

function options(bound: number): Partial<MembershipOptions> {
  return { maxPeers: bound, maxDigests: 64 };
}

async function build(n: number, bound: number, loss: number, seed: number): Promise<SimCluster> {
  const c = new SimCluster({ seed, latencyMs: LATENCY, loss, membership: options(bound) });
  for (let i = 0; i < n; i++) c.addNode();
  c.bootstrap(Number.isFinite(bound) ? bound : undefined);
  recordIfAsked(c, `sim-membership-n${n}`, seed);
  return c;
}

/** True when every node reaches every other through the peer tables (alive entries), both ways. */
function stronglyConnected(c: SimCluster): boolean {
  const ids = c.nodes.map((n) => n.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const out: number[][] = ids.map(() => []);
  const inn: number[][] = ids.map(() => []);
  c.nodes.forEach((node, i) => {
    for (const m of node.membership.members()) {
      const j = index.get(m.nodeId);
      if (j === undefined || m.state !== 'alive') continue;
      out[i]!.push(j);
      inn[j]!.push(i);
    }
  });
  const reach = (adj: number[][]): number => {
    const seen = new Uint8Array(ids.length);
    const stack = [0];
    seen[0] = 1;
    let count = 1;
    while (stack.length > 0) {
      for (const j of adj[stack.pop()!]!) {
        if (!seen[j]) {
          seen[j] = 1;
          count++;
          stack.push(j);
        }
      }
    }
    return count;
  };
  return reach(out) === ids.length && reach(inn) === ids.length;
}

async function measureCost(c: SimCluster, n: number, bound: number, rounds: number): Promise<CostRow> {
  c.network.resetTraffic();
  await c.runIntervals(rounds);
  let messages = 0;
  let bytes = 0;
  for (const node of c.nodes) {
    const t = c.network.traffic(node.id);
    messages += t.messages;
    bytes += t.bytes;
  }
  const maxTable = Math.max(...c.nodes.map((x) => x.membership.peerCount));
  return {
    n,
    bound: Number.isFinite(bound) ? bound : 'none',
    messagesPerNodePerRound: round(messages / n / rounds, 2),
    bytesPerNodePerRound: Math.round(bytes / n / rounds),
    maxTable,
    withinBound: maxTable <= bound,
    connected: stronglyConnected(c),
    estimatedN: c.nodes[0]!.membership.networkSize(),
  };
}

/** Launches `k` changes from distinct random origins at once; returns, per change, the rounds to 50/99/100 %. */
async function disseminate(c: SimCluster, k: number, maxRounds: number): Promise<{ r50: number; r99: number; r100: number }[]> {
  const n = c.nodes.length;
  const origins = new Set<number>();
  while (origins.size < k) origins.add(c.random.int(n));
  const changes = [...origins].map((i) => {
    const node = c.nodes[i]!;
    const record = node.membership.updateLocal({ tags: [{ key: 'change', value: String(c.scheduler.now()) }] });
    return { id: node.id, version: record.version, r50: -1, r99: -1, r100: -1 };
  });
  for (let r = 1; r <= maxRounds; r++) {
    await c.runIntervals(1);
    let pending = false;
    for (const ch of changes) {
      if (ch.r100 > 0) continue;
      let reached = 0;
      for (const node of c.nodes) if ((node.membership.versionSeen(ch.id) ?? -1) >= ch.version) reached++;
      if (ch.r50 < 0 && reached >= 0.5 * n) ch.r50 = r;
      if (ch.r99 < 0 && reached >= 0.99 * n) ch.r99 = r;
      if (reached === n) ch.r100 = r;
      else pending = true;
    }
    if (!pending) break;
  }
  return changes;
}

export async function runSimDissemination(log: (line: string) => void): Promise<DisseminationResult> {
  const configs: Config[] = [];
  for (const loss of [0, 0.1]) {
    configs.push({ n: 1000, bound: 64, loss, seeds: [11, 12, 13, 14], changesPerSeed: 5 });
    configs.push({ n: 1000, bound: Number.POSITIVE_INFINITY, loss, seeds: [21, 22, 23, 24], changesPerSeed: 5 });
    configs.push({ n: 10_000, bound: 64, loss, seeds: [31], changesPerSeed: 10 });
  }
  const dissemination: DisseminationRow[] = [];
  const cost: CostRow[] = [];
  for (const cfg of configs) {
    const target = Math.ceil(Math.log2(cfg.n)) + (cfg.loss > 0 ? 4 : 0);
    const trials: { r50: number; r99: number; r100: number }[] = [];
    for (const seed of cfg.seeds) {
      const t = Date.now();
      const c = await build(cfg.n, cfg.bound, cfg.loss, seed);
      // Two rounds to settle past the bootstrap, then (without loss, first seed) three rounds of cost.
      await c.runIntervals(2);
      if (cfg.loss === 0 && seed === cfg.seeds[0]) cost.push(await measureCost(c, cfg.n, cfg.bound, 3));
      trials.push(...(await disseminate(c, cfg.changesPerSeed, target + 10)));
      log(`sim-dissemination: N=${cfg.n} bound=${cfg.bound} loss=${cfg.loss} seed=${seed} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    const done = trials.filter((x) => x.r100 > 0);
    const r100 = summarize(done.map((x) => x.r100));
    dissemination.push({
      n: cfg.n,
      bound: Number.isFinite(cfg.bound) ? cfg.bound : 'none',
      loss: cfg.loss,
      trials: trials.length,
      seeds: cfg.seeds,
      rounds50: summarize(trials.map((x) => x.r50)),
      rounds99: summarize(trials.map((x) => x.r99)),
      rounds100: r100,
      incomplete: trials.length - done.length,
      target,
      met: done.length === trials.length && r100.max <= target,
    });
  }
  const small = cost.find((x) => x.n === 1000 && x.bound === 64);
  const large = cost.find((x) => x.n === 10_000 && x.bound === 64);
  const costRatio =
    small && large
      ? {
          messages: round(large.messagesPerNodePerRound / small.messagesPerNodePerRound, 3),
          bytes: round(large.bytesPerNodePerRound / small.bytesPerNodePerRound, 3),
          target: 1.2,
          met: large.messagesPerNodePerRound / small.messagesPerNodePerRound <= 1.2 && large.bytesPerNodePerRound / small.bytesPerNodePerRound <= 1.2,
        }
      : null;
  return { dissemination, cost, costRatio };
}

export function simDisseminationTable(r: DisseminationResult): string {
  const fmt = (s: Summary) => `${s.median}/${s.p95}/${s.max}`;
  const rows: (string | number)[][] = [['N', 'bound', 'loss', 'trials', '50 % (med/p95/max)', '99 %', '100 %', 'incomplete', 'target', 'met']];
  for (const x of r.dissemination) rows.push([x.n, String(x.bound), `${x.loss * 100} %`, x.trials, fmt(x.rounds50), fmt(x.rounds99), fmt(x.rounds100), x.incomplete, `≤ ${x.target}`, x.met ? 'yes' : 'NO']);
  const costRows: (string | number)[][] = [['N', 'bound', 'msgs/node/round', 'bytes/node/round', 'max table', 'within bound', 'connected', 'N estimate (node 0)']];
  for (const x of r.cost) costRows.push([x.n, String(x.bound), x.messagesPerNodePerRound, x.bytesPerNodePerRound, x.maxTable, x.withinBound ? 'yes' : 'NO', x.connected ? 'yes' : 'NO', x.estimatedN]);
  const ratio = r.costRatio ? `cost ratio 10,000 / 1,000 (bound 64): messages ${r.costRatio.messages}, bytes ${r.costRatio.bytes} (target ≤ ${r.costRatio.target}: ${r.costRatio.met ? 'met' : 'NOT met'})` : '';
  return `rounds for a change to reach 50 / 99 / 100 % of the nodes\n${table(rows)}\n\ncost per node per round (no loss)\n${table(costRows)}\n${ratio}`;
}

export interface FailureRow {
  n: number;
  bound: number | 'none';
  seeds: number[];
  firstSuspicion: Summary;
  allDead: Summary;
  undetected: number;
}

export interface FailureResult {
  detection: FailureRow[];
  falsePositives: { n: number; intervals: number; pauses: number; suspicions: number; refutations: number; falseDeaths: number; target: number; met: boolean };
}

export async function runSimFailure(log: (line: string) => void): Promise<FailureResult> {
  const configs = [
    { n: 100, bound: Number.POSITIVE_INFINITY, seeds: [41, 42, 43] },
    { n: 300, bound: Number.POSITIVE_INFINITY, seeds: [51, 52] },
    { n: 1000, bound: 64, seeds: [61] },
    { n: 1000, bound: Number.POSITIVE_INFINITY, seeds: [71] },
  ];
  const detection: FailureRow[] = [];
  for (const cfg of configs) {
    const first: number[] = [];
    const all: number[] = [];
    let undetected = 0;
    for (const seed of cfg.seeds) {
      const t = Date.now();
      const c = await build(cfg.n, cfg.bound, 0, seed);
      await c.runIntervals(15);
      const victim = c.nodes[c.random.int(cfg.n)]!;
      const holders = c.nodes.filter((x) => x !== victim && x.membership.stateOf(victim.id) !== undefined);
      c.crash(victim.id);
      let firstAt = -1;
      let allAt = -1;
      for (let r = 1; r <= 200; r++) {
        await c.runIntervals(1);
        let remaining = 0;
        let suspected = false;
        for (const h of holders) {
          const s = h.membership.stateOf(victim.id);
          if (s === 'alive' || s === 'suspect') remaining++;
          if (s === 'suspect' || s === 'dead') suspected = true;
        }
        if (firstAt < 0 && suspected) firstAt = r;
        if (remaining === 0) {
          allAt = r;
          break;
        }
      }
      if (firstAt > 0) first.push(firstAt);
      if (allAt > 0) all.push(allAt);
      else undetected++;
      log(`sim-failure: N=${cfg.n} bound=${cfg.bound} seed=${seed}: first suspicion ${firstAt}, all ${allAt} rounds (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    }
    detection.push({ n: cfg.n, bound: Number.isFinite(cfg.bound) ? cfg.bound : 'none', seeds: cfg.seeds, firstSuspicion: summarize(first), allDead: summarize(all), undetected });
  }

  // The pausing workload: about 10 % of the nodes paused at any moment, each pause 2 intervals.
  const n = 100;
  const intervals = 900;
  const c = await build(n, Number.POSITIVE_INFINITY, 0, 81);
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
  const refutations = c.nodes.reduce((a, x) => a + x.membership.stats().refutations, 0);
  log(`sim-failure: pausing workload N=${n}, ${intervals} intervals in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return { detection, falsePositives: { n, intervals, pauses, suspicions, refutations, falseDeaths, target: 0, met: falseDeaths === 0 } };
}

export function simFailureTable(r: FailureResult): string {
  const fmt = (s: Summary) => (s.n === 0 ? '-' : `${s.median}/${s.max}`);
  const rows: (string | number)[][] = [['N', 'bound', 'seeds', 'first suspicion (med/max)', 'all holders: dead (med/max)', 'undetected']];
  for (const x of r.detection) rows.push([x.n, String(x.bound), x.seeds.length, fmt(x.firstSuspicion), fmt(x.allDead), x.undetected]);
  const fp = r.falsePositives;
  return `rounds after a crash\n${table(rows)}\n\npausing workload: N=${fp.n}, ${fp.intervals} intervals, ${fp.pauses} pauses of 2 intervals: ${fp.suspicions} suspicions, ${fp.refutations} refutations, ${fp.falseDeaths} false deaths (target ${fp.target}: ${fp.met ? 'met' : 'NOT met'})`;
}
