import { test, type TestContext } from 'node:test';
import { messageKey, SimChannelCluster, type SimChannelClusterOptions, type SimChannelNode } from '../../src/testing/sim-channel-cluster';

/**
 * A channel simulation test: builds a SimChannelCluster from a seed (G2G_SIM_SEED overrides it,
 * to replay a failure) and, when the test fails, says which seed to replay.
 */
export function channelSimTest(name: string, seed: number, options: Omit<SimChannelClusterOptions, 'seed'>, fn: (c: SimChannelCluster, t: TestContext) => Promise<void>): void {
  test(name, async (t) => {
    const chosen = process.env.G2G_SIM_SEED ? Number(process.env.G2G_SIM_SEED) : seed;
    const cluster = new SimChannelCluster({ ...options, seed: chosen });
    try {
      await fn(cluster, t);
    } catch (error) {
      const note = `simulation failed with seed ${chosen} (replay: G2G_SIM_SEED=${chosen} node --test ${process.argv[1] ?? ''})`;
      process.stderr.write(`${note}\n`);
      if (error instanceof Error) error.message = `${error.message}\n${note}`;
      throw error;
    }
  });
}

/**
 * Publishes `rounds` × `perRound` messages from random server nodes among `from`, `gapMs` of
 * simulated time apart, and returns their keys. Publishes complete (they are signed and queued)
 * at once in the simulator: its signatures are synchronous and nothing else waits.
 */
export async function publishRounds(c: SimChannelCluster, rounds: number, perRound: number, gapMs: number, from: readonly SimChannelNode[] = c.live()): Promise<string[]> {
  const servers = from.filter((n) => n.mode === 'server');
  const keys: string[] = [];
  for (let r = 0; r < rounds; r++) {
    const published = await Promise.all(
      Array.from({ length: perRound }, (_, i) => servers[c.random.int(servers.length)]!.channel.publish(`sim/r${r}`, Buffer.from(`round ${r} message ${i}`))),
    );
    keys.push(...published.map(messageKey));
    await c.run(gapMs);
  }
  return keys;
}

/** Sums one counter over `nodes`. */
export function total(nodes: readonly SimChannelNode[], counter: keyof ReturnType<SimChannelNode['channel']['stats']>): number {
  let n = 0;
  for (const node of nodes) n += node.channel.stats()[counter];
  return n;
}
