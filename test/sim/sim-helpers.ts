import { test, type TestContext } from 'node:test';
import { SimCluster, type SimClusterOptions } from '../../src/testing/sim-cluster';

/**
 * A simulation test: builds a SimCluster from a seed (G2G_SIM_SEED overrides it, to replay a
 * failure) and, when the test fails, says which seed to replay.
 */
export function simTest(name: string, seed: number, options: Omit<SimClusterOptions, 'seed'>, fn: (c: SimCluster, t: TestContext) => Promise<void>): void {
  test(name, async (t) => {
    const chosen = process.env.G2G_SIM_SEED ? Number(process.env.G2G_SIM_SEED) : seed;
    const cluster = new SimCluster({ ...options, seed: chosen });
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

/** Starts `n` server nodes, each joining through `seed` (the first node), `perInterval` at a time. */
export async function joinThroughSeed(c: SimCluster, n: number, perInterval: number): Promise<void> {
  const seed = c.nodes[0] ?? c.addNode();
  while (c.nodes.length < n) {
    for (let i = 0; i < perInterval && c.nodes.length < n; i++) {
      const node = c.addNode();
      void node.membership.join([seed.membership.localRecord()]);
    }
    await c.runIntervals(1);
  }
}
