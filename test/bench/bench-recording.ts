import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SimCluster } from '../../src/testing/sim-cluster';
import { SimRecorder } from '../../src/testing/sim-recorder';

/**
 * Lets the simulator benchmarks record what they run, for `g2g replay`: with
 * `G2G_BENCH_RECORD=DIR`, every cluster passed to `recordIfAsked` (of at most
 * `G2G_BENCH_RECORD_MAX_NODES` nodes, default 300: a 1,000-node bootstrap is megabytes of joins)
 * is followed from then on and written to DIR as `NAME-<n>.jsonl` by `writeRecordings()`, which
 * the runner calls after each benchmark. Without the variable nothing is attached: the figures
 * are measured without a recorder's listeners.
 */
const dir = (): string | undefined => process.env.G2G_BENCH_RECORD || undefined;
const maxNodes = (): number => Number(process.env.G2G_BENCH_RECORD_MAX_NODES ?? 300);

interface Pending {
  name: string;
  cluster: SimCluster;
  recorder: SimRecorder;
  startMs: number;
  seed: number;
}

const pending: Pending[] = [];
let written = 0;

/** Call after the cluster's nodes are added (and bootstrapped): what follows is recorded. */
export function recordIfAsked(cluster: SimCluster, name: string, seed: number): void {
  if (!dir() || cluster.nodes.length > maxNodes()) return;
  const recorder = new SimRecorder(cluster);
  recorder.attach();
  pending.push({ name, cluster, recorder, startMs: cluster.scheduler.now(), seed });
}

/** Writes the recordings made since the last call; returns their paths. */
export function writeRecordings(log: (line: string) => void = () => {}): string[] {
  const into = dir();
  if (!into) return [];
  mkdirSync(into, { recursive: true });
  const files: string[] = [];
  for (const p of pending.splice(0)) {
    const rounds = Math.ceil((p.cluster.scheduler.now() - p.startMs) / p.cluster.intervalMs);
    const file = path.join(into, `${p.name}-${++written}.jsonl`);
    writeFileSync(file, p.recorder.lines({ seed: p.seed, startMs: p.startMs, intervalMs: p.cluster.intervalMs, rounds, initial: 'alive', scenario: { benchmark: p.name, nodes: p.cluster.nodes.length } }));
    files.push(file);
    log(`recorded ${p.recorder.count} events of ${p.name} (${p.cluster.nodes.length} nodes, ${rounds} rounds) to ${file}`);
  }
  return files;
}
