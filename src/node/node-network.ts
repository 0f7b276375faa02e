import type { G2gConfig } from '../config';
import type { NodeCa } from '../identity/node-ca';
import type { Leaf } from '../identity/leaf';
import type { Logger } from '../log/logger';
import { membershipTimers } from '../membership/options';
import type { PushCertificateProvider } from '../transport/push-certificate-provider';
import type { TrustStore } from '../transport/trust-store';
import type { Clock } from '../util/clock';
import type { Random } from '../util/random';
import { VERSION } from '../version';
import { NodeMembership } from './node-membership';
import { recordTags } from '../config/node-tags';
import type { Startable } from './startable';

export interface NodeNetworkComponents {
  config: G2gConfig;
  ca: NodeCa;
  identity: PushCertificateProvider;
  trust: TrustStore;
  clock: Clock;
  random: Random;
  log: Logger;
  /** RTT to a peer (ms) from the client pool, which starts after membership: read lazily. */
  distance(nodeId: string): number | undefined;
}

/** The node's membership as its settings make it (profile, timers, service joins, tags). */
export function nodeNetwork(c: NodeNetworkComponents): NodeMembership {
  const { config } = c;
  return new NodeMembership(
    {
      ca: c.ca,
      cluster: config.cluster,
      mode: config.mode,
      dataDir: config.dataDir,
      services: config.services,
      identity: c.identity,
      trust: c.trust,
      clock: c.clock,
      random: c.random,
      log: c.log,
      distance: (nodeId) => c.distance(nodeId),
      caRejoin: config.caRejoin,
      serviceJoin: { intervalMs: config.serviceJoinInterval, jitter: config.serviceJoinJitter },
      joinRetryWithinMs: config.joinRetryTime,
      tags: recordTags(config.nodeName, VERSION, config.tags),
    },
    config.profile,
    membershipTimers(config),
  );
}

/**
 * Membership over the gossip port as a part: it starts with our record (what `local` says when
 * the ports are bound); stop tells peers we are going (they drop us at once) within the drain
 * budget, then stops.
 */
export function membershipPart(
  network: NodeMembership,
  local: () => { addresses: string[]; registerPort: number; gossipPort: number; leaf: Leaf; previousCaCertPem?: string },
  drainTimeoutMs: number,
): Startable {
  return {
    name: 'membership',
    start: () => network.start(local()),
    stop: async () => {
      await Promise.race([network.leave(), new Promise((r) => setTimeout(r, drainTimeoutMs).unref())]).catch(() => undefined);
      network.stop();
    },
  };
}
