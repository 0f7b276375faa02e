import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as grpc from '@grpc/grpc-js';
import { readNodeCaFiles } from '../../src/identity/identity-store';
import { issueOperatorCertificate, type Leaf } from '../../src/identity/leaf';
import type { NodeCa } from '../../src/identity/node-ca';
import type { RuntimeFacts } from '../../src/node/runtime-file';
import { call, healthClient, type TlsMaterial } from '../helpers/clients';
import { CLI, cleanEnv, removeDir, tempDir } from '../helpers/node-process';
import { round, summarize, table, type Summary } from './stats';

/*
 * Start-up: spawn `g2g start --profile local` on ports 0 until BOTH ports answer
 * grpc.health.v1.Health/Check with SERVING (register port over TLS pinned to the node CA; gossip
 * port over mutual TLS with an operator certificate). Ports are learnt from runtime.json, written
 * just after binding, so the probe never dials a port that is not bound yet.
 *
 * Baseline, measured in the same rounds: spawn of a bare `node` that prints one line, i.e. the
 * floor any Node CLI pays (process creation, V8 and bootstrap). A second reference row loads the
 * node's module graph (G2gNode and config: grpc-js, node-forge, pino, prom-client, protobufjs…)
 * and prints, without starting anything, to split module loading from start-up work.
 */

const RUNS = 5;
const POLL_MS = 2;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
/**
 * The probe's gossip-port certificate, issued by the bench while the node starts. 1024-bit so its
 * key generation (on this process's thread pool) stays off the critical path; each sample
 * records whether it did (`probeCertLate`).
 */
const PROBE_KEY_BITS = 1024;

export interface StartSample {
  /** Spawn → runtime.json (both ports bound). */
  boundMs: number;
  registerServingMs: number;
  gossipServingMs: number;
  /** Spawn → both ports SERVING: the figure this benchmark is about. */
  readyMs: number;
  /** True if the probe's own certificate was ready only after the ports were bound. */
  probeCertLate: boolean;
}

export interface StartupResult {
  runs: number;
  baselineNodeSpawnMs: Summary;
  loadModulesOnlyMs: Summary;
  emptyDataDir: { readyMs: Summary; boundMs: Summary; registerServingMs: Summary; gossipServingMs: Summary; probeCertLateRuns: number };
  existingDataDir: { readyMs: Summary; boundMs: Summary; registerServingMs: Summary; gossipServingMs: Summary; probeCertLateRuns: number };
  ratios: { loadModulesVsBaseline: number; emptyVsBaseline: number; existingVsBaseline: number; emptyVsExisting: number };
}

const LOAD_MODULES_SCRIPT = `require(${JSON.stringify(path.resolve(__dirname, '../../src/node/g2g-node.js'))}); require(${JSON.stringify(path.resolve(__dirname, '../../src/config/index.js'))}); process.stdout.write('ready\\n');`;
const BARE_SCRIPT = 'process.stdout.write("ready\\n")';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runStartup(log: (line: string) => void): Promise<StartupResult> {
  log(`startup: ${RUNS} runs each of bare node (baseline), node loading g2g's modules, g2g with an empty data dir, g2g with an existing one, interleaved`);
  // Warm-up (discarded): fills the OS file cache and creates the identity the "existing" runs reuse.
  const existingDir = await tempDir('g2g-bench-existing-');
  await measureG2gStart(existingDir);
  const ca = await readNodeCaFiles(existingDir);
  const existingProbe = await issueOperatorCertificate(ca, { name: 'bench', now: new Date(), lifetimeMs: 3_600_000, keyBits: PROBE_KEY_BITS });
  await measureNodeScript(BARE_SCRIPT);
  await measureNodeScript(LOAD_MODULES_SCRIPT);

  const baseline: number[] = [];
  const modules: number[] = [];
  const empty: StartSample[] = [];
  const existing: StartSample[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      // Rotate the order each round so that drift and other processes' load spread over all kinds.
      const steps = [
        async () => baseline.push(await measureNodeScript(BARE_SCRIPT)),
        async () => modules.push(await measureNodeScript(LOAD_MODULES_SCRIPT)),
        async () => {
          const dir = await tempDir('g2g-bench-empty-');
          try {
            empty.push(await measureG2gStart(dir));
          } finally {
            await removeDir(dir);
          }
        },
        async () => existing.push(await measureG2gStart(existingDir, { ca, probe: existingProbe })),
      ];
      for (let i = 0; i < steps.length; i++) await steps[(run + i) % steps.length]!();
      log(`  run ${run + 1}/${RUNS}: node ${round(baseline.at(-1)!, 1)} ms, modules ${round(modules.at(-1)!, 1)} ms, empty ${round(empty.at(-1)!.readyMs, 1)} ms, existing ${round(existing.at(-1)!.readyMs, 1)} ms`);
    }
  } finally {
    await removeDir(existingDir);
  }

  const group = (samples: StartSample[]) => ({
    readyMs: summarize(samples.map((s) => s.readyMs)),
    boundMs: summarize(samples.map((s) => s.boundMs)),
    registerServingMs: summarize(samples.map((s) => s.registerServingMs)),
    gossipServingMs: summarize(samples.map((s) => s.gossipServingMs)),
    probeCertLateRuns: samples.filter((s) => s.probeCertLate).length,
  });
  const baselineNodeSpawnMs = summarize(baseline);
  const loadModulesOnlyMs = summarize(modules);
  const emptyDataDir = group(empty);
  const existingDataDir = group(existing);
  return {
    runs: RUNS,
    baselineNodeSpawnMs,
    loadModulesOnlyMs,
    emptyDataDir,
    existingDataDir,
    ratios: {
      loadModulesVsBaseline: round(loadModulesOnlyMs.median / baselineNodeSpawnMs.median),
      emptyVsBaseline: round(emptyDataDir.readyMs.median / baselineNodeSpawnMs.median),
      existingVsBaseline: round(existingDataDir.readyMs.median / baselineNodeSpawnMs.median),
      emptyVsExisting: round(emptyDataDir.readyMs.median / existingDataDir.readyMs.median),
    },
  };
}

