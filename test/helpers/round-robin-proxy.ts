import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

/**
 * A TCP round-robin load balancer standing in for a Kubernetes Service (kube-proxy forwards each
 * new connection to one ready endpoint, possibly the caller's own pod). Each accepted connection
 * goes to the next backend in turn; a backend resolved to nothing (a pod not started, or between
 * a crash and its restart) or refusing the connection makes the proxy close the client's
 * connection, as a Service does for an endpoint that is not listening. Backends are resolved per
 * connection, so pods may start on OS-chosen ports after the proxy exists and move on restart.
 */
export class RoundRobinProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private next = 0;
  /** Connections accepted, and how many reached a backend (a diagnostic). */
  accepted = 0;
  forwarded = 0;

  private constructor(private backends: ReadonlyArray<() => Promise<Backend | undefined>>) {
    this.server = net.createServer((client) => void this.relay(client));
  }

  static async start(backends: ReadonlyArray<() => Promise<Backend | undefined>>, listenHost = '127.0.0.1'): Promise<RoundRobinProxy> {
    const proxy = new RoundRobinProxy(backends);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, listenHost, () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Replaces the endpoints (a Service whose selector now matches other pods). */
  setBackends(backends: ReadonlyArray<() => Promise<Backend | undefined>>): void {
    this.backends = backends;
  }

  private async relay(client: net.Socket): Promise<void> {
    this.accepted++;
    this.sockets.add(client);
    client.once('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    // Unread bytes wait in the client socket (no 'data' listener yet) while the backend resolves.
    client.pause();
    const resolve = this.backends[this.next++ % Math.max(1, this.backends.length)];
    const target = resolve ? await resolve().catch(() => undefined) : undefined;
    if (!target || client.destroyed) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    this.sockets.add(upstream);
    upstream.once('close', () => this.sockets.delete(upstream));
    upstream.once('connect', () => {
      this.forwarded++;
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    for (const socket of [client, upstream]) {
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.once('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
