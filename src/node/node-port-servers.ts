import type { PackageDefinition } from '@grpc/proto-loader';
import type { G2gConfig } from '../config';
import type { Logger } from '../log/logger';
import type { NodeMetrics } from '../metrics/metrics';
import type { PluginHost } from '../plugins/plugin-host';
import { SERVICE_NAMES } from '../proto/protos';
import { REGISTER_SERVER_OPTIONS, type RegisterService } from '../register/register-service';
import type { ActiveCalls } from '../transport/active-calls';
import { authorizationInterceptor } from '../transport/authorization-interceptor';
import { malformedRequestInterceptor } from '../transport/malformed-request';
import { metricsInterceptor } from '../transport/metrics-interceptor';
import type { TrustStore } from '../transport/trust-store';
import { usefulCallInterceptor } from '../transport/useful-call-interceptor';
import type { Clock } from '../util/clock';
import { buildPortServer, type PortServer, type ServiceEntry } from './node-servers';
import { portLimits, type PortLimits } from './port-limits';

/** Register-port methods whose handlers turn an undecodable message into a counted, logged handshake refusal themselves. */
const HANDSHAKE_PATHS: ReadonlySet<string> = new Set(['/g2g.v1.Register/Join', '/g2g.v1.Register/Rejoin']);

export interface NodePortServersComponents {
  config: G2gConfig;
  clock: Clock;
  metrics: NodeMetrics;
  /** The gossip port's trust (authorisation per call against the live membership) and its open calls by member. */
  trust: TrustStore;
  activeCalls: ActiveCalls;
  /** Whether member `nodeId`'s CA may vouch for operators (server-mode members only). */
  issuesOperators: (nodeId: string) => boolean;
  register: RegisterService;
  /** The node's own services on the gossip port (gossip-port-services.ts). */
  gossipServices: ServiceEntry[];
  plugins: PluginHost;
  /** The protos the host serves. */
  definitions: PackageDefinition[];
  log: Logger;
}

/**
 * The two servers, built but not listening: the register port (handshakes only) and the gossip
 * port (the node's services and the plugins'), each with its interceptors, health and
 * reflection, within the open-port limits budgeted below the open-file limit.
 */
export function nodePortServers(c: NodePortServersComponents): { limits: PortLimits; register: PortServer; gossip: PortServer } {
  const limits = portLimits(c.config, c.clock);
  c.log.info(
    { descriptorLimit: limits.descriptors.soft, descriptorLimitFrom: limits.descriptors.source, connectionBudget: limits.budget.total },
    'incoming connections budgeted below the open-file limit',
  );
  const register = buildPortServer({
    entries: [{ name: SERVICE_NAMES.register, definition: c.register.definition, handlers: c.register.handlers }],
    definitions: c.definitions,
    // Metrics innermost, so it counts the INVALID_ARGUMENT the malformed-request layer answers.
    interceptors: [metricsInterceptor(c.metrics, 'register'), usefulCallInterceptor(limits.register), malformedRequestInterceptor(HANDSHAKE_PATHS)],
    channelOptions: { ...REGISTER_SERVER_OPTIONS, ...limits.registerOptions },
    watchLimits: limits.watch,
  });
  const gossip = buildPortServer({
    entries: [...c.gossipServices, ...c.plugins.entries().map((entry) => ({ ...entry, ownHealth: true }))],
    // The merged descriptors first: reflection keeps the first file of each name.
    definitions: [...c.plugins.reflectionDefinitions(), ...c.definitions],
    // Order matters: grpc-js wraps later interceptors around earlier ones, so metrics (first)
    // sees the status of calls that authorisation (outermost) refuses.
    interceptors: [
      metricsInterceptor(c.metrics, 'gossip'),
      usefulCallInterceptor(limits.gossip, { onRequest: true }),
      malformedRequestInterceptor(),
      authorizationInterceptor({ authority: c.trust, clock: c.clock, log: c.log.child({ component: 'authz' }), calls: c.activeCalls, issuesOperators: c.issuesOperators, operatorCertMaxLifetimeMs: c.config.operatorCertMaxLifetime }),
    ],
    channelOptions: limits.gossipOptions,
    watchLimits: limits.watch,
  });
  c.plugins.attachHealth(gossip.health);
  return { limits, register, gossip };
}