export function startupTable(r: StartupResult): string {
  const ms = (v: number) => round(v, 1);
  const row = (name: string, s: Summary, ratio: string) => [name, ms(s.median), ms(s.min), ms(s.max), ratio];
  return table([
    ['spawn → ready (g2g: both ports SERVING) (ms)', 'median', 'min', 'max', '× baseline'],
    row('baseline: bare node spawn', r.baselineNodeSpawnMs, '1.00'),
    row('reference: node + load g2g modules, no start', r.loadModulesOnlyMs, r.ratios.loadModulesVsBaseline.toFixed(2)),
    row('g2g, empty data dir (identity created)', r.emptyDataDir.readyMs, r.ratios.emptyVsBaseline.toFixed(2)),
    row('  of which spawn → ports bound', r.emptyDataDir.boundMs, ''),
    row('g2g, existing data dir', r.existingDataDir.readyMs, r.ratios.existingVsBaseline.toFixed(2)),
    row('  of which spawn → ports bound', r.existingDataDir.boundMs, ''),
  ]) + `\nempty / existing (median): ${r.ratios.emptyVsExisting.toFixed(2)}×; runs where the probe's certificate was late: empty ${r.emptyDataDir.probeCertLateRuns}, existing ${r.existingDataDir.probeCertLateRuns}`;
}

/** Spawn → first output on stdout of `node -e script`. */
async function measureNodeScript(script: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', script], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.stdout!.once('data', () => resolve(performance.now() - t0));
      child.once('exit', (code) => reject(new Error(`node -e exited with ${code} before printing`)));
    });
  } finally {
    clearTimeout(timer);
    await exited(child);
  }
}

async function measureG2gStart(dataDir: string, known?: { ca: NodeCa; probe: Leaf }): Promise<StartSample> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let stderr = '';
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [CLI, 'start', '--profile', 'local', '--data-dir', dataDir, '--register-port', '0', '--gossip-port', '0', '--log-level', 'warn'],
    { env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const alive = () => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`g2g exited (${child.exitCode ?? child.signalCode}) before serving:\n${stderr}`);
    if (Date.now() > deadline) throw new Error(`g2g did not serve within ${START_TIMEOUT_MS} ms:\n${stderr}`);
  };
  try {
    // Runs alongside the node's own start: waits for the identity files, then issues the probe cert.
    const material = (async () => {
      if (known) return { ca: known.ca, probe: known.probe, at: 0 };
      const ca = await pollUntil(alive, () => readNodeCaFiles(dataDir).catch(() => undefined));
      const probe = await issueOperatorCertificate(ca, { name: 'bench', now: new Date(), lifetimeMs: 3_600_000, keyBits: PROBE_KEY_BITS });
      return { ca, probe, at: performance.now() - t0 };
    })();
    const facts = await pollUntil(alive, () => readFacts(dataDir, child.pid!));
    const boundMs = performance.now() - t0;
    const { ca, probe, at } = await material;
    const server: TlsMaterial = { caPem: ca.certPem, nodeId: ca.nodeId };
    const [registerServingMs, gossipServingMs] = await Promise.all([
      pollServing(`${facts.host}:${facts.registerPort}`, server, alive, t0),
      pollServing(`${facts.host}:${facts.gossipPort}`, { ...server, certPem: probe.certPem, keyPem: probe.keyPem }, alive, t0),
    ]);
    return { boundMs, registerServingMs, gossipServingMs, readyMs: Math.max(registerServingMs, gossipServingMs), probeCertLate: at > boundMs };
  } finally {
    await stopChild(child);
  }
}

async function pollUntil<T>(alive: () => void, attempt: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    alive();
    const value = await attempt();
    if (value !== undefined) return value;
    await sleep(POLL_MS);
  }
}

async function readFacts(dataDir: string, pid: number): Promise<RuntimeFacts | undefined> {
  try {
    const facts = JSON.parse(await readFile(path.join(dataDir, 'runtime.json'), 'utf8')) as RuntimeFacts;
    return facts.pid === pid ? facts : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Time from t0 until Check('') answers SERVING. A fresh client per attempt: a failed grpc-js
 * channel backs off for a second before reconnecting, which would be measured as start-up.
 */
async function pollServing(address: string, tls: TlsMaterial, alive: () => void, t0: number): Promise<number> {
  for (;;) {
    alive();
    const client: grpc.Client = healthClient(address, tls);
    try {
      const res = await call<{ status: string | number }>(client, 'Check', { service: '' }, 1_000);
      if (res.status === 'SERVING' || res.status === 1) return performance.now() - t0;
    } catch {
      // not serving yet (TLS credentials still loading, or NOT_SERVING): try again
    } finally {
      client.close();
    }
    await sleep(POLL_MS);
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited(child);
  clearTimeout(timer);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
