import type { CaRotator } from '../identity/ca-rotator';
import { certFingerprint, certNotAfter } from '../identity/cert-info';
import type { Leaf } from '../identity/leaf';
import type { LeafExpiryGuard } from '../identity/leaf-expiry-guard';
import type { LeafRotator } from '../identity/leaf-rotator';
import type { NodeCa } from '../identity/node-ca';
import type { LeafInfo__Output as LeafInfo } from '../proto/generated/g2g/v1/LeafInfo';
import type { StatusResponse } from '../proto/generated/g2g/v1/StatusResponse';
import { modeToWire } from '../transport/node-mode-wire';
import { VERSION } from '../version';
import type { BoundPorts } from './listening-ports';
import type { NodeMode, RecordTag } from '../membership/node-record';
import type { RemovalNotice } from './removal-notice';

/** What Admin.Status reports of a running node. */
export interface NodeStatusFacts {
  ca: NodeCa;
  cluster: string;
  mode: NodeMode;
  addresses: string[];
  ports: BoundPorts;
  leaf: Leaf;
  uptimeMs: number;
  services: string[];
  rotator: LeafRotator | undefined;
  caRotator: CaRotator | undefined;
  expiryGuard: LeafExpiryGuard | undefined;
  expiryMarginMs: number;
  tags: RecordTag[];
  removed: RemovalNotice | undefined;
}

export function nodeStatus(f: NodeStatusFacts): Omit<StatusResponse, 'caller'> {
  const stats = f.rotator?.stats();
  const previousCa = f.caRotator?.previousCertPem();
  return {
    nodeId: f.ca.nodeId,
    cluster: f.cluster,
    mode: modeToWire(f.mode),
    addresses: f.addresses,
    registerPort: f.ports.register,
    gossipPort: f.ports.gossip,
    leaf: leafInfo(f.leaf),
    caFingerprint: f.ca.fingerprint,
    uptimeMs: Math.max(0, f.uptimeMs),
    services: f.services,
    version: VERSION,
    rotations: stats?.rotations ?? 0,
    rotationFailures: stats?.failures ?? 0,
    healthPort: f.ports.health ?? 0,
    metricsPort: f.ports.metrics ?? 0,
    lastRotationError: stats?.lastError ?? '',
    consecutiveRotationFailures: stats?.consecutiveFailures ?? 0,
    previousCaFingerprint: previousCa ? certFingerprint(previousCa) : '',
    caNotAfterUnixMs: certNotAfter(f.ca.certPem).getTime(),
    nextRenewalUnixMs: stats?.nextRenewalAt ?? 0,
    leafExpiring: f.expiryGuard?.expiring() ?? false,
    expiryMarginMs: f.expiryMarginMs,
    tags: f.tags,
    removedBy: f.removed?.by ?? '',
    removedAtUnixMs: f.removed?.atMs ?? 0,
  };
}

export function leafInfo(leaf: Leaf): LeafInfo {
  return { fingerprint: leaf.fingerprint, notAfterUnixMs: leaf.notAfter.getTime() };
}
