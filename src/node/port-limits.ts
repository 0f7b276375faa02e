import type * as grpc from '@grpc/grpc-js';
import type { G2gConfig } from '../config';
import { ConnectionBudget, ConnectionGuard, type ConnectionCounters } from '../transport/connection-guard';
import { automaticConnectionBudget, readDescriptorLimit, type DescriptorLimit } from '../transport/descriptor-limit';
import type { HealthWatchLimits } from '../transport/health-watch-limit';
import type { Clock } from '../util/clock';

/**
 * After a GOAWAY for maxConnectionAge, how long a register-port connection's open calls (a Watch
 * stream, a handshake) may go on before the connection is cut. Without it a single open stream
 * would keep an unauthenticated connection, and an old leaf, forever. The same grace follows the
 * idle GOAWAY before the guard closes a connection whose client ignored it.
 */
export const REGISTER_CONNECTION_AGE_GRACE_MS = 10_000;

/** The limits of the node's ports (every resource an unauthenticated source holds is bounded). */
export interface PortLimits {
  descriptors: DescriptorLimit;
  budget: ConnectionBudget;
  register: ConnectionGuard;
  gossip: ConnectionGuard;
  /** The plain health port (Kubernetes probes): unauthenticated, so the register port's limits. */
  health: ConnectionGuard;
  registerOptions: grpc.ServerOptions;
  gossipOptions: grpc.ServerOptions;
  healthOptions: grpc.ServerOptions;
  watch: HealthWatchLimits;
}

type LimitSettings = Pick<
  G2gConfig,
  | 'connectionBudget'
  | 'registerConnectionsPerSource'
  | 'gossipConnectionsPerSource'
  | 'unusedConnectionTimeout'
  | 'registerIdleTimeout'
  | 'gossipIdleTimeout'
  | 'registerStreamsPerConnection'
  | 'gossipStreamsPerConnection'
  | 'healthWatchStreams'
  | 'healthWatchStreamsPerSource'
  | 'maxConnectionAge'
>;

export function portLimits(settings: LimitSettings, clock: Clock, descriptors: DescriptorLimit = readDescriptorLimit()): PortLimits {
  const total = settings.connectionBudget > 0 ? settings.connectionBudget : automaticConnectionBudget(descriptors.soft);
  const budget = new ConnectionBudget(total);
  const unusedTimeoutMs = settings.unusedConnectionTimeout;
  // No port may take more than half the budget (the plain health port an eighth), so a flood on
  // one port — by a source with no certificate at all on the gossip port — leaves the other room.
  const half = Math.max(1, Math.floor(total / 2));
  // grpc-js closes at maxConnectionAge (±10 % jitter) plus the grace with a GOAWAY, which a
  // hostile client can ignore; the guard resets the connection a little later in any case.
  const maxLifetimeMs = Math.ceil(settings.maxConnectionAge * 1.1) + REGISTER_CONNECTION_AGE_GRACE_MS + 5_000;
  // grpc-js sends a GOAWAY at registerIdleTimeout with no call in progress; a client that ignores
  // it is closed by the guard one grace period later.
  const idleCloseMs = settings.registerIdleTimeout + REGISTER_CONNECTION_AGE_GRACE_MS;
  const open = { perSource: settings.registerConnectionsPerSource, portMax: half, unusedTimeoutMs, maxLifetimeMs, idleCloseMs };
  const registerOptions: grpc.ServerOptions = {
    'grpc.max_connection_idle_ms': settings.registerIdleTimeout,
    'grpc.max_connection_age_ms': settings.maxConnectionAge,
    'grpc.max_connection_age_grace_ms': REGISTER_CONNECTION_AGE_GRACE_MS,
    'grpc.max_concurrent_streams': settings.registerStreamsPerConnection,
  };
  return {
    descriptors,
    budget,
    register: new ConnectionGuard(budget, open, clock),
    health: new ConnectionGuard(budget, { ...open, portMax: Math.max(1, Math.floor(total / 8)) }, clock),
    gossip: new ConnectionGuard(budget, { perSource: settings.gossipConnectionsPerSource, portMax: half, unusedTimeoutMs }, clock),
    registerOptions,
    healthOptions: registerOptions,
    gossipOptions: {
      'grpc.max_connection_idle_ms': settings.gossipIdleTimeout,
      'grpc.max_connection_age_ms': settings.maxConnectionAge,
      'grpc.max_concurrent_streams': settings.gossipStreamsPerConnection,
    },
    watch: { perPort: settings.healthWatchStreams, perSource: settings.healthWatchStreamsPerSource },
  };
}

/** What the guards counted, per port (for metrics and reports). */
export function connectionCounters(limits: PortLimits): Record<'register' | 'gossip' | 'health', ConnectionCounters> {
  return { register: limits.register.counters, gossip: limits.gossip.counters, health: limits.health.counters };
}

export type PortCounters = Record<'register' | 'gossip' | 'health', ConnectionCounters & { held: number; watchRefused: number }>;

/** Per port: connections accepted, refused and closed unused, connections held now, and Health.Watch streams refused. */
export function portCounters(limits: PortLimits, watches: Record<'register' | 'gossip' | 'health', { refused: number } | undefined>): PortCounters {
  const counters = connectionCounters(limits);
  const port = (name: 'register' | 'gossip' | 'health') => ({ ...counters[name], held: limits[name].held(), watchRefused: watches[name]?.refused ?? 0 });
  return { register: port('register'), gossip: port('gossip'), health: port('health') };
}
