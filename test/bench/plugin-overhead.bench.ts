import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { channelOptions, tlsCredentials } from '../helpers/clients';
import { forkReady, stopForked } from './forked';
import { runWindow, summarizeTarget, type RoundResult, type TargetSummary } from './host-cost.bench';
import { FIXTURE_PLUGINS, type PluginOverheadServers } from './plugin-overhead-server';
import { round, table } from './stats';

/*
 * Plugin call overhead: a plugin's unary method (echo.v1.Echo/Say of the fixture plugin) through
 * the host — a real node's gossip port — against the same handler on a bare grpc-js mTLS server,
 * in the same run, with the same client code, channel per target and member certificate. Rounds
 * alternate the order (ABBA) so drift and load from other processes land on both alike; see
 * host-cost.bench.ts, whose window and summary code this shares.
 */

type Target = 'host' | 'bare';
const TARGETS: Target[] = ['host', 'bare'];
const LEVELS = [
  { concurrency: 1, warmupMs: 1_000, windowMs: 300 },
  { concurrency: 64, warmupMs: 1_500, windowMs: 500 },
];
const ROUNDS = 30;
const CALL_TIMEOUT_MS = 10_000;
const GOAL = { throughputRatio: 0.9 };

export interface PluginOverheadResult {
  goal: typeof GOAL;
  levels: { concurrency: number; rounds: number; windowMs: number; targets: TargetSummary<Target>[] }[];
  verdict: { concurrency: number; throughputMet: boolean }[];
}

export async function runPluginOverhead(log: (line: string) => void): Promise<PluginOverheadResult> {
  const { child, ready: servers } = await forkReady<PluginOverheadServers>(path.join(__dirname, 'plugin-overhead-server.js'), 'the plugin-overhead servers');
  const definition = protoLoader.loadSync('echo/v1/echo.proto', { includeDirs: [path.join(FIXTURE_PLUGINS, 'echo')] });
  const Echo = grpc.makeClientConstructor(definition['echo.v1.Echo'] as grpc.ServiceDefinition, 'echo.v1.Echo');
  const clients = new Map<Target, grpc.Client>();
  try {
    for (const target of TARGETS) {
      const client = new Echo(
        `127.0.0.1:${servers.ports[target]}`,
        tlsCredentials({ caPem: servers.caPem, certPem: servers.clientCertPem, keyPem: servers.clientKeyPem, nodeId: servers.nodeId }),
        channelOptions(servers.nodeId),
      );
      clients.set(target, client);
      // Both answer the same thing: the handler ran and read the caller (a member) from the call.
      const res = await say(client, 'check');
      if (res.text !== 'check' || res.servedBy !== servers.nodeId || res.caller !== `member:${servers.nodeId}`) throw new Error(`${target} answered ${JSON.stringify(res)}`);
    }
    const levels: PluginOverheadResult['levels'] = [];
    for (const level of LEVELS) {
      log(`plugin-overhead: concurrency ${level.concurrency}: ${level.warmupMs} ms warm-up per target, then ${ROUNDS} rounds × ${level.windowMs} ms per target (order reversed every other round)`);
      const caller = (target: Target) => () => say(clients.get(target)!, 'bench');
      for (const target of TARGETS) await runWindow(caller(target), target, level.concurrency, level.warmupMs);
      const results: RoundResult<Target>[][] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 === 0 ? TARGETS : [...TARGETS].reverse();
        const roundResults: RoundResult<Target>[] = [];
        for (const target of order) roundResults.push(await runWindow(caller(target), target, level.concurrency, level.windowMs));
        results.push(roundResults);
        if ((r + 1) % 10 === 0) log(`  round ${r + 1}/${ROUNDS}: ${roundResults.map((x) => `${x.target} ${Math.round((x.calls / x.elapsedMs) * 1000)}/s`).join(', ')}`);
      }
      levels.push({ concurrency: level.concurrency, rounds: ROUNDS, windowMs: level.windowMs, targets: TARGETS.map((t) => summarizeTarget<Target>(t, results, 'bare')) });
    }
    return {
      goal: GOAL,
      levels,
      verdict: levels.map((l) => ({ concurrency: l.concurrency, throughputMet: l.targets.find((t) => t.target === 'host')!.vsBare.throughput >= GOAL.throughputRatio })),
    };
  } finally {
    for (const client of clients.values()) client.close();
    await stopForked(child);
  }
}

export function pluginOverheadTable(r: PluginOverheadResult): string {
  const rows: (string | number)[][] = [['unary echo.v1.Echo/Say', 'calls/s', 'p50 ms', 'p99 ms', 'err', 'thr ×bare', 'per-round (median, range)', 'p50 ×bare', 'p99 ×bare']];
  for (const l of r.levels) {
    for (const t of l.targets) {
      rows.push([
        `c=${l.concurrency} ${t.target === 'host' ? 'host (plugin on the gossip port)' : 'bare grpc-js mTLS, same handler'}`,
        Math.round(t.callsPerSecond),
        round(t.latencyMs.median, 3),
        round(t.latencyMs.p99, 3),
        t.errors,
        t.vsBare.throughput.toFixed(3),
        `${t.throughputVsBarePerRound.median.toFixed(3)} (${t.throughputVsBarePerRound.min.toFixed(2)}–${t.throughputVsBarePerRound.max.toFixed(2)})`,
        t.vsBare.p50.toFixed(3),
        t.vsBare.p99.toFixed(3),
      ]);
    }
  }
  const verdict = r.verdict.map((v) => `c=${v.concurrency}: throughput ≥ ${r.goal.throughputRatio}× ${v.throughputMet ? 'met' : 'NOT met'}`).join('; ');
  return `${table(rows)}\ntarget for host vs bare (pooled over all rounds) — ${verdict}`;
}

function say(client: grpc.Client, text: string): Promise<{ text: string; servedBy: string; caller: string }> {
  return new Promise((resolve, reject) => {
    (client as unknown as { Say: Function }).Say({ text }, { deadline: Date.now() + CALL_TIMEOUT_MS }, (error: grpc.ServiceError | null, res: { text: string; servedBy: string; caller: string }) =>
      error ? reject(error) : resolve(res),
    );
  });
}
