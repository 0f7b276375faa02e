import * as grpc from '@grpc/grpc-js';
import type { G2gConfig } from '../config';
import type { WatchEventsService } from '../admin/watch-events';
import { MetricsServer } from '../metrics/metrics-server';
import type { LiveViewSource } from '../metrics/live-view-source';
import type { Registry } from 'prom-client';
import type { GuardedPort } from '../transport/guarded-port';
import { malformedRequestInterceptor, tolerantServer } from '../transport/malformed-request';
import type { PushCertificateProvider } from '../transport/push-certificate-provider';
import { mutualTlsServerCredentials, tlsServerCredentials } from '../transport/server-credentials';
import { usefulCallInterceptor } from '../transport/useful-call-interceptor';
import { PortInUseError } from './errors';
import { listenPort, shutdownServer, type PortServer } from './node-servers';
import type { PortLimits } from './port-limits';
import type { Startable } from './startable';

export interface BoundPorts {
  register: number;
  gossip: number;
  health: number | null;
  metrics: number | null;
}

export interface ListeningPortsComponents {
  config: Pick<G2gConfig, 'host' | 'mode' | 'registerPort' | 'gossipPort' | 'healthHost' | 'healthPort' | 'metricsHost' | 'metricsPort' | 'drainTimeout'>;
  limits: PortLimits;
  register: PortServer;
  gossip: PortServer;
  /** Our current leaf (both ports present it) and the gossip port's trust bundle. */
  identity: PushCertificateProvider;
  trustProvider: PushCertificateProvider;
  /** Admin.WatchEvents streams, ended at stop (an open stream would hold the gossip port's drain). */
  watches: WatchEventsService;
  registry: Registry;
  /** The live page of the metrics port (built only when that port is on). */
  liveView: () => LiveViewSource;
}

/** The node's listening ports as one part; `bound` and `plainHealthWatch` are read after its start. */
export interface ListeningPorts extends Startable {
  readonly bound: BoundPorts | undefined;
  readonly plainHealthWatch: PortServer['watch'];
  /** How each server's drain ended at the last stop. */
  readonly drained: Array<'drained' | 'forced'>;
}

/**
 * The register and gossip ports, and the optional plain health and metrics ports. Stop ends the
 * WatchEvents streams, drains the servers within drainTimeout, then destroys the connections
 * the servers never took over (TLS handshakes in progress would keep the process alive).
 */
export function listeningPorts(c: ListeningPortsComponents): ListeningPorts {
  const { config, limits } = c;
  const listeners: GuardedPort[] = [];
  let plainHealth: grpc.Server | undefined;
  let metricsServer: MetricsServer | undefined;
  const state: { bound: BoundPorts | undefined; plainHealthWatch: PortServer['watch']; drained: Array<'drained' | 'forced'> } = { bound: undefined, plainHealthWatch: undefined, drained: [] };
  return {
    name: 'ports',
    get bound() {
      return state.bound;
    },
    get plainHealthWatch() {
      return state.plainHealthWatch;
    },
    get drained() {
      return state.drained;
    },
    async start() {
      const registerListener = await listenPort(c.register.server, config.host, config.registerPort, tlsServerCredentials(c.identity), limits.register, '--register-port');
      listeners.push(registerListener);
      // A client-mode member serves nothing to the network: its gossip port (Admin for local tools)
      // listens on loopback only, and its record is never offered to others as a target.
      const gossipHost = config.mode === 'client' ? '127.0.0.1' : config.host;
      const gossipListener = await listenPort(c.gossip.server, gossipHost, config.gossipPort, mutualTlsServerCredentials(c.identity, c.trustProvider), limits.gossip, '--gossip-port');
      listeners.push(gossipListener);
      let healthPort: number | null = null;
      if (config.healthPort !== null) {
        plainHealth = new grpc.Server({ ...limits.healthOptions, interceptors: [usefulCallInterceptor(limits.health), malformedRequestInterceptor()] });
        state.plainHealthWatch = c.gossip.health.addToServer(tolerantServer(plainHealth), limits.watch);
        const healthListener = await listenPort(plainHealth, config.healthHost, config.healthPort, grpc.ServerCredentials.createInsecure(), limits.health, '--health-port');
        listeners.push(healthListener);
        healthPort = healthListener.port;
      }
      let metricsPort: number | null = null;
      if (config.metricsPort !== null) {
        metricsServer = new MetricsServer(c.registry, { live: c.liveView() });
        metricsPort = await metricsServer.start(config.metricsHost, config.metricsPort).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EADDRINUSE') throw error;
          throw new PortInUseError(`${config.metricsHost}:${config.metricsPort} is already in use (another node or program listens there): choose another --metrics-port, or 0 to let the OS pick`, { cause: error });
        });
      }
      state.bound = { register: registerListener.port, gossip: gossipListener.port, health: healthPort, metrics: metricsPort };
    },
    async stop() {
      c.watches.endAll();
      const drainMs = config.drainTimeout;
      for (const listener of listeners) listener.stopAccepting();
      const results = await Promise.all([shutdownServer(c.gossip.server, drainMs), shutdownServer(c.register.server, drainMs), plainHealth ? shutdownServer(plainHealth, drainMs) : undefined]);
      state.drained = results.filter((r) => r !== undefined);
      for (const listener of listeners) listener.destroyAll();
      await metricsServer?.stop();
    },
  };
}
