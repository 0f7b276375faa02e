import { readdir, readFile, readlink } from 'node:fs/promises';

/**
 * What a process holds open, read from /proc (Linux): its file descriptors, and its TCP
 * connections matched by socket inode against /proc/net/tcp{,6} (which list the whole network
 * namespace, so the inode is what ties a connection to the process).
 */

/** Number of open file descriptors of `pid`. */
export async function openFdCount(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}

export interface TcpConnection {
  localPort: number;
  remotePort: number;
  /** /proc/net/tcp state: '01' ESTABLISHED, '0A' LISTEN, '06' TIME_WAIT, '08' CLOSE_WAIT, … */
  state: string;
}

export const TCP_ESTABLISHED = '01';

/** The TCP sockets `pid` holds open (listening ones included). */
export async function tcpConnections(pid: number): Promise<TcpConnection[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) inodes.add(m[1]!);
  }
  const out: TcpConnection[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${table}`, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9]!)) continue;
      out.push({ localPort: parseInt(f[1]!.split(':')[1]!, 16), remotePort: parseInt(f[2]!.split(':')[1]!, 16), state: f[3]! });
    }
  }
  return out;
}
