import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';

/**
 * gRPC spoken by hand over HTTP/2, for tests that play a hostile client: any bytes as a
 * message, any source address on loopback (`localAddress`, e.g. 127.0.0.3 — grpc-js clients
 * cannot choose theirs), streams left open on purpose.
 */
export interface RawTarget {
  port: number;
  host?: string;
  localAddress?: string;
  /** TLS options; default: accept any server certificate (an attacker checks nothing). */
  tls?: tls.ConnectionOptions;
  /** The TCP socket to speak over (default: a fresh connection to host:port). */
  socket?: () => net.Socket;
}

export interface RawResult {
  /** grpc-status, or undefined if the stream ended without one (reset, timeout). */
  status: number | undefined;
  details: string;
  messages: Buffer[];
  /** How the call ended when it had no status: 'timeout', 'reset', 'session'. */
  ended?: string;
}

export function rawSession(target: RawTarget): Promise<http2.ClientHttp2Session> {
  const host = target.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://${host}:${target.port}`, {
      createConnection: () =>
        tls.connect({
          socket: target.socket ? target.socket() : net.connect({ host, port: target.port, ...(target.localAddress ? { localAddress: target.localAddress } : {}) }),
          ALPNProtocols: ['h2'],
          servername: 'g2g-test',
          rejectUnauthorized: false,
          ...target.tls,
        }),
    });
    const fail = (error: Error) => reject(error);
    session.once('error', fail);
    session.once('close', () => reject(new Error('session closed before it connected')));
    session.once('connect', () => {
      session.off('error', fail);
      session.on('error', () => undefined);
      resolve(session);
    });
  });
}

/** gRPC's length-prefixed framing of one message. */
export function frame(message: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

/**
 * One call: sends `messages` (raw bytes, framed here), half-closes unless `keepOpen`, and
 * resolves when the call ends, after `timeoutMs` (cancelling it), or — with `untilMessages` —
 * once that many response messages arrived (the stream is then left open; see `stream`).
 */
export function rawCall(
  session: http2.ClientHttp2Session,
  path: string,
  messages: Buffer[],
  options: { timeoutMs?: number; keepOpen?: boolean; untilMessages?: number; onStream?: (stream: http2.ClientHttp2Stream) => void } = {},
): Promise<RawResult> {
  return new Promise((resolve) => {
    const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
    options.onStream?.(stream);
    const result: RawResult = { status: undefined, details: '', messages: [] };
    let buffer = Buffer.alloc(0);
    let settled = false;
    const settle = (ended?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (result.status === undefined && ended) result.ended = ended;
      resolve(result);
    };
    const timer = setTimeout(() => {
      settle('timeout');
      stream.close(http2.constants.NGHTTP2_CANCEL);
    }, options.timeoutMs ?? 10_000);
    const readStatus = (headers: http2.IncomingHttpHeaders) => {
      if (headers['grpc-status'] !== undefined) {
        result.status = Number(headers['grpc-status']);
        result.details = decodeURIComponent(String(headers['grpc-message'] ?? ''));
      }
    };
    stream.on('response', readStatus);
    stream.on('trailers', readStatus);
    stream.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 5 && buffer.length >= 5 + buffer.readUInt32BE(1)) {
        const length = buffer.readUInt32BE(1);
        result.messages.push(buffer.subarray(5, 5 + length));
        buffer = buffer.subarray(5 + length);
      }
      if (options.untilMessages !== undefined && result.messages.length >= options.untilMessages) settle();
    });
    stream.on('error', () => settle('reset'));
    stream.on('close', () => settle(result.status === undefined ? 'reset' : undefined));
    for (const message of messages) stream.write(frame(message));
    if (!options.keepOpen) stream.end();
  });
}

/** VmRSS of a process, in bytes (Linux). */
export async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return kb ? Number(kb[1]) * 1024 : 0;
}

/**
 * Opens `count` TLS connections from `localAddress` that then say nothing, 50 at a time, and
 * tracks how many the node holds open at once (a refused one is reset before TLS completes).
 */
export async function idleTlsFlood(port: number, localAddress: string, count: number): Promise<{ sockets: tls.TLSSocket[]; maxHeld: () => number; held: () => number; localPorts: () => number[] }> {
  const sockets: tls.TLSSocket[] = [];
  const raws: net.Socket[] = [];
  let held = 0;
  let maxHeld = 0;
  const batch = 50;
  for (let i = 0; i < count; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, () =>
        new Promise<void>((resolve) => {
          const raw = net.connect({ host: '127.0.0.1', port, localAddress });
          raws.push(raw);
          const socket = tls.connect({ socket: raw, rejectUnauthorized: false, ALPNProtocols: ['h2'], servername: 'flood' });
          sockets.push(socket);
          let secured = false;
          socket.once('secureConnect', () => {
            secured = true;
            held += 1;
            maxHeld = Math.max(maxHeld, held);
            resolve();
          });
          socket.on('error', () => resolve());
          socket.once('close', () => {
            if (secured) held -= 1;
            resolve();
          });
        }),
      ),
    );
  }
  // The flood's own ports: the node's side of each connection is found by them (tcpConnections).
  return { sockets, maxHeld: () => maxHeld, held: () => held, localPorts: () => raws.map((r) => r.localPort).filter((p): p is number => p !== undefined) };
}
