import { groupByLatency, type Grouping } from '../../src/pool/latency-groups';
import { PeerStats } from '../../src/pool/peer-stats';
import { QueryOrder } from '../../src/pool/query-order';
import { SeededRandom } from '../../src/testing/seeded-random';
import { round, table } from './stats';

/*
 * Query reach. Peers sit in three latency tiers (1 ms, 20 ms, 80 ms); each
 * RTT sample is the tier's latency ±10 % (uniform). Each trial feeds every peer's PeerStats
 * ROUNDS samples and regroups by EWMA after each round, with the previous grouping as hysteresis
 * input. Reported:
 *   - tiers recovered: adjusted Rand index of the final grouping against the true tiers, and the
 *     rounds until the grouping first matched the truth exactly (ARI 1) and stayed so;
 *   - reach: distinct tiers among the first k targets of the virtual query list versus a uniformly
 *     random order of the same peers, k = 1…6, averaged over the trials (QueryOrder advanced once
 *     per trial round, so its rotation is exercised).
 * Two populations: balanced (10/10/10) and skewed (24 near, 4 mid, 2 far), where a random order
 * mostly picks near peers. Pure computation: no network, no clock; the same seeds give the same table.
 */

const TIERS_MS = [1, 20, 80];
const JITTER = 0.1;
const TRIALS = 400;
const ROUNDS = 20;
const K_MAX = 6;
const POPULATIONS: { name: string; sizes: number[] }[] = [
  { name: 'balanced 10/10/10', sizes: [10, 10, 10] },
  { name: 'skewed 24/4/2', sizes: [24, 4, 2] },
];

/** Adjusted Rand index (Hubert & Arabie 1985) of two labellings of the same items. */
export function adjustedRandIndex(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  if (a.length !== b.length) throw new RangeError('labellings differ in length');
  const n = a.length;
  const pairs = (x: number) => (x * (x - 1)) / 2;
  const cells = new Map<string, number>();
  const rows = new Map<string | number, number>();
  const cols = new Map<string | number, number>();
  for (let i = 0; i < n; i++) {
    const key = JSON.stringify([a[i], b[i]]);
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rows.set(a[i]!, (rows.get(a[i]!) ?? 0) + 1);
    cols.set(b[i]!, (cols.get(b[i]!) ?? 0) + 1);
  }
  let index = 0;
  for (const c of cells.values()) index += pairs(c);
  let sumA = 0;
  for (const c of rows.values()) sumA += pairs(c);
  let sumB = 0;
  for (const c of cols.values()) sumB += pairs(c);
  const expected = n < 2 ? 0 : (sumA * sumB) / pairs(n);
  const max = (sumA + sumB) / 2;
  // Both labellings all-one-cluster or all-singletons: the index is undefined; identical is 1.
  if (max === expected) return index === max ? 1 : 0;
  return (index - expected) / (max - expected);
}

export interface ReachRow {
  k: number;
  virtualList: number;
  randomOrder: number;
  /** min(k, tiers): the most any order can reach. */
  best: number;
}

export interface PopulationResult {
  population: string;
  peers: number;
  trials: number;
  ari: { mean: number; min: number };
  /** Trials whose final grouping matched the tiers exactly. */
  exactTrials: number;
  /** Largest number of rounds before the grouping matched and stayed matched. */
  maxRoundsToExact: number;
  reach: ReachRow[];
}

export interface QueryReachResult {
  tiersMs: number[];
  jitter: number;
  rounds: number;
  populations: PopulationResult[];
}

function runPopulation(name: string, sizes: number[], seed: number): PopulationResult {
  const rnd = new SeededRandom(seed);
  const truthIds = sizes.flatMap((size, t) => [...Array(size).keys()].map((i) => ({ id: `t${t}-${String(i).padStart(2, '0')}`, tier: t })));
  const tierOf = new Map(truthIds.map((p) => [p.id, p.tier]));
  const virtualSum = new Array<number>(K_MAX + 1).fill(0);
  const randomSum = new Array<number>(K_MAX + 1).fill(0);
  let samples = 0;
  let ariSum = 0;
  let ariMin = Infinity;
  let exact = 0;
  let maxRounds = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    const stats = new Map(truthIds.map((p) => [p.id, new PeerStats()]));
    const order = new QueryOrder();
    let grouping: Grouping | undefined;
    let lastMismatch = 0;
    let ari = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      for (const p of truthIds) stats.get(p.id)!.recordRtt(TIERS_MS[p.tier]! * (1 + JITTER * (2 * rnd.next() - 1)), round);
      grouping = groupByLatency(
        truthIds.map((p) => ({ id: p.id, latencyMs: stats.get(p.id)!.snapshot().ewmaMs! })),
        grouping,
      );
      const found = new Map<string, number>();
      for (const g of grouping.groups) for (const m of g.members) found.set(m.id, g.id);
      ari = adjustedRandIndex(truthIds.map((p) => p.tier), truthIds.map((p) => found.get(p.id)!));
      if (ari !== 1) lastMismatch = round;

      const list = order.next(grouping.groups, K_MAX);
      const shuffled = truthIds.map((p) => p.id);
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = rnd.int(i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      for (let k = 1; k <= K_MAX; k++) {
        virtualSum[k]! += new Set(list.slice(0, k).map((id) => tierOf.get(id))).size;
        randomSum[k]! += new Set(shuffled.slice(0, k).map((id) => tierOf.get(id))).size;
      }
      samples++;
    }
    ariSum += ari;
    ariMin = Math.min(ariMin, ari);
    if (ari === 1) exact++;
    maxRounds = Math.max(maxRounds, lastMismatch + 1);
  }
  const reach: ReachRow[] = [];
  for (let k = 1; k <= K_MAX; k++) {
    reach.push({ k, virtualList: round(virtualSum[k]! / samples, 3), randomOrder: round(randomSum[k]! / samples, 3), best: Math.min(k, sizes.length) });
  }
  return {
    population: name,
    peers: truthIds.length,
    trials: TRIALS,
    ari: { mean: round(ariSum / TRIALS, 4), min: round(ariMin, 4) },
    exactTrials: exact,
    maxRoundsToExact: maxRounds,
    reach,
  };
}

export async function runQueryReach(log: (line: string) => void): Promise<QueryReachResult> {
  const populations: PopulationResult[] = [];
  POPULATIONS.forEach(({ name, sizes }, i) => {
    log(`query-reach: ${name}, ${TRIALS} trials × ${ROUNDS} rounds`);
    populations.push(runPopulation(name, sizes, 1000 + i));
  });
  return { tiersMs: TIERS_MS, jitter: JITTER, rounds: ROUNDS, populations };
}

export function queryReachTable(result: QueryReachResult): string {
  const parts: string[] = [];
  for (const p of result.populations) {
    parts.push(
      `${p.population}: ${p.peers} peers in tiers ${result.tiersMs.join('/')} ms ±${result.jitter * 100} %, ${p.trials} trials × ${result.rounds} rounds; ` +
        `ARI vs the tiers mean ${p.ari.mean}, min ${p.ari.min}; exact in ${p.exactTrials}/${p.trials}, from round ≤ ${p.maxRoundsToExact}`,
    );
    parts.push(
      table([
        ['k', 'tiers reached: virtual list', 'random order', 'best possible'],
        ...p.reach.map((r) => [r.k, r.virtualList.toFixed(3), r.randomOrder.toFixed(3), r.best]),
      ]),
    );
  }
  return parts.join('\n\n');
}
