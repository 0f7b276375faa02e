import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VERSION } from '../../src/version';
import { hostCostTable, runHostCost, runHostCostBreakdown } from './host-cost.bench';
import { rotationTable, runRotation } from './rotation.bench';
import { runStartup, startupTable } from './startup.bench';
import { round } from './stats';
import { writeRecordings } from './bench-recording';
import { runSimDissemination, runSimFailure, simDisseminationTable, simFailureTable } from './sim-membership.bench';
import { clusterTable, runCluster } from './cluster.bench';
import { queryReachTable, runQueryReach } from './query-reach.bench';
import { certSpreadClusterTable, certSpreadSimTable, runCertSpreadCluster, runCertSpreadSim, runTrustBundle, trustBundleTable } from './cert-spread.bench';
import { pluginOverheadTable, runPluginOverhead } from './plugin-overhead.bench';
import { channelTable, runChannel } from './channel.bench';
import { channelSimTable, runChannelSim } from './channel-sim.bench';
import { poolOverheadTable, runPoolOverhead } from './pool-overhead.bench';
import { runSpatialGossip, spatialGossipTable } from './spatial-gossip.bench';
import { kvStoreTable, runKvStore } from './kv-store.bench';
import { memberlistCompareTable, runMemberlistCompare } from './memberlist-compare.bench';
import { cluster100Table, runCluster100 } from './cluster-100.bench';
import { runSimScale, simScaleTable } from './sim-scale.bench';
import { openPortTable, runOpenPort } from './open-port.bench';
import { localHealthTable, runLocalHealth } from './local-health.bench';

/*
 * `npm run bench` (startup, host-cost, rotation, cluster, sim-dissemination, sim-failure, query-reach, plugin-overhead, channel, channel-sim, pool-overhead, spatial-gossip,
 * cert-spread-sim, trust-bundle, cert-spread-cluster) or
 * `node dist/test/bench/run.js NAME...` with NAME among those and the opt-in ones (host-cost-breakdown,
 * kv-store, memberlist-compare, cluster-100, sim-scale, local-health).
 * Progress goes to stderr; the tables and then one JSON object go to stdout, and the JSON is
 * also written to dist/bench-results.json. Missed targets are reported, not turned into a
 * failing exit code: a benchmark on a shared 2-core machine is evidence, not a gate.
 */

