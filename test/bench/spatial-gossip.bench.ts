import type { MembershipOptions } from '../../src/membership/options';
import { targetOf } from '../../src/membership/transport';
import { PeerLatencies } from '../../src/pool/peer-latencies';
import { SimCluster } from '../../src/testing/sim-cluster';
import { SimLatencyProbe } from '../../src/testing/sim-latency-probe';
import { TieredTopology } from '../../src/testing/tiered-topology';
import { round, summarize, table, type Summary } from './stats';

/*
 * Spatial gossip. N nodes in a tiered topology (regions of zones of
 * nodes; one-way links of 1 ms within a zone, 20 ms within a region, 80 ms between regions, each
 * ±10 %), the same membership code on the in-memory network, full views. Arms differ only in
 * `spatialShare` (0: uniform partner choice), on the same seeds, so the same nodes sit in the same
 * places and start from the same tables. Distances are either the nominal RTTs of the topology
 * ('true') or measured by each node's pool loop over the simulated network ('measured': one
 * round of pings to every peer into PeerStats during the warm-up, so pings do not count as gossip).
 * After a warm-up, `changes` record changes start at once from random nodes; reported per arm:
 *   - rounds (gossip intervals) until each change has reached every node;
 *   - membership bytes per node per round over the first `windowRounds` rounds (exchanges, pings,
 *     indirect pings, requests and answers), and the share on slow links (between regions).
 */

export interface SpatialConfig {
  /** Regions × zones × nodes per zone. */
  shape: number[];
  /** One-way latency per tier, nearest first (ms). */
  oneWayMs: number[];
  spatialShare: number;
  seed: number;
  distance: 'true' | 'measured';
  changes: number;
  windowRounds: number;
  maxRounds: number;
  membership?: Partial<MembershipOptions>;
}

export interface SpatialTrial {
  n: number;
  spatialShare: number;
  seed: number;
  distance: 'true' | 'measured';
  /** Per change, rounds until every node had it (−1: not within maxRounds). */
  rounds: number[];
  /** Bytes sent per node per round over the window, all membership messages. */
  bytesPerNodeRound: number;
  /** Same, on slow (between-region) links. */
  slowBytesPerNodeRound: number;
  /** Share of the bytes on slow links. */
  slowShare: number;
  /** Exchange bytes only (what partner choice decides), and their slow share. */
  exchangeBytesPerNodeRound: number;
  exchangeSlowShare: number;
  /** Share of the exchanges a node started that went to another region. */
  farExchangeShare: number;
}

