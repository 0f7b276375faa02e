/**
 * Node records: what a member knows about a peer, mirroring `g2g.v1.NodeRecord`.
 *
 * A record is signed in two parts by its owner's node CA key, so that "a record for X can only
 * come from X" while relays pass heartbeats on every interval without re-sending the record:
 *
 * - `signature` covers every field except `heartbeat` and `heartbeatSignature` (the *body*,
 *   version included). It changes when the owner bumps its version.
 * - `heartbeatSignature` covers (nodeId, version, heartbeat). It changes every interval.
 *
 * Records merge by (version, heartbeat), lexicographically, and only when both signatures
 * verify: a forged record fails verification, a replayed or out-of-order one is not newer.
 */

import type { CaEndorsement } from '../identity/ca-lineage';

export type NodeMode = 'server' | 'client';

export interface RecordTag {
  readonly key: string;
  readonly value: string;
}

export interface RecordLeaf {
  /** `sha256:<hex>` of the leaf certificate's DER. */
  readonly fingerprint: string;
  /** Expiry, milliseconds since the Unix epoch. */
  readonly notAfterMs: number;
}

/** The fields an owner signs once per version. */
export interface RecordBody {
  readonly nodeId: string;
  readonly cluster: string;
  readonly mode: NodeMode;
  readonly addresses: readonly string[];
  readonly registerPort: number;
  readonly gossipPort: number;
  /** The node CA certificate (PEM): the record's id must be derived from its key. */
  readonly caCertPem: string;
  readonly leaf: RecordLeaf;
  /** Bumped by the owner on every change of the body. */
  readonly version: number;
  readonly services: readonly string[];
  readonly tags: readonly RecordTag[];
  readonly protocolVersion: number;
  /** Set by an owner that leaves gracefully (with a version bump). */
  readonly left: boolean;
  /**
   * After a node-CA rotation: every CA the node has had, oldest first, each endorsed by the one
   * before (identity/ca-lineage.ts); the last is `caCertPem`. Absent or empty: never rotated.
   */
  readonly caLineage?: readonly CaEndorsement[];
  /** The CA before `caCertPem`, still trusted during the rotation's grace period ('' or absent: none). */
  readonly previousCaCertPem?: string;
}

/** A heartbeat advance: proof that the owner's loop ran, bound to one version of its record. */
export interface Heartbeat {
  readonly nodeId: string;
  readonly version: number;
  readonly heartbeat: number;
  readonly signature: Uint8Array;
}

/** A complete, signed record as it travels (`g2g.v1.NodeRecord`). Treat as immutable. */
export interface NodeRecord extends RecordBody {
  /** Bumped by the owner every interval. */
  readonly heartbeat: number;
  /** The owner's signature over the body. */
  readonly signature: Uint8Array;
  /** The owner's signature over (nodeId, version, heartbeat). */
  readonly heartbeatSignature: Uint8Array;
}

/** The protocol version this code speaks (NodeRecord.protocol_version). */
export const PROTOCOL_VERSION = 1;

/**
 * Orders two (version, heartbeat) pairs: negative when a is older, 0 when equal, positive when
 * a is newer. Version dominates: a version bump wins over any heartbeat.
 */
export function compareVersions(aVersion: number, aHeartbeat: number, bVersion: number, bHeartbeat: number): number {
  return aVersion !== bVersion ? aVersion - bVersion : aHeartbeat - bHeartbeat;
}

/** True when `a` is strictly newer than `b` by the merge rule. */
export function isNewer(a: { version: number; heartbeat: number }, b: { version: number; heartbeat: number }): boolean {
  return compareVersions(a.version, a.heartbeat, b.version, b.heartbeat) > 0;
}

/** The heartbeat part of a record. */
export function heartbeatOf(record: NodeRecord): Heartbeat {
  return { nodeId: record.nodeId, version: record.version, heartbeat: record.heartbeat, signature: record.heartbeatSignature };
}

/** `record` carrying a later heartbeat of the same version. */
export function withHeartbeat(record: NodeRecord, beat: Heartbeat): NodeRecord {
  if (beat.nodeId !== record.nodeId || beat.version !== record.version) {
    throw new RangeError(`heartbeat ${beat.nodeId}@${beat.version} does not belong to record ${record.nodeId}@${record.version}`);
  }
  return { ...record, heartbeat: beat.heartbeat, heartbeatSignature: beat.signature };
}

const RECORD_DOMAIN = 'g2g.v1.NodeRecord.body\n';
const HEARTBEAT_DOMAIN = 'g2g.v1.NodeRecord.heartbeat\n';

/**
 * The canonical bytes an owner signs for its record body. Not protobuf: protobuf encoding is not
 * canonical across implementations (field order, default values, unknown fields), so every field
 * is written in a fixed order, strings and lists length-prefixed, numbers as 64-bit big-endian,
 * under a domain string that keeps body and heartbeat signatures from being swapped.
 */
export function recordSigningBytes(body: RecordBody): Buffer {
  const w = new CanonicalWriter();
  w.str(RECORD_DOMAIN);
  w.str(body.nodeId);
  w.str(body.cluster);
  w.str(body.mode);
  w.list(body.addresses);
  w.num(body.registerPort);
  w.num(body.gossipPort);
  w.str(body.caCertPem);
  w.str(body.leaf.fingerprint);
  w.num(body.leaf.notAfterMs);
  w.num(body.version);
  w.list(body.services);
  w.num(body.tags.length);
  for (const t of body.tags) {
    w.str(t.key);
    w.str(t.value);
  }
  w.num(body.protocolVersion);
  w.num(body.left ? 1 : 0);
  // Appended only when present, so the bytes of a never-rotated node's record are unchanged.
  if ((body.caLineage?.length ?? 0) > 0 || body.previousCaCertPem) {
    w.num(body.caLineage?.length ?? 0);
    for (const e of body.caLineage ?? []) {
      w.str(e.caCertPem);
      w.bytes_(e.signature);
    }
    w.str(body.previousCaCertPem ?? '');
  }
  return w.bytes();
}

/** The canonical bytes an owner signs for one heartbeat of one version. */
export function heartbeatSigningBytes(nodeId: string, version: number, heartbeat: number): Buffer {
  const w = new CanonicalWriter();
  w.str(HEARTBEAT_DOMAIN);
  w.str(nodeId);
  w.num(version);
  w.num(heartbeat);
  return w.bytes();
}

/** Length-prefixed, fixed-order bytes for signatures (see recordSigningBytes). */
export class CanonicalWriter {
  private readonly parts: Buffer[] = [];

  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.num(b.length);
    this.parts.push(b);
  }

  bytes_(b: Uint8Array): void {
    this.num(b.length);
    this.parts.push(Buffer.from(b));
  }

  list(items: readonly string[]): void {
    this.num(items.length);
    for (const s of items) this.str(s);
  }

  num(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`record numbers must be non-negative safe integers, got ${n}`);
    const b = Buffer.allocUnsafe(8);
    b.writeUInt32BE(Math.floor(n / 2 ** 32), 0);
    b.writeUInt32BE(n >>> 0, 4);
    this.parts.push(b);
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

