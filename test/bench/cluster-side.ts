import 'reflect-metadata';
import { ScaleCluster } from '../helpers/scale-cluster';
import { measureCluster, type ClusterFigures, type MeasureOptions } from './cluster-measure';
import { MemberlistCluster } from './memberlist-cluster';

/*
 * One side of a cluster benchmark, run as its own process so that it can run in its own network
 * namespace (see side-process.ts): `node cluster-side.js '<SideSpec as JSON>'`. Progress goes to
 * stderr; the result is the last stdout line, `RESULT <SideResult as JSON>`. Every node process
 * it starts is killed by pid before it exits, on failure too, and on SIGTERM (the reapers of
 * node-process.ts and memberlist-cluster.ts).
 */

export interface SideSpec {
  side: 'g2g' | 'memberlist';
  nodes: number;
  /** Joiners started at once. */
  batch?: number;
  /** g2g: no further batch after this long (ScaleClusterOptions.startBudgetMs). */
  startBudgetMs?: number;
  /** g2g: a start that fails twice ends the start phase instead of the run (ScaleClusterOptions.keepWhatStarted). */
  keepWhatStarted?: boolean;
  /** The memberlist node binary. */
  binary?: string;
  measure: Omit<MeasureOptions, 'log'>;
}

export interface SideResult extends ClusterFigures {
  side: SideSpec['side'];
  /** Spawn of the first joiner → the last one serves. */
  allServingMs: number;
  /** g2g only: healthy nodes seen suspect or dead, as (observer, subject, state) at any poll. */
  falseSuspicions?: { count: number; subjects: number; first: { observer: string; subject: string; state: string; atMs: number } | null };
}

export const RESULT_PREFIX = 'RESULT ';

async function main(spec: SideSpec): Promise<SideResult> {
  const log = (line: string) => process.stderr.write(`${spec.side}: ${line}\n`);
  const measure = { ...spec.measure, log };
  if (spec.side === 'memberlist') {
    const { cluster, allServingMs } = await MemberlistCluster.start(spec.binary!, spec.nodes, spec.batch);
    try {
      log(`${spec.nodes} serving after ${allServingMs} ms`);
      return { side: spec.side, allServingMs, ...(await measureCluster(cluster, measure)) };
    } finally {
      cluster.stop();
    }
  }
  const { cluster, allServingMs } = await ScaleCluster.start(spec.nodes, { batch: spec.batch, startBudgetMs: spec.startBudgetMs, keepWhatStarted: spec.keepWhatStarted, log });
  try {
    log(`${cluster.nodes.length} serving after ${allServingMs} ms`);
    const figures = await measureCluster(cluster, measure);
    const f = cluster.falseSuspicions;
    return { side: spec.side, allServingMs, ...figures, falseSuspicions: { count: f.length, subjects: new Set(f.map((x) => x.subject)).size, first: f[0] ?? null } };
  } finally {
    await cluster.stop();
  }
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]!) as SideSpec).then(
    (result) => {
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`side failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
