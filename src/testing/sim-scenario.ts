import { SimCluster } from './sim-cluster';
import { SimRecorder } from './sim-recorder';

export interface SimScenario {
  nodes: number;
  seed: number;
  /** Probability that any one message is lost. */
  loss: number;
  /** Nodes crashed (no leave) at `crashAtRound`, picked at random from the seed. */
  crash: number;
  crashAtRound: number;
  /** Rounds [start, end) during which the network is cut in two halves; undefined for none. */
  partition?: { start: number; end: number };
  /** Round at which one live node (picked from the seed) changes its record: a rumour to follow. */
  rumourAtRound?: number;
  rounds: number;
}

export interface SimRunResult {
  recording: string;
  events: number;
  crashed: string[];
  /** The node whose record change spread as a rumour, if asked for. */
  rumourOrigin?: string;
  nodeRounds: number;
}

/**
 * One recorded simulator run (`g2g simulate`): N nodes that already know each other, rounds of
 * one gossip interval, a crash and a partition at the rounds asked for. Reproducible from the
 * seed: the same options give the same file.
 */
export async function runSimScenario(s: SimScenario): Promise<SimRunResult> {
  const cluster = new SimCluster({ seed: s.seed, latencyMs: [1, 5], loss: s.loss });
  for (let i = 0; i < s.nodes; i++) cluster.addNode();
  cluster.bootstrap();
  const recorder = new SimRecorder(cluster);
  recorder.attach();
  const startMs = cluster.scheduler.now();
  const ids = cluster.nodes.map((n) => n.id);
  const crashed: string[] = [];
  let rumourOrigin: string | undefined;
  for (let round = 0; round < s.rounds; round++) {
    if (round === s.rumourAtRound) {
      const live = cluster.live();
      const origin = live[cluster.random.int(live.length)]!;
      const tags = origin.membership.localRecord().tags;
      origin.membership.updateLocal({ tags: [...tags, { key: 'sim.rumour', value: String(round) }] });
      recorder.rumour(origin.id);
      rumourOrigin = origin.id;
    }
    if (round === s.crashAtRound) {
      const candidates = [...ids];
      for (let k = 0; k < s.crash && candidates.length > 0; k++) {
        const [victim] = candidates.splice(cluster.random.int(candidates.length), 1);
        cluster.crash(victim!);
        recorder.crash(victim!);
        crashed.push(victim!);
      }
    }
    if (s.partition && round === s.partition.start) {
      const half = Math.floor(ids.length / 2);
      const groups = [ids.slice(0, half), ids.slice(half)];
      cluster.network.partition(groups);
      recorder.partition(groups);
    }
    if (s.partition && round === s.partition.end) {
      cluster.network.heal();
      recorder.heal();
    }
    await cluster.runIntervals(1);
  }
  for (const node of cluster.live()) node.membership.stop();
  const recording = recorder.lines({
    seed: s.seed,
    startMs,
    intervalMs: cluster.intervalMs,
    rounds: s.rounds,
    initial: 'alive',
    scenario: { ...s },
  });
  return { recording, events: recorder.count, crashed, ...(rumourOrigin ? { rumourOrigin } : {}), nodeRounds: s.nodes * s.rounds };
}
