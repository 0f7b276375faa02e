import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import path from 'node:path';
import { removeDir, reusableTicket, tempDir } from '../helpers/node-process';
import type { WorkerCommand, WorkerReply } from './channel-bench-worker';
import { median, percentile, round } from './stats';

/*
 * Channel benchmark: a 16-node cluster of real node processes (local
 * profile, loopback, mutual TLS, one ticket), each driven over IPC by a small test-only worker
 * (channel-bench-worker.ts). Measured, per phase: the messages/s the cluster disseminates with
 * every node receiving every message (from the first publish until the last node has them all),
 * delivery latency p50/p99 (receive − publish, others' messages only), and memory per node
 * sampled every second while publishers run as fast as backpressure lets them.
 * Baseline, same run: RSA-2048 signatures/s on one thread (each message costs its origin one
 * signature and every other node one verification).
 */

/** Nodes (G2G_BENCH_CHANNEL_NODES overrides it, for quick looks; the README's figures use 16). */
const N = Number(process.env.G2G_BENCH_CHANNEL_NODES ?? 16);
const SIZE = 256;
const WORKER = path.resolve(__dirname, 'channel-bench-worker.js');
/** Joiners started at once (each join costs the seed a connect-back handshake). */
const JOIN_BATCH = 4;

export interface PhaseResult {
  name: string;
  publishers: number;
  /** Offered rate for paced phases (messages/s, all publishers together); null: as fast as backpressure allows. */
  pacedRate: number | null;
  size: number;
  published: number;
  /** First publish → every node holds every message. */
  seconds: number;
  messagesPerSecond: number;
  /** Every node received exactly `published` messages of the phase. */
  complete: boolean;
  latencyMs: { p50: number; p99: number; max: number; samples: number };
  memory: { rssMaxMb: number; heapFirstMb: number; heapLastMb: number; heapMaxMb: number; retainedMax: number; queuedMax: number; publishersWaitingMax: number; inFlightMaxMb: number };
}

export interface ChannelBenchResult {
  nodes: number;
  setup: string;
  baseline: { rsaSignaturesPerSecond: number; rsaVerificationsPerSecond: number };
  phases: PhaseResult[];
}

class Worker {
  readonly child: ChildProcess;
  nodeId = '';
  private readonly waiting = new Map<string, ((r: WorkerReply) => void)[]>();

  constructor(readonly dataDir: string) {
    this.child = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
    this.child.on('message', (r: WorkerReply) => {
      if (r.type === 'error') {
        process.stderr.write(`channel bench worker ${this.nodeId}: ${r.message}\n`);
        return;
      }
      this.waiting.get(r.type)?.shift()?.(r);
    });
  }

