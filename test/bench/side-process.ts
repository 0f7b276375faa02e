import { execFile, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { RESULT_PREFIX, type SideResult, type SideSpec } from './cluster-side';

const run = promisify(execFile);

/*
 * Runs one side of a cluster benchmark (cluster-side.ts) in a network namespace of its own, with
 * only a loopback interface, so that the namespace's loopback counters hold exactly what that
 * side's processes sent: every socket (TCP and UDP, TLS included, connections that opened and
 * closed inside the window too). Per-socket counters (`ss -ti` bytes_sent) would miss UDP and
 * closed connections; /proc/<pid>/io wchar counts files and pipes and misses sendto/sendmsg;
 * iptables owner matches need a uid per process. Needs root and iproute2; without them the side
 * runs in this namespace and bytes are not reported (and the reason is).
 */

const SIDE = path.join(__dirname, 'cluster-side.js');

export interface SideRun {
  result: SideResult;
  /** Why bytes were not counted, when they were not. */
  bytesUnavailable?: string;
}

export async function runSide(spec: SideSpec, log: (line: string) => void, timeoutMs: number): Promise<SideRun> {
  const ns = `bench${spec.side.slice(0, 4)}${process.pid}`;
  const bytesUnavailable = await createNamespace(ns);
  if (bytesUnavailable) log(`${spec.side}: bytes will not be counted: ${bytesUnavailable}`);
  const argv = [process.execPath, SIDE, JSON.stringify({ ...spec, measure: { ...spec.measure, countBytes: !bytesUnavailable } })];
  try {
    // `ip netns exec` execs the command: the child's pid is the side runner's, so the timeout's
    // SIGTERM reaches its reaper, which kills the nodes it started.
    const child = bytesUnavailable ? spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    // If this process is stopped, the side (and through its reaper, its nodes) and the
    // namespace go with it.
    const onSignal = (signal: NodeJS.Signals) => {
      child.kill('SIGTERM');
      if (!bytesUnavailable) {
        try {
          execFileSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
        } catch {
          // Already gone, or ip failed: nothing more to do on the way out.
        }
      }
      process.kill(process.pid, signal);
    };
    const signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
    for (const signal of signals) process.once(signal, onSignal);
    child.once('exit', () => {
      for (const signal of signals) process.off(signal, onSignal);
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      let nl: number;
      while ((nl = err.indexOf('\n')) >= 0) {
        log(err.slice(0, nl));
        err = err.slice(nl + 1);
      }
    });
    const timer = setTimeout(() => {
      log(`${spec.side}: no result after ${timeoutMs} ms, stopping it`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, timeoutMs);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
    if (code !== 0 || !line) throw new Error(`the ${spec.side} side failed (exit ${code})${err ? `: ${err}` : ''}`);
    return { result: JSON.parse(line.slice(RESULT_PREFIX.length)) as SideResult, ...(bytesUnavailable ? { bytesUnavailable } : {}) };
  } finally {
    if (!bytesUnavailable) await run('ip', ['netns', 'del', ns]).catch(() => undefined);
  }
}

/** Creates `ns` with its loopback up; returns why it could not, or undefined. */
async function createNamespace(ns: string): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    await run('ip', ['netns', 'del', ns]).catch(() => undefined);
    await run('ip', ['netns', 'add', ns], { timeout: 10_000 });
    await run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up'], { timeout: 10_000 });
    return undefined;
  } catch (error) {
    await run('ip', ['netns', 'del', ns]).catch(() => undefined);
    return `could not create a network namespace: ${(error as Error).message}`;
  }
}
