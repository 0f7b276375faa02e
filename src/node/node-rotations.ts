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
import { leafDnsNames, leafIpAddresses } from './advertised-addresses';

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
  onCaRotationStarted(next: NodeCa, previousCertPem: string): void;
  onCaRotationSwitched(current: NodeCa): void;
  onCaRotationRetired(current: NodeCa): void;
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
    onStarted: (next, previous) => c.onCaRotationStarted(next, previous.certPem),
    onSwitched: (current) => c.onCaRotationSwitched(current),
    onRetired: (current) => c.onCaRotationRetired(current),
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
