import net from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import { closeForGood, type ConnectionGuard } from './connection-guard';

/** A port whose TCP listener is ours and whose connections are handed to a grpc.Server. */
export interface GuardedPort {
  readonly port: number;
  /** Stops accepting (connections already handed over are the grpc.Server's to drain). */
  stopAccepting(): void;
  /** Destroys every connection still open (after the grpc.Server's shutdown: TLS handshakes in progress). */
  destroyAll(): void;
}

/**
 * Listens on `host:port` and hands each accepted socket that `guard` admits to `server` through
 * grpc-js's public connection injector (Server.createConnectionInjector, grpc-js ≥ 1.10): grpc-js
 * has no hook of its own between accept(2) and the TLS handshake, and that is where a refusal
 * costs nothing — the socket is reset before any TLS or HTTP/2 state exists.
 */
export function listenGuarded(server: grpc.Server, host: string, port: number, credentials: grpc.ServerCredentials, guard: ConnectionGuard): Promise<GuardedPort> {
  const injector = server.createConnectionInjector(credentials);
  const sockets = new Set<net.Socket>();
  const listener = net.createServer((socket) => {
    // Errors on a socket we refuse or that TLS has not wrapped yet (a reset) are the peer's business.
    socket.on('error', () => undefined);
    if (!guard.admit(socket)) {
      // RST rather than FIN: no TIME_WAIT on our side for a connection we never wanted. Safe here
      // (unlike on an admitted socket, see closeForGood): nothing has written to or ended it yet.
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    injector.injectConnection(socket);
  });
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen({ host, port }, () => {
      listener.off('error', reject);
      resolve({
        port: (listener.address() as net.AddressInfo).port,
        // net.Server.close() reports only once every accepted socket has closed: not waited for here.
        stopAccepting: () => void listener.close(),
        destroyAll() {
          for (const socket of sockets) closeForGood(socket);
          injector.destroy();
        },
      });
    });
  });
}
