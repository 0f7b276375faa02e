import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxyTarget {
  host: string;
  port: number;
}

/**
 * A TCP proxy that delays every chunk by `delayMs` in each direction: user-space latency for
 * tests, since `tc netem` is not available. Order is kept (equal delays fire in order).
 * The target may be resolved per connection (a node whose port is chosen by the OS after the
 * proxy had to exist, because the node advertises the proxy's port); a connection arriving while
 * it resolves to nothing is refused.
 */
export class DelayProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  /** Connections accepted so far (a diagnostic: who keeps dialling). */
  accepted = 0;

  private constructor(private readonly target: ProxyTarget | (() => Promise<ProxyTarget | undefined>), private readonly delayMs: number) {
    this.server = net.createServer((client) => void this.relay(client));
  }

  static async start(target: ProxyTarget | (() => Promise<ProxyTarget | undefined>), delayMs: number, listenHost = '127.0.0.1'): Promise<DelayProxy> {
    const proxy = new DelayProxy(target, delayMs);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, listenHost, () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private async relay(client: net.Socket): Promise<void> {
    this.accepted++;
    // Unread bytes wait in the client socket (no 'data' listener yet) while the target resolves.
    this.sockets.add(client);
    client.once('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    const target = typeof this.target === 'function' ? await this.target().catch(() => undefined) : this.target;
    if (!target || client.destroyed) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    this.sockets.add(upstream);
    upstream.once('close', () => this.sockets.delete(upstream));
    for (const socket of [client, upstream]) {
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    const pipe = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => setTimeout(() => !to.destroyed && to.write(chunk), this.delayMs));
      from.on('end', () => setTimeout(() => to.end(), this.delayMs));
    };
    pipe(client, upstream);
    pipe(upstream, client);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
