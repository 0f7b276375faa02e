import { PROTOCOL_VERSION, type Heartbeat, type NodeMode, type NodeRecord, type RecordBody, type RecordLeaf, type RecordTag } from './node-record';
import type { RecordAuthenticator } from './record-authenticator';

/** The local node's record as the node knows it (version and heartbeat are membership's). */
export interface LocalRecordInit {
  nodeId: string;
  cluster: string;
  mode: NodeMode;
  addresses: readonly string[];
  registerPort: number;
  gossipPort: number;
  caCertPem: string;
  /** After a node-CA rotation: the lineage and, during the grace period, the previous CA. */
  caLineage?: RecordBody['caLineage'];
  previousCaCertPem?: string;
  leaf: RecordLeaf;
  services?: readonly string[];
  tags?: readonly RecordTag[];
  /**
   * The last version this node published (persist it across restarts). A restarted node that
   * starts lower jumps past any newer record of its own that it hears back, so this is an
   * optimisation, not a requirement.
   */
  version?: number;
}

/** The fields an owner may change (each change bumps the version and is gossiped). */
export type LocalRecordChanges = Partial<Pick<RecordBody, 'addresses' | 'registerPort' | 'gossipPort' | 'leaf' | 'services' | 'tags' | 'caCertPem' | 'caLineage' | 'previousCaCertPem'>>;

/**
 * This node's own record: signed by the authenticator on every version bump, its heartbeat
 * bumped (and signed) every interval. Only the owner writes it; everyone else merges copies.
 */
export class LocalRecord {
  readonly nodeId: string;
  private self: NodeRecord;
  /** Our heartbeat as one object per value, so that relays and verifier caches can share it. */
  private selfBeat: Heartbeat;

  constructor(
    private readonly auth: RecordAuthenticator,
    local: LocalRecordInit,
  ) {
    this.nodeId = local.nodeId;
    const body: RecordBody = {
      nodeId: local.nodeId,
      cluster: local.cluster,
      mode: local.mode,
      addresses: [...local.addresses],
      registerPort: local.registerPort,
      gossipPort: local.gossipPort,
      caCertPem: local.caCertPem,
      leaf: local.leaf,
      version: Math.max(1, local.version ?? 1),
      services: [...(local.services ?? [])],
      tags: [...(local.tags ?? [])],
      protocolVersion: PROTOCOL_VERSION,
      left: false,
      ...(local.caLineage?.length ? { caLineage: local.caLineage } : {}),
      ...(local.previousCaCertPem ? { previousCaCertPem: local.previousCaCertPem } : {}),
    };
    this.self = this.signed(body, 0);
    this.selfBeat = { nodeId: this.nodeId, version: this.self.version, heartbeat: 0, signature: this.self.heartbeatSignature };
  }

  get record(): NodeRecord {
    return this.self;
  }

  get beat(): Heartbeat {
    return this.selfBeat;
  }

  get version(): number {
    return this.self.version;
  }

  get heartbeat(): number {
    return this.self.heartbeat;
  }

  /** A new version (past `atLeast`) with `changes`, signed; the caller gossips it. */
  bump(changes: Partial<RecordBody> = {}, atLeast = 0): NodeRecord {
    const { heartbeat: _hb, signature: _s, heartbeatSignature: _h, ...body } = this.self;
    const version = Math.max(this.self.version, atLeast) + 1;
    this.self = this.signed({ ...body, ...changes, nodeId: this.nodeId, version }, this.self.heartbeat);
    this.selfBeat = { nodeId: this.nodeId, version, heartbeat: this.self.heartbeat, signature: this.self.heartbeatSignature };
    return this.self;
  }

  /** The next heartbeat of the current version, signed. */
  beatOnce(): void {
    const heartbeat = this.self.heartbeat + 1;
    const signature = this.auth.signHeartbeat(this.nodeId, this.self.version, heartbeat);
    this.self = { ...this.self, heartbeat, heartbeatSignature: signature };
    this.selfBeat = { nodeId: this.nodeId, version: this.self.version, heartbeat, signature };
  }

  private signed(body: RecordBody, heartbeat: number): NodeRecord {
    return {
      ...body,
      heartbeat,
      signature: this.auth.signBody(body),
      heartbeatSignature: this.auth.signHeartbeat(body.nodeId, body.version, heartbeat),
    };
  }
}
