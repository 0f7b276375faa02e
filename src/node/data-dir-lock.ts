import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import net from 'node:net';
import { G2gError } from '../errors';

/**
 * One owner per data dir. Node has no flock(2), and the npm packages that wrap it
 * (fs-ext) need a native build, which install scripts cannot do here; `proper-lockfile` is an
 * mtime lease that a crashed owner leaves behind until it goes stale. So the lock is a listening
 * Unix-domain socket in Linux's *abstract* namespace, named after the data dir's device and inode:
 *
 * - the kernel lets exactly one socket bind a name, so two starts at the same moment cannot both
 *   win (the loser's bind fails with EADDRINUSE; there is no check-then-act window);
 * - the name exists exactly as long as the owning process (kill -9 included) and is not a file,
 *   so nothing is left behind to go stale and nothing in the data dir is written;
 * - the owner answers every connection with its pid, so the refusal can name it;
 * - keyed by device and inode, the same directory reached by another path (a symlink, a bind
 *   mount) is the same lock.
 *
 * Limit: abstract names live in a network namespace. Two processes in different network
 * namespaces (containers that share a volume but not a network) do not see each other's lock.
 * A path-based socket would cross namespaces, but taking over a stale socket file (unlink, bind)
 * races between two starters; see docs/durability.md.
 */

/** A data dir that another live process holds. */
export class DataDirLockedError extends G2gError {
  readonly code = 'ERR_DATA_DIR_LOCKED';
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number | undefined,
  ) {
    super(
      `data dir ${dataDir} is in use by ${ownerPid !== undefined ? `g2g process ${ownerPid}` : 'another g2g process'}: ` +
        'stop that node first, or give this one another --data-dir',
    );
  }
}

/** The abstract socket name of a directory (`\0` prefix: the abstract namespace). */
export function lockName(dev: number | bigint, ino: number | bigint): string {
  const id = createHash('sha256').update(`${dev}:${ino}`).digest('hex').slice(0, 32);
  return `\0g2g-data-dir-${id}`;
}

/** A held lock; `release` is idempotent. */
export interface DataDirLock {
  readonly dataDir: string;
  release(): Promise<void>;
}

export interface LockOptions {
  /** Our pid as the lock reports it (tests). */
  pid?: number;
  /** How long to wait for the owner's pid before refusing without it. */
  askTimeoutMs?: number;
}

/**
 * Takes the data dir's lock or throws DataDirLockedError naming the owner's pid. The dir must
 * exist (its inode names the lock). Reads no file in it and writes nothing.
 */
export async function lockDataDir(dataDir: string, options: LockOptions = {}): Promise<DataDirLock> {
  const st = await stat(dataDir, { bigint: true });
  const name = lockName(st.dev, st.ino);
  const pid = options.pid ?? process.pid;
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end(`${JSON.stringify({ pid })}\n`);
  });
  for (let attempt = 0; ; attempt++) {
    try {
      await listen(server, name);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
        server.close();
        throw error;
      }
      const owner = await askOwner(name, options.askTimeoutMs ?? 2000);
      // The owner exited between our bind and our question: the name is free, try again.
      if (owner === 'gone' && attempt < 3) continue;
      server.close();
      throw new DataDirLockedError(dataDir, owner === 'gone' ? undefined : owner);
    }
  }
  // The lock must not keep the process alive on its own.
  server.unref();
  let released: Promise<void> | undefined;
  return {
    dataDir,
    release: () => (released ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

function listen(server: net.Server, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(name, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * The owner's pid. Bound but not yet listening (the same-moment race: bind and listen are two
 * system calls) refuses connections for a moment, so a refusal is retried until the deadline.
 */
async function askOwner(name: string, timeoutMs: number): Promise<number | undefined | 'gone'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await askOnce(name, Math.max(1, deadline - Date.now()));
    if (answer !== 'retry' || Date.now() >= deadline) return answer === 'retry' ? undefined : answer;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function askOnce(name: string, timeoutMs: number): Promise<number | undefined | 'retry' | 'gone'> {
  return new Promise((resolve) => {
    let text = '';
    const socket = net.connect(name);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const finish = (value: number | undefined | 'retry' | 'gone') => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) {
        try {
          const pid = (JSON.parse(text.slice(0, text.indexOf('\n'))) as { pid?: unknown }).pid;
          finish(typeof pid === 'number' && Number.isSafeInteger(pid) ? pid : undefined);
        } catch {
          finish(undefined);
        }
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code === 'ECONNREFUSED' ? 'retry' : error.code === 'ENOENT' ? 'gone' : undefined));
    socket.on('end', () => finish(undefined));
  });
}
