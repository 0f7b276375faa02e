import { spawn } from 'node:child_process';
import path from 'node:path';

/** The repository root (tests run from dist/test/helpers). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface ExecResult {
  /** Exit code; null when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the process was killed because it overran `timeoutMs`. */
  timedOut: boolean;
  /** The command line, for assertion messages. */
  command: string;
}

/**
 * Runs an outside tool to completion, bounded by `timeoutMs`. The tool runs in its own process
 * group and the whole group is killed on overrun: npm's `buf` is a Node wrapper that spawns the
 * Go binary, and killing only the wrapper would orphan the binary.
 */
export function exec(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  const command = [file, ...args].join(' ');
  return new Promise((resolve) => {
    const child = spawn(file, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs ?? 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}${String(error)}`, timedOut, command });
    });
    // 'close' (not 'exit') so that all output has been read.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, command });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** A one-line description of a result for assertion messages. */
export function describeResult(r: ExecResult): string {
  return `${r.command}\n  exit ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}\n  stdout: ${r.stdout.trim()}\n  stderr: ${r.stderr.trim()}`;
}
