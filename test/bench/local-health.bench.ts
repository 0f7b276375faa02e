import { SimCluster, type SimNode } from '../../src/testing/sim-cluster';
import { table } from './stats';

/*
 * Local health awareness in simulation: 16 nodes, `lan` timers, latency 1–10 ms; after 30
 * intervals to converge, node 3 is impaired for 300 s, then healed for 60 intervals. Each
 * impairment runs twice on the same seed, with local health awareness off (lhaMaxMultiplier 1)
 * and on (8). Reported: suspicions (and the deaths they led to) that the impaired node raised
 * against its healthy peers, how often the others declared it dead, the refutations it
 * published, and the highest score it reached.
 */

type Impairment = (c: SimCluster, slow: SimNode) => () => void;

const late =
  (ms: number): Impairment =>
  (c, slow) => {
    for (const o of c.nodes) if (o !== slow) c.network.setLinkLatency(o.id, slow.id, [ms, ms + 10]);
    return () => {
      for (const o of c.nodes) if (o !== slow) c.network.setLinkLatency(o.id, slow.id, [1, 10]);
    };
  };
const blocked =
  (blockMs: number, everyMs: number): Impairment =>
  (c, slow) =>
    c.blockLoop(slow.id, blockMs, everyMs);

const CASES: { name: string; seed: number; impair: Impairment }[] = [
  { name: 'every message 1 s late', seed: 4101, impair: late(1000) },
  { name: 'every message 1 s late', seed: 4103, impair: late(1000) },
  { name: 'every message 2 s late', seed: 4101, impair: late(2000) },
  { name: 'every message 400 ms late', seed: 4101, impair: late(400) },
  { name: 'loop blocked 6 s of every 8 s', seed: 4102, impair: blocked(6000, 8000) },
  { name: 'loop blocked 1.5 s of every 2 s', seed: 4102, impair: blocked(1500, 2000) },
];

export interface LocalHealthRow {
  impairment: string;
  seed: number;
  lhaMaxMultiplier: number;
  raisedBySlow: number;
  deathsOfSlow: number;
  refutations: number;
  maxScore: number;
  convergedAfter: boolean;
}

async function runCase(seed: number, lhaMaxMultiplier: number, impair: Impairment): Promise<Omit<LocalHealthRow, 'impairment'>> {
  const c = new SimCluster({ seed, latencyMs: [1, 10], membership: { lhaMaxMultiplier } });
  for (let i = 0; i < 16; i++) c.addNode();
  c.bootstrap();
  await c.runIntervals(30);
  const slow = c.nodes[3]!;
  let raisedBySlow = 0;
  let deathsOfSlow = 0;
  for (const node of c.nodes) {
    node.membership.onEvent((e) => {
      if (node === slow && (e.type === 'suspect' || e.type === 'dead') && e.by === slow.id) raisedBySlow++;
      if (e.nodeId === slow.id && e.type === 'dead') deathsOfSlow++;
    });
  }
  const refutationsBefore = slow.membership.stats().refutations;
  const heal = impair(c, slow);
  let maxScore = 0;
  for (let s = 0; s < 300; s++) {
    await c.run(1000);
    maxScore = Math.max(maxScore, slow.membership.localHealth().score);
  }
  heal();
  await c.runIntervals(60);
  return { seed, lhaMaxMultiplier, raisedBySlow, deathsOfSlow, refutations: slow.membership.stats().refutations - refutationsBefore, maxScore, convergedAfter: c.converged() };
}

export async function runLocalHealth(log: (line: string) => void): Promise<LocalHealthRow[]> {
  const rows: LocalHealthRow[] = [];
  for (const k of CASES) {
    for (const lha of [1, 8]) {
      rows.push({ impairment: k.name, ...(await runCase(k.seed, lha, k.impair)) });
      log(`local-health: ${k.name}, seed ${k.seed}, lhaMaxMultiplier ${lha}: done`);
    }
  }
  return rows;
}

export function localHealthTable(rows: LocalHealthRow[]): string {
  return table([
    ['impairment of node 3 (300 s)', 'seed', 'lhaMaxMultiplier', 'suspicions it raised', 'declared dead', 'its refutations', 'its max score', 'converged after'],
    ...rows.map((r) => [r.impairment, r.seed, r.lhaMaxMultiplier, r.raisedBySlow, r.deathsOfSlow, r.refutations, r.maxScore, r.convergedAfter ? 'yes' : 'NO']),
  ]);
}