  request<T extends WorkerReply['type']>(cmd: WorkerCommand, reply: T, timeoutMs = 120_000): Promise<Extract<WorkerReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${this.nodeId}: no ${reply} within ${timeoutMs} ms`)), timeoutMs);
      const list = this.waiting.get(reply) ?? [];
      list.push((r) => {
        clearTimeout(timer);
        resolve(r as Extract<WorkerReply, { type: T }>);
      });
      this.waiting.set(reply, list);
      this.child.send(cmd);
    });
  }

  /** Starts the node; false if it could not (e.g. a join whose connect-back timed out on a loaded machine). */
  async start(flags: Record<string, string>): Promise<boolean> {
    const started = await this.request({ type: 'start', flags: { profile: 'local', 'data-dir': this.dataDir, 'register-port': '0', 'gossip-port': '0', ...flags } }, 'started');
    this.nodeId = started.nodeId;
    return started.error === undefined;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** A joined node, retried with a fresh process and data dir when a join fails. */
async function joinedWorker(ticket: string, dirs: string[], log: (line: string) => void): Promise<Worker> {
  for (let attempt = 1; ; attempt++) {
    const dir = await tempDir('g2g-bench-channel-');
    dirs.push(dir);
    const w = new Worker(dir);
    if (await w.start({ join: ticket })) return w;
    w.kill();
    if (attempt === 3) throw new Error('a node could not join in 3 attempts');
    log(`channel: a join failed (attempt ${attempt}); retrying with a fresh node`);
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, pollMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return false;
}

function rsaBaseline(): { rsaSignaturesPerSecond: number; rsaVerificationsPerSecond: number } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.alloc(SIZE + 120, 1);
  let n = 0;
  let t = Date.now();
  let signature = Buffer.alloc(0);
  while (Date.now() - t < 1000) {
    signature = sign('sha256', data, privateKey);
    n++;
  }
  const signs = n / ((Date.now() - t) / 1000);
  n = 0;
  t = Date.now();
  while (Date.now() - t < 1000) {
    verify('sha256', data, publicKey, signature);
    n++;
  }
  return { rsaSignaturesPerSecond: Math.round(signs), rsaVerificationsPerSecond: Math.round(n / ((Date.now() - t) / 1000)) };
}

async function runPhase(
  workers: Worker[],
  log: (line: string) => void,
  spec: { name: string; publishers: number; durationMs: number; pacedRate: number | null },
): Promise<PhaseResult> {
  const publishers = workers.slice(0, spec.publishers);
  const perPublisher = spec.pacedRate === null ? 0 : spec.pacedRate / spec.publishers;
  const samples: Extract<WorkerReply, { type: 'sample' }>[][] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push(await Promise.all(workers.map((w) => w.request({ type: 'sample' }, 'sample'))));
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  const t0 = Date.now();
  const published = await Promise.all(
    publishers.map((w) => w.request({ type: 'publish', phase: spec.name, durationMs: spec.durationMs, ratePerSecond: perPublisher, size: SIZE, window: 32 }, 'published', spec.durationMs + 120_000)),
  );
  const total = published.reduce((n, p) => n + p.count, 0);
  log(`channel: ${spec.name}: ${total} published in ${Date.now() - t0} ms; waiting for every node to hold them all`);
  let counts: number[] = [];
  const complete = await waitFor(async () => {
    counts = (await Promise.all(workers.map((w) => w.request({ type: 'delivered', phase: spec.name, latencies: false }, 'delivered')))).map((d) => d.count);
    return counts.every((c) => c >= total);
  }, 120_000);
  const seconds = (Date.now() - t0) / 1000;
  sampling = false;
  await sampler;
  const final = await Promise.all(workers.map((w) => w.request({ type: 'delivered', phase: spec.name, latencies: true }, 'delivered')));
  const latencies = final.flatMap((d) => d.latencies);
  const exact = final.every((d) => d.count === total);
  const heap = samples.map((round) => median(round.map((s) => s.heapMb)));
  const result: PhaseResult = {
    name: spec.name,
    publishers: spec.publishers,
    pacedRate: spec.pacedRate,
    size: SIZE,
    published: total,
    seconds: round(seconds, 2),
    messagesPerSecond: Math.round(total / seconds),
    complete: complete && exact,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: percentile(latencies, 100), samples: latencies.length },
    memory: {
      rssMaxMb: round(Math.max(...samples.flat().map((s) => s.rssMb)), 1),
      heapFirstMb: round(heap[0] ?? Number.NaN, 1),
      heapLastMb: round(heap[heap.length - 1] ?? Number.NaN, 1),
      heapMaxMb: round(Math.max(...samples.flat().map((s) => s.heapMb)), 1),
      retainedMax: Math.max(...samples.flat().map((s) => s.retained)),
      queuedMax: Math.max(...samples.flat().map((s) => s.queued)),
      publishersWaitingMax: Math.max(...samples.flat().map((s) => s.waiting)),
      inFlightMaxMb: round(Math.max(...samples.flat().map((s) => s.inFlightMb)), 2),
    },
  };
  log(`channel: ${spec.name}: ${result.messagesPerSecond} msg/s to all ${N}, latency p50 ${result.latencyMs.p50} ms p99 ${result.latencyMs.p99} ms, complete ${result.complete} (counts ${counts.join(',')})`);
  return result;
}

export async function runChannel(log: (line: string) => void): Promise<ChannelBenchResult> {
  const baseline = rsaBaseline();
  log(`channel: baseline RSA-2048 ${baseline.rsaSignaturesPerSecond} signatures/s, ${baseline.rsaVerificationsPerSecond} verifications/s on one thread`);
  const dirs = [await tempDir('g2g-bench-channel-')];
  const workers = [new Worker(dirs[0]!)];
  try {
    if (!(await workers[0]!.start({}))) throw new Error('the first node did not start');
    const ticket = await reusableTicket(dirs[0]!);
    log(`channel: starting ${N - 1} more node processes with one ticket, ${JOIN_BATCH} at a time`);
    while (workers.length < N) {
      const batch = Math.min(JOIN_BATCH, N - workers.length);
      workers.push(...(await Promise.all(Array.from({ length: batch }, () => joinedWorker(ticket, dirs, log)))));
    }
    let views: number[] = [];
    const converged = await waitFor(async () => {
      views = (await Promise.all(workers.map((w) => w.request({ type: 'peers' }, 'peers')))).map((p) => p.count);
      return views.every((count) => count === N - 1);
    }, 120_000, 250);
    if (!converged) throw new Error(`the cluster did not converge (alive server peers per node: ${views.join(',')})`);
    log('channel: cluster converged');
    const phases: PhaseResult[] = [];
    await runPhase(workers, log, { name: 'warmup', publishers: N, durationMs: 2000, pacedRate: 160 });
    phases.push(await runPhase(workers, log, { name: 'max-1', publishers: 1, durationMs: 10_000, pacedRate: null }));
    const all = await runPhase(workers, log, { name: 'max-16', publishers: N, durationMs: 15_000, pacedRate: null });
    phases.push(all);
    const paced = Math.max(16, Math.round(all.messagesPerSecond / 2 / 16) * 16);
    phases.push(await runPhase(workers, log, { name: 'paced-16', publishers: N, durationMs: 10_000, pacedRate: paced }));
    return { nodes: N, setup: `${N} node processes (local profile, loopback, mutual TLS), driven over IPC; ${SIZE}-byte messages`, baseline, phases };
  } finally {
    await Promise.all(workers.map((w) => w.request({ type: 'stop' }, 'stopped', 15_000).catch(() => w.kill())));
    for (const w of workers) w.kill();
    await Promise.all(dirs.map((d) => removeDir(d)));
  }
}

export function channelTable(r: ChannelBenchResult): string {
  const lines = [
    `${r.setup}`,
    `baseline: RSA-2048 ${r.baseline.rsaSignaturesPerSecond} signatures/s, ${r.baseline.rsaVerificationsPerSecond} verifications/s (one thread)`,
    '',
    'phase     publishers  offered      msg/s to all      × sign baseline   latency p50 / p99 / max   complete   RSS max   heap first→last (max)   retained max   queue max   waiting max',
  ];
  for (const p of r.phases) {
    lines.push(
      [
        p.name.padEnd(9),
        String(p.publishers).padStart(10),
        (p.pacedRate === null ? 'max' : `${p.pacedRate}/s`).padStart(9),
        String(p.messagesPerSecond).padStart(17),
        `${round(p.messagesPerSecond / r.baseline.rsaSignaturesPerSecond, 2)}×`.padStart(17),
        `${p.latencyMs.p50} / ${p.latencyMs.p99} / ${p.latencyMs.max} ms`.padStart(25),
        String(p.complete).padStart(10),
        `${p.memory.rssMaxMb} MB`.padStart(9),
        `${p.memory.heapFirstMb}→${p.memory.heapLastMb} (${p.memory.heapMaxMb}) MB`.padStart(23),
        String(p.memory.retainedMax).padStart(14),
        String(p.memory.queuedMax).padStart(11),
        String(p.memory.publishersWaitingMax).padStart(13),
      ].join(' '),
    );
  }
  return lines.join('\n');
}
