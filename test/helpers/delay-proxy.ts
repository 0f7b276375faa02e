import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy that delays every chunk by `delayMs` in each direction: user-space latency for
 * tests, since `tc netem` is not available. Order is kept (equal delays fire in order).
 */
export class DelayProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly target: { host: string; port: number }, private readonly delayMs: number) {
    this.server = net.createServer((client) => this.relay(client));
  }

  static async start(target: { host: string; port: number }, delayMs: number, listenHost = '127.0.0.1'): Promise<DelayProxy> {
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

  private relay(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
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
