import type { G2gConfig } from '../config';
import { CaRotator } from '../identity/ca-rotator';
import type { CaRotationState } from '../identity/ca-rotation-store';
import type { Leaf } from '../identity/leaf';
import { LeafExpiryGuard } from '../identity/leaf-expiry-guard';
import { LeafRotator } from '../identity/leaf-rotator';
import type { NodeCa } from '../identity/node-ca';
import type { Logger } from '../log/logger';
import type { Clock } from '../util/clock';
import type { Random } from '../util/random';
import type { EventJournal } from '../events/event-journal';
import type { TrustStore } from '../transport/trust-store';
import { leafDnsNames, leafIpAddresses } from './advertised-addresses';
import { caPins } from './membership-trust';

export interface NodeRotationsComponents {
  config: Pick<G2gConfig, 'dataDir' | 'caLifetime' | 'caRotationGrace' | 'maxConnectionAge' | 'leafLifetime' | 'leafRenewFraction' | 'leafRenewJitter'>;
  ca: NodeCa;
  rotation: CaRotationState | undefined;
  /** The addresses our leaves name (read at each issue: the network may tell us another). */
  addresses(): string[];
  keyBits?: number;
  clock: Clock;
  random: Random;
  log: Logger;
  onLeaf(leaf: Leaf): void;
  events: EventJournal;
  /** The gossip port's trust: our own CA (and during a rotation, the previous one). */
  trust: TrustStore;
  /** Our node CA changed: a rotation began (`previousCertPem` is still trusted) or ended (undefined). */
  onCaChanged(ca: NodeCa, previousCertPem: string | undefined): void;
  /** The leaf is about to expire and renewal keeps failing; and when a new leaf ends that. */
  onLeafExpiring(): void;
  onLeafRecovered(): void;
}

/** The node's three rotation timers: the node CA's, the leaf's, and the guard against an expiring leaf. */
export interface NodeRotations {
  caRotator: CaRotator;
  rotator: LeafRotator;
  expiryGuard: LeafExpiryGuard;
  /** Stops every rotation timer (each stop is idempotent). */
  stop(): void;
}

export function nodeRotations(c: NodeRotationsComponents): NodeRotations {
  const { config } = c;
  const caRotator = new CaRotator(c.ca, c.rotation, {
    dataDir: config.dataDir,
    clock: c.clock,
    log: c.log.child({ component: 'ca-rotator' }),
    caLifetimeMs: config.caLifetime,
    graceMs: config.caRotationGrace,
    switchBeforeEndMs: config.maxConnectionAge,
    renewBeforeMs: Math.max(2 * config.caRotationGrace, config.caLifetime / 10),
    keyBits: c.keyBits,
    // A rotation began: publish the new CA (endorsed) and trust both; leaves stay on the old one for now.
    onStarted: (next, previous) => {
      c.onCaChanged(next, previous.certPem);
      c.events.record({ type: 'ca_rotation_started', nodeId: next.nodeId, detail: next.fingerprint });
      c.trust.set(next.nodeId, caPins({ caCertPem: next.certPem, previousCaCertPem: previous.certPem }));
    },
    // maxConnectionAge before the grace period ends: every member has had time to learn the new CA; issue leaves from it.
    onSwitched: (current) => {
      c.events.record({ type: 'ca_rotation_switched', nodeId: current.nodeId, detail: current.fingerprint });
      rotator.setCa(current);
      rotator.rotateNow('node CA rotation: leaves move to the new CA').catch((error: unknown) =>
        c.log.error({ err: (error as Error).message }, 'could not issue a leaf from the new node CA; retrying on schedule'),
      );
    },
    // The grace period ended: the previous CA is no longer published or trusted.
    onRetired: (current) => {
      c.events.record({ type: 'ca_rotation_retired', nodeId: current.nodeId, detail: current.fingerprint });
      c.trust.set(current.nodeId, current.certPem);
      c.onCaChanged(current, undefined);
    },
  });
  const rotator = new LeafRotator({
    ca: caRotator.issuing(),
    clock: c.clock,
    random: c.random,
    log: c.log.child({ component: 'leaf-rotator' }),
    lifetimeMs: config.leafLifetime,
    renewFraction: config.leafRenewFraction,
    jitterFraction: config.leafRenewJitter,
    ips: () => leafIpAddresses(c.addresses()),
    dnsNames: () => leafDnsNames(c.addresses()),
    keyBits: c.keyBits,
  });
  const expiryGuard = new LeafExpiryGuard({
    clock: c.clock,
    log: c.log.child({ component: 'leaf-expiry' }),
    marginMs: config.maxConnectionAge,
    onExpiring: () => c.onLeafExpiring(),
    onRecovered: () => c.onLeafRecovered(),
  });
  rotator.onLeaf((leaf) => c.onLeaf(leaf));
  return {
    caRotator,
    rotator,
    expiryGuard,
    stop() {
      rotator.stop();
      caRotator.stop();
      expiryGuard.stop();
    },
  };
}
