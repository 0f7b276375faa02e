import type { PackageDefinition } from '@grpc/proto-loader';
import type { Channel } from '../channel/channel';
import type { G2gConfig } from '../config';
import type { CaRotator } from '../identity/ca-rotator';
import type { NodeCa } from '../identity/node-ca';
import type { Logger } from '../log/logger';
import type { NodeMetrics } from '../metrics/metrics';
import { pluginMetrics } from '../metrics/plugin-metrics';
import { PluginHost } from '../plugins/plugin-host';
import type { PeerPool } from '../pool/peer-pool';
import { SERVICE_NAMES } from '../proto/protos';
import { REFLECTION_SERVICES } from '../transport/reflection';
import type { Clock } from '../util/clock';
import { VERSION } from '../version';
import type { NodeMembership } from './node-membership';

export interface NodePluginHostComponents {
  config: G2gConfig;
  nodeCa(): NodeCa;
  caRotator: CaRotator;
  network: NodeMembership;
  channel(): Channel | undefined;
  pool(): PeerPool | undefined;
  hostDefinitions: PackageDefinition[];
  metrics: NodeMetrics;
  clock: Clock;
  log: Logger;
}

/** The plugin host as a node builds it: plugins see the node's channel, pool, members and signing key. */
export function nodePluginHost(c: NodePluginHostComponents): PluginHost {
  const { network, caRotator } = c;
  return new PluginHost({
    nodeId: c.nodeCa().nodeId,
    settings: c.config,
    hostVersion: VERSION,
    hostServices: [...Object.values(SERVICE_NAMES), ...REFLECTION_SERVICES],
    hostDefinitions: c.hostDefinitions,
    channel: c.channel,
    pool: {
      pool: c.pool,
      // A suspect may well answer (fan-out skips it if not); dead and departed members cannot.
      serves: (nodeId, service) => {
        const member = network.member(nodeId);
        return member !== undefined && (member.state === 'alive' || member.state === 'suspect') && member.record.services.includes(service);
      },
    },
    members: network,
    clock: c.clock,
    log: c.log,
    authorship: {
      signingKeyPem: () => c.nodeCa().keyPem,
      casOf: (nodeId) => {
        const own = c.nodeCa();
        if (nodeId === own.nodeId) return [own.certPem, caRotator.previousCertPem() ?? '', ...(caRotator.current().lineage ?? []).map((e) => e.caCertPem)].filter(Boolean);
        const record = network.member(nodeId)?.record;
        return record ? [record.caCertPem, record.previousCaCertPem ?? '', ...(record.caLineage ?? []).map((e) => e.caCertPem)].filter(Boolean) : [];
      },
    },
    metrics: (name) => pluginMetrics(name, c.metrics.registry),
  });
}