/** One arm on one seed. */
export async function runSpatialTrial(cfg: SpatialConfig): Promise<SpatialTrial> {
  const topology = new TieredTopology(cfg.shape, cfg.oneWayMs, 0.1);
  const slowTier = topology.tiers - 1;
  const c = new SimCluster({ seed: cfg.seed, latencyModel: topology.latency, membership: { ...cfg.membership, spatialShare: cfg.spatialShare } });
  const probes: SimLatencyProbe[] = [];
  for (let i = 0; i < topology.capacity; i++) {
    const latencies = new PeerLatencies();
    let self = '';
    const node = c.addNode({ distance: cfg.distance === 'true' ? (id) => topology.rttMs(self, id) : (id) => latencies.latencyOf(id) });
    self = node.id;
    topology.place(node.id);
    if (cfg.distance === 'measured') {
      probes.push(
        new SimLatencyProbe(
          {
            clock: node.endpoint.clock,
            transport: node.endpoint.transport,
            peers: () => node.membership.members().filter((m) => m.state === 'alive' && m.mode === 'server').map((m) => targetOf(m.record)),
          },
          { intervalMs: c.intervalMs, timeoutMs: c.intervalMs },
          latencies,
        ),
      );
    }
  }
  c.bootstrap();
  // Warm-up: past the bootstrap's first exchanges. Measured arms ping every peer once meanwhile
  // (one RTT sample each: the tiers are 20× apart, far beyond the ±10 % jitter).
  const measured = Promise.all(probes.map((p) => p.measure()));
  await c.runIntervals(3);
  await measured;

  let bytes = 0;
  let slowBytes = 0;
  let exchangeBytes = 0;
  let exchangeSlowBytes = 0;
  let started = 0;
  let startedFar = 0;
  c.network.observeTraffic((from, to, size, kind, answer) => {
    const slow = topology.tierOf(from, to) === slowTier;
    bytes += size;
    if (slow) slowBytes += size;
    if (kind !== 'exchange') return;
    exchangeBytes += size;
    if (slow) exchangeSlowBytes += size;
    if (!answer) {
      started++;
      if (slow) startedFar++;
    }
  });

  const origins = new Set<number>();
  while (origins.size < Math.min(cfg.changes, c.nodes.length)) origins.add(c.random.int(c.nodes.length));
  const changes = [...origins].map((i) => {
    const node = c.nodes[i]!;
    const record = node.membership.updateLocal({ tags: [{ key: 'change', value: String(c.scheduler.now()) }] });
    return { id: node.id, version: record.version, rounds: -1 };
  });
  for (let r = 1; r <= Math.max(cfg.maxRounds, cfg.windowRounds); r++) {
    await c.runIntervals(1);
    if (r === cfg.windowRounds) c.network.observeTraffic(undefined);
    let pending = false;
    for (const ch of changes) {
      if (ch.rounds > 0) continue;
      if (c.nodes.every((node) => (node.membership.versionSeen(ch.id) ?? -1) >= ch.version)) ch.rounds = r;
      else pending = true;
    }
    if (!pending && r >= cfg.windowRounds) break;
  }
  const per = c.nodes.length * cfg.windowRounds;
  return {
    n: c.nodes.length,
    spatialShare: cfg.spatialShare,
    seed: cfg.seed,
    distance: cfg.distance,
    rounds: changes.map((ch) => ch.rounds),
    bytesPerNodeRound: Math.round(bytes / per),
    slowBytesPerNodeRound: Math.round(slowBytes / per),
    slowShare: round(slowBytes / bytes, 4),
    exchangeBytesPerNodeRound: Math.round(exchangeBytes / per),
    exchangeSlowShare: round(exchangeSlowBytes / exchangeBytes, 4),
    farExchangeShare: round(startedFar / Math.max(1, started), 4),
  };
}

export interface SpatialRow {
  arm: string;
  spatialShare: number;
  distance: 'true' | 'measured';
  trials: number;
  rounds: Summary;
  incomplete: number;
  bytesPerNodeRound: number;
  slowBytesPerNodeRound: number;
  slowShare: number;
  exchangeSlowShare: number;
  farExchangeShare: number;
  /** Against the uniform arm of the same run: slow-link bytes, total bytes, median and max rounds. */
  vsUniform: { slowBytes: number; bytes: number; medianRounds: number; maxRounds: number };
}

export interface SpatialGossipResult {
  n: number;
  shape: number[];
  oneWayMs: number[];
  seeds: number[];
  changesPerSeed: number;
  windowRounds: number;
  membership: Partial<MembershipOptions>;
  rows: SpatialRow[];
}

const SHAPE = [4, 5, 50];
/** As in sim-dissemination: bounds the per-exchange cost, so that 1,000 full views simulate in minutes. */
const MEMBERSHIP: Partial<MembershipOptions> = { maxDigests: 64 };
const ONE_WAY_MS = [1, 20, 80];
const SEEDS = [81, 82];
const CHANGES = 5;
const WINDOW = 10;
const ARMS: { arm: string; spatialShare: number; distance: 'true' | 'measured'; seeds: number[] }[] = [
  { arm: 'uniform', spatialShare: 0, distance: 'true', seeds: SEEDS },
  { arm: 'spatial 1/3 (lan, local)', spatialShare: 1 / 3, distance: 'true', seeds: SEEDS },
  { arm: 'spatial 2/3 (wan)', spatialShare: 2 / 3, distance: 'true', seeds: SEEDS },
  // A million pings per probe round: one seed only.
  { arm: 'spatial 2/3, measured RTT', spatialShare: 2 / 3, distance: 'measured', seeds: SEEDS.slice(0, 1) },
];