const BENCHMARKS = {
  startup: { run: runStartup, table: startupTable as (r: unknown) => string, title: '1. Start-up' },
  'host-cost': { run: runHostCost, table: hostCostTable as (r: unknown) => string, title: '2. The cost of being a host' },
  rotation: { run: runRotation, table: rotationTable as (r: unknown) => string, title: '3. Rotation cost' },
  cluster: { run: runCluster, table: clusterTable as (r: unknown) => string, title: '4. A 16-process cluster' },
  // Membership in simulation (about 5 min together): dissemination and cost at 1,000 and 10,000 nodes, failure detection.
  'sim-dissemination': { run: runSimDissemination, table: simDisseminationTable as (r: unknown) => string, title: '5. Simulated dissemination and cost per node' },
  'sim-failure': { run: runSimFailure, table: simFailureTable as (r: unknown) => string, title: '6. Simulated failure detection' },
  'query-reach': { run: runQueryReach, table: queryReachTable as (r: unknown) => string, title: '7. Query reach of the virtual query list' },
  'plugin-overhead': { run: runPluginOverhead, table: pluginOverheadTable as (r: unknown) => string, title: '8. Plugin call overhead' },
  // About 2 min: 16 node processes, channel throughput, latency and memory at the maximum rate.
  channel: { run: runChannel, table: channelTable as (r: unknown) => string, title: '9. The gossip channel on 16 node processes' },
  // About 1 min: the channel's dissemination on 1,000 simulated nodes.
  'channel-sim': { run: runChannelSim, table: channelSimTable as (r: unknown) => string, title: '10. Simulated channel dissemination' },
  // About 3 min: 9,000 single fan-outs and 90 windows of 500 ms per side.
  'pool-overhead': { run: runPoolOverhead, table: poolOverheadTable as (r: unknown) => string, title: '11. Pool overhead: a fan-out to 8 peers through the pool vs plain grpc-js clients' },
  // About 5 min of CPU: N = 1,000 in simulation, four arms (seven runs).
  'spatial-gossip': { run: runSpatialGossip, table: spatialGossipTable as (r: unknown) => string, title: '12. Spatial gossip: biased versus uniform partner choice' },
  // Opt-in (about 1 min): the kv plugin's durable writes and anti-entropy cost, in one process.
  'kv-store': { run: runKvStore, table: kvStoreTable as (r: unknown) => string, title: '13. The kv store: durable writes (before and after persist-before-apply and signatures) and anti-entropy cost' },
  // Certificates across the network: simulated spread of a leaf and of a CA rotation
  // at 1,000 and 10,000 nodes (about 3 min), the trust bundle under a burst of 500 joins, and a
  // 16-process cluster (about 2 min).
  'cert-spread-sim': { run: runCertSpreadSim, table: certSpreadSimTable as (r: unknown) => string, title: '14. Simulated spread of a new leaf and a rotated CA' },
  'trust-bundle': { run: runTrustBundle, table: trustBundleTable as (r: unknown) => string, title: '15. Trust-bundle cost, 500 members joining in a burst' },
  'cert-spread-cluster': { run: runCertSpreadCluster, table: certSpreadClusterTable as (r: unknown) => string, title: '16. A new leaf and a rotated CA across 16 processes' },
  // Opt-in (about 1 min): a node under an idle-connection flood and an idle-Join attack.
  'open-port': { run: runOpenPort, table: openPortTable as (r: unknown) => string, title: '20. The open port under attack' },
  // Opt-in (about 90 s): host-cost with the node's interceptors added to bare one at a time.
  'host-cost-breakdown': { run: runHostCostBreakdown, table: hostCostTable as (r: unknown) => string, title: '2b. The cost of being a host, part by part' },
  // Opt-in (about 3 min; root for the byte counts): hashicorp/memberlist and g2g at N = 16, the byte and CPU ratios.
  'memberlist-compare': { run: runMemberlistCompare, table: memberlistCompareTable as (r: unknown) => string, title: '17. g2g versus hashicorp/memberlist, 16 processes each' },
  // Opt-in (5 to 15 min, loads the whole machine): 100 g2g node processes.
  'cluster-100': { run: runCluster100, table: cluster100Table as (r: unknown) => string, title: '18. 100 node processes on one machine' },
  // Opt-in (up to about 20 min with today's membership, bounded per N): membership's simulation targets at 1,000 and 10,000.
  'sim-scale': { run: runSimScale, table: simScaleTable as (r: unknown) => string, title: '19. Simulated membership at 1,000 and 10,000 nodes: rounds, bytes, false deaths' },
  // Opt-in (about 2 min quiet, 5 min on a loaded machine): a slow or blocked node with and without local health awareness, same seeds (simulation).
  'local-health': { run: runLocalHealth, table: localHealthTable as (r: unknown) => string, title: '21. Local health awareness: suspicions raised by a slow node' },
} as const;
type Name = keyof typeof BENCHMARKS;
const DEFAULT: Name[] = ['startup', 'host-cost', 'rotation', 'cluster', 'sim-dissemination', 'sim-failure', 'query-reach', 'plugin-overhead', 'channel', 'channel-sim', 'pool-overhead', 'spatial-gossip', 'cert-spread-sim', 'trust-bundle', 'cert-spread-cluster'];

export const RESULTS_FILE = path.resolve(__dirname, '../../bench-results.json');

async function main(argv: string[]): Promise<void> {
  const unknown = argv.filter((a) => !(a in BENCHMARKS));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const names = (argv.length > 0 ? argv : DEFAULT) as Name[];
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const started = Date.now();
  const startLoad = os.loadavg().map((x) => round(x, 2));
  const results: Partial<Record<Name, unknown>> = {};
  const durationsS: Partial<Record<Name, number>> = {};
  for (const name of names) {
    const t = Date.now();
    results[name] = await BENCHMARKS[name].run(log);
    writeRecordings(log);
    durationsS[name] = (Date.now() - t) / 1000;
  }

  const endLoad = os.loadavg().map((x) => round(x, 2));
  process.stdout.write(
    `\ng2g ${VERSION} benchmarks on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}; ` +
      `load average (1/5/15 min) ${startLoad.join('/')} at start, ${endLoad.join('/')} at end\n`,
  );
  for (const name of names) {
    process.stdout.write(`\n== ${BENCHMARKS[name].title} (${durationsS[name]!.toFixed(1)} s) ==\n${BENCHMARKS[name].table(results[name])}\n`);
  }
  const report = {
    g2gVersion: VERSION,
    commit: gitCommit(),
    date: new Date(started).toISOString(),
    environment: {
      node: process.version,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      // Other processes compete for the same cores; the load average says how much they did.
      loadAverageAtStart: startLoad,
      loadAverageAtEnd: endLoad,
    },
    totalSeconds: (Date.now() - started) / 1000,
    durationsSeconds: durationsS,
    results,
  };
  const json = JSON.stringify(report, null, 2);
  process.stdout.write(`\n${json}\n`);
  writeFileSync(RESULTS_FILE, `${json}\n`);
  log(`results written to ${RESULTS_FILE}`);
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
