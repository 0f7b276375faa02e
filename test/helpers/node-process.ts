import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RuntimeFacts } from '../../src/node/runtime-file';

/** The compiled CLI (tests run from dist/test/, the CLI is dist/src/cli/main.js). */
export const CLI = path.resolve(__dirname, '../../src/cli/main.js');

export interface NodeProcess {
  child: ChildProcess;
  dataDir: string;
  facts: RuntimeFacts;
  stdout(): string;
  stderr(): string;
  /** Sends a signal and resolves to the exit code (bounded: SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/**
 * Every process spawned here dies with the test process. A test file that times out is sent
 * SIGTERM by the test runner and its `after` hooks never run; without this its node processes
 * would be orphaned and keep gossiping, loading the machine for every later test (SIGKILL of the
 * test process itself cannot be caught, so that case still orphans them).
 */
const spawned = new Set<ChildProcess>();
let reaperInstalled = false;

function killWithUs(child: ChildProcess): void {
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
  if (reaperInstalled) return;
  reaperInstalled = true;
  const killAll = () => {
    for (const c of spawned) c.kill('SIGKILL');
  };
  process.once('exit', killAll);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      // The handler is gone now: the default action (termination by this signal) applies.
      process.kill(process.pid, signal);
    });
  }
}

/**
 * The V8 flags a node is run with: those of the `g2g` executable's shebang, which the image and
 * the systemd unit repeat (young generation capped at 2 MiB per semi-space and V8's
 * --optimize-for-size; docs/performance.md, Memory), so tests and benchmarks measure the node as
 * shipped and cannot drift from it.
 */
export const NODE_FLAGS: readonly string[] = words(
  // G2G_TEST_NODE_FLAGS: other flags for a comparison (empty: V8's defaults), e.g. the cluster benchmark's RSS line.
  process.env.G2G_TEST_NODE_FLAGS ?? shippedNodeFlags(),
);

/** The node flags the g2g executable's own shebang passes (`#!/usr/bin/env -S node …`): one place says them. */
export function shippedNodeFlags(): string {
  const shebang = readFileSync(CLI, 'utf8').split('\n', 1)[0]!;
  const flags = /^#!\S*env -S node(?: (.*))?$/.exec(shebang);
  if (!flags) throw new Error(`${CLI} does not start with a "#!/usr/bin/env -S node …" line: ${shebang}`);
  return flags[1] ?? '';
}

function words(text: string): string[] {
  return text.split(' ').filter((w) => w !== '');
}

export async function tempDir(prefix = 'g2g-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/**
 * Starts `g2g start` as a real process on OS-chosen loopback ports with the `local` profile and
 * waits (bounded) until it has written its runtime facts, i.e. until both ports are bound.
 */
export async function startNodeProcess(options: { dataDir?: string; args?: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number; wrapper?: string[] } = {}): Promise<NodeProcess> {
  const dataDir = options.dataDir ?? (await tempDir());
  const args = [...NODE_FLAGS, CLI, 'start', '--profile', 'local', '--data-dir', dataDir, '--register-port', '0', '--gossip-port', '0', '--log-level', 'warn', ...(options.args ?? [])];
  // `wrapper` runs the node under a command that execs it (e.g. prlimit --nofile=512:512 --): same pid.
  const [command, ...prefix] = [...(options.wrapper ?? []), process.execPath];
  const child = spawn(command!, [...prefix, ...args], { env: { ...cleanEnv(), ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  killWithUs(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let facts: RuntimeFacts | undefined;
  while (!facts) {
    if (child.exitCode !== null) throw new Error(`node exited with ${child.exitCode} before serving:\n${err}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`node did not start in time:\n${err}`);
    }
    facts = await readFile(path.join(dataDir, 'runtime.json'), 'utf8').then(
      (t) => JSON.parse(t) as RuntimeFacts,
      () => undefined,
    );
    if (facts && facts.pid !== child.pid) facts = undefined;
    // The serving line is printed after the runtime file; wait for it so stdout assertions hold.
    if (facts && !out.includes('check it:')) facts = undefined;
    if (!facts) await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    dataDir,
    facts,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs the CLI to completion (bounded) and returns its exit code and output. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...cleanEnv(), ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    killWithUs(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A reusable join ticket nominated by the node whose data directory is `dataDir`; throws with the CLI's stderr when nominate fails. */
export async function reusableTicket(dataDir: string): Promise<string> {
  const nominated = await runCli(['nominate', '--reusable', '--data-dir', dataDir]);
  if (nominated.code !== 0) throw new Error(`nominate --reusable failed (exit ${nominated.code}): ${nominated.stderr}`);
  return nominated.stdout.trim();
}

/** `n` node processes with the same `args`: the first starts a network, the rest join it with one reusable ticket (also returned). */
export async function startCluster(n: number, options: { args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<{ nodes: NodeProcess[]; ticket: string }> {
  const first = await startNodeProcess(options);
  const ticket = await reusableTicket(first.dataDir);
  const rest = await Promise.all(Array.from({ length: n - 1 }, () => startNodeProcess({ ...options, env: { ...options.env, G2G_JOIN: ticket } })));
  return { nodes: [first, ...rest], ticket };
}

/** The environment without any G2G_* variables of the developer's shell. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('G2G_')));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