/** Rows for the arms of one run, each compared with the first (uniform) arm. */
export function spatialRows(trialsByArm: { arm: string; trials: SpatialTrial[] }[]): SpatialRow[] {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rows = trialsByArm.map(({ arm, trials }) => {
    const done = trials.flatMap((t) => t.rounds.filter((r) => r > 0));
    const all = trials.flatMap((t) => t.rounds);
    return {
      arm,
      spatialShare: round(trials[0]!.spatialShare, 3),
      distance: trials[0]!.distance,
      trials: all.length,
      rounds: summarize(done),
      incomplete: all.length - done.length,
      bytesPerNodeRound: Math.round(mean(trials.map((t) => t.bytesPerNodeRound))),
      slowBytesPerNodeRound: Math.round(mean(trials.map((t) => t.slowBytesPerNodeRound))),
      slowShare: round(mean(trials.map((t) => t.slowShare)), 3),
      exchangeSlowShare: round(mean(trials.map((t) => t.exchangeSlowShare)), 3),
      farExchangeShare: round(mean(trials.map((t) => t.farExchangeShare)), 3),
      vsUniform: { slowBytes: 1, bytes: 1, medianRounds: 1, maxRounds: 1 },
    };
  });
  const base = rows[0]!;
  for (const r of rows) {
    r.vsUniform = {
      slowBytes: round(r.slowBytesPerNodeRound / base.slowBytesPerNodeRound, 3),
      bytes: round(r.bytesPerNodeRound / base.bytesPerNodeRound, 3),
      medianRounds: round(r.rounds.median / base.rounds.median, 3),
      maxRounds: round(r.rounds.max / base.rounds.max, 3),
    };
  }
  return rows;
}

export async function runSpatialGossip(log: (line: string) => void): Promise<SpatialGossipResult> {
  const trialsByArm: { arm: string; trials: SpatialTrial[] }[] = [];
  for (const a of ARMS) {
    const trials: SpatialTrial[] = [];
    for (const seed of a.seeds) {
      const t = Date.now();
      trials.push(
        await runSpatialTrial({ shape: SHAPE, oneWayMs: ONE_WAY_MS, spatialShare: a.spatialShare, seed, distance: a.distance, changes: CHANGES, windowRounds: WINDOW, maxRounds: 40, membership: MEMBERSHIP }),
      );
      log(`spatial-gossip: ${a.arm}, seed ${seed} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    trialsByArm.push({ arm: a.arm, trials });
  }
  return { n: SHAPE.reduce((x, y) => x * y, 1), shape: SHAPE, oneWayMs: ONE_WAY_MS, seeds: SEEDS, changesPerSeed: CHANGES, windowRounds: WINDOW, membership: MEMBERSHIP, rows: spatialRows(trialsByArm) };
}

export function spatialGossipTable(r: SpatialGossipResult): string {
  const head =
    `N = ${r.n} (${r.shape.join(' × ')}: regions × zones × nodes), one-way links ${r.oneWayMs.join(' / ')} ms ±10 %, full views, ${JSON.stringify(r.membership)}; ` +
    `${r.changesPerSeed} changes per seed (seeds ${r.seeds.join(', ')}); bytes over the first ${r.windowRounds} rounds`;
  const rows: (string | number)[][] = [
    ['arm', 'changes', 'rounds to all (med/p95/max)', 'incomplete', 'bytes/node/round', 'on slow links', 'slow share', 'exchanges to other regions', 'slow bytes vs uniform', 'bytes vs uniform', 'median rounds vs uniform'],
  ];
  for (const x of r.rows) {
    rows.push([
      x.arm,
      x.trials,
      `${x.rounds.median}/${x.rounds.p95}/${x.rounds.max}`,
      x.incomplete,
      x.bytesPerNodeRound,
      x.slowBytesPerNodeRound,
      `${(x.slowShare * 100).toFixed(1)} %`,
      `${(x.farExchangeShare * 100).toFixed(1)} %`,
      `${x.vsUniform.slowBytes.toFixed(2)}×`,
      `${x.vsUniform.bytes.toFixed(2)}×`,
      `${x.vsUniform.medianRounds.toFixed(2)}×`,
    ]);
  }
  return `${head}\n${table(rows)}`;
}
