import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { UsageError } from '../cli-error';
import { runSimScenario } from '../../testing/sim-scenario';

interface SimulateOptions {
  nodes: string;
  seed: string;
  loss: string;
  crash: string;
  crashAt: string;
  partition?: string;
  rumourAt?: string;
  rounds: string;
  record?: string;
}

/**
 * `g2g simulate`: runs the membership protocol of N nodes on the in-memory network (one process,
 * simulated time, reproducible from the seed) and records what every node saw, for `g2g replay`.
 */
export function simulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('simulate a network of N nodes in this process (simulated time, reproducible from --seed) and record it for `g2g replay`')
    .addOption(new Option('--nodes <n>', 'nodes').default('50'))
    .addOption(new Option('--seed <s>', 'random seed (same options and seed: same run)').default('1'))
    .addOption(new Option('--loss <p>', 'probability that a message is lost').default('0'))
    .addOption(new Option('--crash <k>', 'nodes to crash (no leave), chosen from the seed').default('1'))
    .addOption(new Option('--crash-at <round>', 'round of the crash').default('5'))
    .addOption(new Option('--partition <start-end>', 'rounds during which the network is cut in two halves, e.g. 20-40'))
    .addOption(new Option('--rumour-at <round>', 'round at which one node (chosen from the seed) changes its record: follow the rumour spread'))
    .addOption(new Option('--rounds <n>', 'gossip intervals to run').default('60'))
    .addOption(new Option('--record <file>', 'write the recording (JSON lines) here'))
    .action(async (o: SimulateOptions) => {
      const int = (name: string, value: string, min: number): number => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer of at least ${min}, not ${value}`);
        return n;
      };
      const loss = Number(o.loss);
      if (!(loss >= 0 && loss < 1)) throw new UsageError(`--loss must be in [0, 1), not ${o.loss}`);
      let partition: { start: number; end: number } | undefined;
      if (o.partition !== undefined) {
        const m = /^(\d+)-(\d+)$/.exec(o.partition);
        if (!m || Number(m[1]) >= Number(m[2])) throw new UsageError(`--partition must be START-END rounds with START < END, not ${o.partition}`);
        partition = { start: Number(m[1]), end: Number(m[2]) };
      }
      const started = Date.now();
      const result = await runSimScenario({
        nodes: int('nodes', o.nodes, 2),
        seed: int('seed', o.seed, 0),
        loss,
        crash: int('crash', o.crash, 0),
        crashAtRound: int('crash-at', o.crashAt, 0),
        ...(partition ? { partition } : {}),
        ...(o.rumourAt !== undefined ? { rumourAtRound: int('rumour-at', o.rumourAt, 0) } : {}),
        rounds: int('rounds', o.rounds, 1),
      });
      if (o.record) await writeFile(o.record, result.recording);
      const bytes = Buffer.byteLength(result.recording);
      process.stdout.write(
        `simulated ${o.nodes} nodes for ${o.rounds} rounds in ${Date.now() - started} ms: ${result.events} events` +
          (result.crashed.length > 0 ? `, crashed ${result.crashed.join(', ')}` : '') +
          (result.rumourOrigin ? `, rumour from ${result.rumourOrigin}` : '') +
          (o.record ? `; recorded to ${o.record} (${bytes} bytes, ${Math.round((bytes * 1000) / result.nodeRounds)} bytes per 1,000 node-rounds)` : '') +
          '\n',
      );
    });
}
