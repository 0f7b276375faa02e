import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { MeasuredCluster } from './cluster-measure';

const run = promisify(execFile);

/**
 * hashicorp/memberlist nodes as processes, one per node (test/bench/memberlist/main.go), for the
 * comparison benchmark. Built from Debian's packages in GOPATH mode: the machine reaches Debian
 * and npm only, never the Go module proxy.
 */

/** Where Debian's golang-github-hashicorp-memberlist-dev puts the source. */
const GOCODE = '/usr/share/gocode';
const SOURCE = path.resolve(__dirname, '../../../test/bench/memberlist');

/** Why memberlist cannot be built here, or undefined when it can. */
export async function memberlistUnavailable(): Promise<string | undefined> {
  try {
    await run('go', ['version'], { timeout: 10_000 });
  } catch {
    return 'the go command is missing: apt-get install -y golang-go';
  }
  if (!existsSync(path.join(GOCODE, 'src/github.com/hashicorp/memberlist/memberlist.go'))) {
    return `hashicorp/memberlist is not under ${GOCODE}: apt-get install -y golang-github-hashicorp-memberlist-dev`;
  }
  if (!existsSync(path.join(SOURCE, 'main.go'))) return `the benchmark's Go source is missing: ${SOURCE}/main.go`;
  return undefined;
}

/** Compiles the node program into a new temporary directory; returns the binary's path and memberlist's packaged version. */
export async function buildMemberlistNode(): Promise<{ binary: string; version: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'g2g-bench-memberlist-'));
  const binary = path.join(dir, 'memberlist-node');
  const env = { ...process.env, GO111MODULE: 'off', GOPATH: `${dir}/gopath:${GOCODE}`, GOPROXY: 'off', GOFLAGS: '', GOCACHE: path.join(os.tmpdir(), 'g2g-bench-gocache') };
  try {
    await run('go', ['build', '-o', binary, '.'], { cwd: SOURCE, env, timeout: 300_000 });
  } catch (error) {
    throw new Error(`building the memberlist node failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
  const version = await run('dpkg-query', ['-W', '-f', '${Version}', 'golang-github-hashicorp-memberlist-dev']).then(
    (r) => r.stdout.trim(),
    () => 'unknown',
  );
  return { binary, version };
}

interface MemberlistNode {
  name: string;
  child: ChildProcess;
  port: number;
  /** Names this node lists alive (itself excluded). */
  alive: Set<string>;
  dead: Set<string>;
}

export class MemberlistCluster implements MeasuredCluster {
  private constructor(private readonly nodes: MemberlistNode[]) {}

  /**
   * Starts `n` nodes: the first, then the rest `batch` at a time (as the g2g side is started, so
   * that "all serving → full view" starts from the same situation), each joining the first. On
   * failure kills what it started.
   */
  static async start(binary: string, n: number, batch = n, timeoutMs = 60_000): Promise<{ cluster: MemberlistCluster; allServingMs: number }> {
    const nodes: MemberlistNode[] = [];
    const cluster = new MemberlistCluster(nodes);
    try {
      nodes.push(await startNode(binary, 'm0', undefined, timeoutMs));
      const seed = `127.0.0.1:${nodes[0]!.port}`;
      const t = Date.now();
      while (nodes.length < n) {
        const first = nodes.length;
        const results = await Promise.allSettled(Array.from({ length: Math.min(batch, n - first) }, (_, i) => startNode(binary, `m${first + i}`, seed, timeoutMs)));
        for (const r of results) if (r.status === 'fulfilled') nodes.push(r.value);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      }
      return { cluster, allServingMs: Date.now() - t };
    } catch (error) {
      cluster.stop();
      throw error;
    }
  }

  pids(): number[] {
    return this.nodes.map((n) => n.child.pid!);
  }

  async fullView(): Promise<boolean> {
    const live = this.live();
    return live.every((n) => live.every((m) => m === n || n.alive.has(m.name)));
  }

  async killLast(): Promise<() => Promise<boolean>> {
    const victim = this.nodes[this.nodes.length - 1]!;
    victim.child.kill('SIGKILL');
    return async () => this.live().every((n) => n.dead.has(victim.name));
  }

  /** Kills every node by pid (idempotent). */
  stop(): void {
    for (const n of this.nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGKILL');
  }

  private live(): MemberlistNode[] {
    return this.nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
  }
}

const children = new Set<ChildProcess>();
let reaper = false;

/** Node processes die with this one (as test/helpers/node-process.ts does for g2g nodes). */
function killWithUs(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (reaper) return;
  reaper = true;
  const killAll = () => {
    for (const c of children) c.kill('SIGKILL');
  };
  process.once('exit', killAll);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

function startNode(binary: string, name: string, join: string | undefined, timeoutMs: number): Promise<MemberlistNode> {
  const child = spawn(binary, ['-name', name, ...(join ? ['-join', join] : []), '-gossip', '200ms', '-probe', '1s'], { stdio: ['ignore', 'pipe', 'pipe'] });
  killWithUs(child);
  const node: MemberlistNode = { name, child, port: 0, alive: new Set(), dead: new Set() };
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`memberlist node ${name} did not start in ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`memberlist node ${name} exited with ${code}: ${err}`));
    });
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const event = JSON.parse(buffered.slice(0, nl)) as { event: string; name: string; port?: number };
        buffered = buffered.slice(nl + 1);
        if (event.event === 'ready') {
          node.port = event.port!;
          clearTimeout(timer);
          resolve(node);
        } else if (event.name !== name && event.event === 'join') {
          node.alive.add(event.name);
          node.dead.delete(event.name);
        } else if (event.name !== name && event.event === 'leave') {
          node.alive.delete(event.name);
          node.dead.add(event.name);
        }
      }
    });
  });
}
