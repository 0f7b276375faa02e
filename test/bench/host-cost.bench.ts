import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as grpc from '@grpc/grpc-js';
import { channelOptions, g2gProto, tlsCredentials } from '../helpers/clients';
import { forkReady, stopForked } from './forked';
import { SERVER_TARGETS, type HostCostServers, type ServerTarget } from './host-cost-server';
import { median, round, summarize, table, type Summary } from './stats';

/*
 * The cost of being a host: Gossip.Ping through a real G2gNode's gossip port (certificate-provider
 * mTLS, authorisation and metrics interceptors, health and reflection registered) against a bare
 * grpc-js mTLS server with the same leaf, CA and handler. The servers run in one child process
 * (host-cost-server.ts); this process drives them all with the same client code: one channel
 * per target, the same member certificate.
 *
 * Each concurrency level: a warm-up window per target, then ROUNDS rounds of one fixed time
 * window per target, in forward then reverse order (ABBA for two targets), so that drift and
 * bursts of load from other processes land on every target alike. Fixed time windows (not fixed
 * call counts) give each target the same exposure to that noise. Calls in flight when a window
 * closes are finished and counted; every call has a deadline, so every window ends.
 *
 * `host-cost` compares host with bare; `host-cost-breakdown` adds bare servers with the node's
 * interceptors added one at a time, to show where the difference goes.
 */

const MAIN_TARGETS: ServerTarget[] = ['host', 'bare'];
const BREAKDOWN_TARGETS: ServerTarget[] = [...SERVER_TARGETS];
const LEVELS = [
  { concurrency: 1, warmupMs: 1_000, windowMs: 300 },
  { concurrency: 64, warmupMs: 1_500, windowMs: 500 },
];
const ROUNDS = 30;
const BREAKDOWN_ROUNDS = 8;
const CALL_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS = 60_000;
const TARGETS = { throughputRatio: 0.9, p99Ratio: 1.15 };

export interface RoundResult<T extends string = ServerTarget> {
  target: T;
  calls: number;
  errors: number;
  elapsedMs: number;
  latenciesMs: number[];
}

export interface TargetSummary<T extends string = ServerTarget> {
  target: T;
  callsPerSecond: number;
  calls: number;
  errors: number;
  latencyMs: Summary;
  /** Against bare, over all rounds pooled; p50 and p99 are latency ratios (lower is better). */
  vsBare: { throughput: number; p50: number; p99: number };
  /** Throughput against bare round by round (each pair ran back to back): median and range. */
  throughputVsBarePerRound: { median: number; min: number; max: number };
}

export interface LevelResult {
  concurrency: number;
  rounds: number;
  windowMs: number;
  targets: TargetSummary[];
}

export interface HostCostResult {
  targets: typeof TARGETS;
  levels: LevelResult[];
  /** Per level, for the host: are the targets met (pooled ratios)? */
  verdict: { concurrency: number; throughputMet: boolean; p99Met: boolean }[];
}

export function runHostCost(log: (line: string) => void): Promise<HostCostResult> {
  return measure(MAIN_TARGETS, ROUNDS, log);
}

export function runHostCostBreakdown(log: (line: string) => void): Promise<HostCostResult> {
  return measure(BREAKDOWN_TARGETS, BREAKDOWN_ROUNDS, log);
}

async function measure(targets: ServerTarget[], rounds: number, log: (line: string) => void): Promise<HostCostResult> {
  const { child, servers } = await startServers();
  const proto = g2gProto();
  const clients = new Map<ServerTarget, grpc.Client>();
  try {
    for (const target of targets) {
      const client = new proto.g2g.v1.Gossip(
        `127.0.0.1:${servers.ports[target]}`,
        tlsCredentials({ caPem: servers.caPem, certPem: servers.clientCertPem, keyPem: servers.clientKeyPem, nodeId: servers.nodeId }),
        channelOptions(servers.nodeId),
      );
      clients.set(target, client);
      // Every target answers, and through authorisation (where there is any) as a member.
      const res = await ping(client, 7);
      if (res.nodeId !== servers.nodeId || Number(res.nonce) !== 7) throw new Error(`${target} answered ${JSON.stringify(res)}`);
    }
    const levels: LevelResult[] = [];
    for (const level of LEVELS) {
      log(`host-cost: concurrency ${level.concurrency}: ${level.warmupMs} ms warm-up per target, then ${rounds} rounds × ${level.windowMs} ms per target (${targets.join(', ')}, order reversed every other round)`);
      const pinger = (target: ServerTarget) => (nonce: number) => ping(clients.get(target)!, nonce);
      for (const target of targets) await runWindow(pinger(target), target, level.concurrency, level.warmupMs);
      const results: RoundResult[][] = [];
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? targets : [...targets].reverse();
        const round: RoundResult[] = [];
        for (const target of order) round.push(await runWindow(pinger(target), target, level.concurrency, level.windowMs));
        results.push(round);
        if ((r + 1) % 5 === 0 || r + 1 === rounds) {
          log(`  round ${r + 1}/${rounds}: ${round.map((x) => `${x.target} ${Math.round((x.calls / x.elapsedMs) * 1000)}/s`).join(', ')}`);
        }
      }
      levels.push({ concurrency: level.concurrency, rounds, windowMs: level.windowMs, targets: targets.map((t) => summarizeTarget(t, results)) });
    }
    return {
      targets: TARGETS,
      levels,
      verdict: levels.map((l) => {
        const host = l.targets.find((t) => t.target === 'host')!;
        return { concurrency: l.concurrency, throughputMet: host.vsBare.throughput >= TARGETS.throughputRatio, p99Met: host.vsBare.p99 <= TARGETS.p99Ratio };
      }),
    };
  } finally {
    for (const client of clients.values()) client.close();
    await stopForked(child);
  }
}

