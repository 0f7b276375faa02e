import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { PortHealth } from '../transport/health';
import type { HealthWatchLimiter, HealthWatchLimits } from '../transport/health-watch-limit';
import { tolerantServer } from '../transport/malformed-request';
import type { ConnectionGuard } from '../transport/connection-guard';
import { listenGuarded, type GuardedPort } from '../transport/guarded-port';
import { PortInUseError } from './errors';
import { addReflection } from '../transport/reflection';

/** One port's server with the services it serves, its health and its reflection. */
export interface PortServer {
  readonly server: grpc.Server;
  readonly health: PortHealth;
  /** Fully-qualified names of the services added (health and reflection included). */
  readonly services: string[];
  /** Open Health.Watch streams on this port, when limited. */
  readonly watch: HealthWatchLimiter | undefined;
}

export interface ServiceEntry {
  name: string;
  definition: grpc.ServiceDefinition;
  handlers: grpc.UntypedServiceImplementation;
  /** Its health is set by its owner (a plugin), not with the port's; it starts NOT_SERVING. */
  ownHealth?: boolean;
}

/**
 * Builds a grpc.Server serving `entries`, plus grpc.health.v1 (per service) and reflection that
 * lists exactly those services. Health starts NOT_SERVING; the node flips it once bound.
 * Every method's deserialiser is made tolerant (malformed-request.ts): install
 * malformedRequestInterceptor among `interceptors` so undecodable requests get INVALID_ARGUMENT.
 */
export function buildPortServer(options: {
  entries: ServiceEntry[];
  definitions: PackageDefinition[];
  interceptors: grpc.ServerInterceptor[];
  channelOptions?: grpc.ServerOptions;
  watchLimits?: HealthWatchLimits;
}): PortServer {
  const server = new grpc.Server({ ...options.channelOptions, interceptors: options.interceptors });
  const adding = tolerantServer(server);
  for (const entry of options.entries) adding.addService(entry.definition, entry.handlers);
  const names = options.entries.map((e) => e.name);
  const health = new PortHealth([...options.entries.filter((e) => !e.ownHealth).map((e) => e.name), 'grpc.health.v1.Health']);
  for (const entry of options.entries) if (entry.ownHealth) health.addService(entry.name, 'NOT_SERVING', false);
  const watch = health.addToServer(adding, options.watchLimits);
  const served = [...names, 'grpc.health.v1.Health'];
  addReflection(adding, options.definitions, served);
  return { server, health, services: served, watch };
}

/**
 * Binds `server`. `setting` names the flag that chooses the port (`--register-port`), so that a
 * port in use is one line saying what to change rather than grpc-js's "No address added out of
 * total 1 resolved".
 */
export function bindServer(server: grpc.Server, host: string, port: number, credentials: grpc.ServerCredentials, setting = 'the port'): Promise<number> {
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const inUse = (cause: unknown) => new PortInUseError(`${address} is already in use (another node or program listens there): choose another ${setting}, or 0 to let the OS pick`, { cause });
  return new Promise((resolve, reject) => {
    // Probed first because grpc-js prints its own "No address added" line to stderr on failure;
    // the bind below still maps EADDRINUSE for a port taken between the probe and the bind.
    portFree(host, port).then((free) => {
      if (!free) return reject(inUse(undefined));
      server.bindAsync(address, credentials, (error, bound) => {
        if (!error) return resolve(bound);
        reject(/EADDRINUSE|address already in use/i.test(error.message) ? inUse(error) : error);
      });
    }, reject);
  });
}

/** Whether `host:port` can be listened on now (port 0 always can). */
function portFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * Graceful shutdown bounded in time. grpc-js's tryShutdown never finishes while a stream is
 * open, so after `timeoutMs` the server is forced down (open calls end with UNAVAILABLE/CANCELLED).
 */
export function shutdownServer(server: grpc.Server, timeoutMs: number): Promise<'drained' | 'forced'> {
  return new Promise((resolve) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      server.forceShutdown();
      resolve('forced');
    }, timeoutMs);
    timer.unref();
    server.tryShutdown(() => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve('drained');
    });
  });
}

/**
 * Listens through the connection guard; a port in use is one line naming `setting` (the flag
 * that chooses the port) rather than a bare EADDRINUSE.
 */
export async function listenPort(server: grpc.Server, host: string, port: number, credentials: grpc.ServerCredentials, guard: ConnectionGuard, setting: string): Promise<GuardedPort> {
  try {
    return await listenGuarded(server, host, port, credentials, guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    throw new PortInUseError(`${address} is already in use (another node or program listens there): choose another ${setting}, or 0 to let the OS pick`, { cause: error });
  }
}