export function hostCostTable(r: HostCostResult): string {
  const rows: (string | number)[][] = [
    ['unary Gossip.Ping', 'calls/s', 'p50 ms', 'p99 ms', 'max ms', 'err', 'thr ×bare', 'per-round (median, range)', 'p50 ×bare', 'p99 ×bare'],
  ];
  for (const l of r.levels) {
    for (const t of l.targets) {
      rows.push([
        `c=${l.concurrency} ${t.target === 'host' ? 'host (g2g gossip port)' : t.target}`,
        Math.round(t.callsPerSecond),
        round(t.latencyMs.median, 3),
        round(t.latencyMs.p99, 3),
        round(t.latencyMs.max, 1),
        t.errors,
        t.vsBare.throughput.toFixed(3),
        `${t.throughputVsBarePerRound.median.toFixed(3)} (${t.throughputVsBarePerRound.min.toFixed(2)}–${t.throughputVsBarePerRound.max.toFixed(2)})`,
        t.vsBare.p50.toFixed(3),
        t.vsBare.p99.toFixed(3),
      ]);
    }
  }
  const verdict = r.verdict
    .map((v) => `c=${v.concurrency}: throughput ≥ ${r.targets.throughputRatio}× ${v.throughputMet ? 'met' : 'NOT met'}, p99 ≤ ${r.targets.p99Ratio}× ${v.p99Met ? 'met' : 'NOT met'}`)
    .join('; ');
  return `${table(rows)}\ntargets for host vs bare (pooled over all rounds) — ${verdict}`;
}

/** One target's figures over all rounds, and against `baseline` (pooled and round by round). */
export function summarizeTarget<T extends string>(target: T, rounds: RoundResult<T>[][], baseline = 'bare' as T): TargetSummary<T> {
  const pooled = (t: T) => {
    const mine = rounds.map((round) => round.find((x) => x.target === t)!);
    const calls = mine.reduce((a, x) => a + x.calls, 0);
    const ms = mine.reduce((a, x) => a + x.elapsedMs, 0);
    return { calls, errors: mine.reduce((a, x) => a + x.errors, 0), callsPerSecond: (calls / ms) * 1000, latencyMs: summarize(mine.flatMap((x) => x.latenciesMs)) };
  };
  const mine = pooled(target);
  const bare = target === baseline ? mine : pooled(baseline);
  const perRound = rounds.map((round) => {
    const rate = (t: T) => {
      const x = round.find((y) => y.target === t)!;
      return x.calls / x.elapsedMs;
    };
    return rate(target) / rate(baseline);
  });
  return {
    target,
    ...mine,
    vsBare: {
      throughput: round(mine.callsPerSecond / bare.callsPerSecond, 3),
      p50: round(mine.latencyMs.median / bare.latencyMs.median, 3),
      p99: round(mine.latencyMs.p99 / bare.latencyMs.p99, 3),
    },
    throughputVsBarePerRound: { median: round(median(perRound), 3), min: round(Math.min(...perRound), 3), max: round(Math.max(...perRound), 3) },
  };
}

/** Keeps `concurrency` calls in flight until `windowMs` has passed; failed calls are counted, not timed. */
export async function runWindow<T extends string>(call: (nonce: number) => Promise<unknown>, target: T, concurrency: number, windowMs: number): Promise<RoundResult<T>> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let nonce = 0;
  const started = performance.now();
  const stopAt = started + windowMs;
  const worker = async () => {
    while (performance.now() < stopAt) {
      const t = performance.now();
      try {
        await call(nonce++);
        latenciesMs.push(performance.now() - t);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { target, calls: latenciesMs.length, errors, elapsedMs: performance.now() - started, latenciesMs };
}

function ping(client: grpc.Client, nonce: number): Promise<{ nonce: number | string; nodeId: string }> {
  return new Promise((resolve, reject) => {
    (client as unknown as { Ping: Function }).Ping(
      { nonce },
      { deadline: Date.now() + CALL_TIMEOUT_MS },
      (error: grpc.ServiceError | null, res: { nonce: number | string; nodeId: string }) => (error ? reject(error) : resolve(res)),
    );
  });
}

async function startServers(): Promise<{ child: ChildProcess; servers: HostCostServers }> {
  const { child, ready } = await forkReady<HostCostServers>(path.join(__dirname, 'host-cost-server.js'), 'the host-cost servers', READY_TIMEOUT_MS);
  return { child, servers: ready };
}
