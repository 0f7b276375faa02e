import { createPrivateKey, sign, verify, type KeyObject } from 'node:crypto';
import { lineageValid } from '../identity/ca-lineage';
import { CaPublicKeys } from '../identity/ca-public-keys';
import { heartbeatSigningBytes, recordSigningBytes, type Heartbeat, type NodeRecord, type RecordBody } from './node-record';

/**
 * Signs this node's records and checks everybody's. Injected, so that simulations can use a
 * cheap keyed hash (src/testing/sim-authenticator.ts) while production uses the node CA key.
 */
export interface RecordAuthenticator {
  /** Signs the local node's record body. */
  signBody(body: RecordBody): Uint8Array;
  /** Signs one heartbeat of the local node's record. */
  signHeartbeat(nodeId: string, version: number, heartbeat: number): Uint8Array;
  /**
   * True when the record's id belongs to its CA (in production: derived from the CA's public
   * key) and both of its signatures were made by that CA's key.
   */
  verifyRecord(record: NodeRecord): boolean;
  /** True when `beat` was signed by the key of `caCertPem`'s owner, for `beat.nodeId`. */
  verifyHeartbeat(caCertPem: string, beat: Heartbeat): boolean;
  /** Signs other canonical bytes (a removal) as the local node. */
  signStatement(bytes: Buffer): Uint8Array;
  /** True when `signature` over `bytes` was made by the CA key of `signer`, a record that already verified. */
  verifyStatement(signer: NodeRecord, bytes: Buffer, signature: Uint8Array): boolean;
}

/**
 * The production authenticator: RSA (PKCS#1 v1.5, SHA-256) with the node CA's key, verified
 * with the public key in each record's `caCertPem`. Parsed keys are cached per CA PEM (bounded:
 * the oldest entry goes first), since parsing a certificate costs far more than verifying.
 */
export class CaRecordAuthenticator implements RecordAuthenticator {
  private privateKey: KeyObject | undefined;
  private readonly keys: CaPublicKeys;
  /** Rotated CA PEM → the node id its lineage proved (verified once per CA, not per record). */
  private readonly proven = new Map<string, string>();

  /** `caKeyPem` may be omitted for a verifier that never signs. */
  constructor(
    caKeyPem?: string,
    private readonly maxCachedKeys = 16_384,
  ) {
    this.privateKey = caKeyPem === undefined ? undefined : createPrivateKey(caKeyPem);
    this.keys = new CaPublicKeys(maxCachedKeys);
  }

  signBody(body: RecordBody): Uint8Array {
    return sign('sha256', recordSigningBytes(body), this.signingKey());
  }

  signHeartbeat(nodeId: string, version: number, heartbeat: number): Uint8Array {
    return sign('sha256', heartbeatSigningBytes(nodeId, version, heartbeat), this.signingKey());
  }

  /** Signs with another key from now on: the new node CA after a CA rotation. */
  useSigningKey(caKeyPem: string): void {
    this.privateKey = createPrivateKey(caKeyPem);
  }

  verifyRecord(record: NodeRecord): boolean {
    const key = this.keyOf(record);
    if (!key) return false;
    try {
      return (
        verify('sha256', recordSigningBytes(record), key, record.signature) &&
        verify('sha256', heartbeatSigningBytes(record.nodeId, record.version, record.heartbeat), key, record.heartbeatSignature)
      );
    } catch {
      return false;
    }
  }

  /**
   * The key of `record.caCertPem` if that CA is proven to be `record.nodeId`'s: never rotated
   * (its own key derives the id and it is named `<id> CA`), or endorsed by a lineage that starts
   * from such a CA (ca-lineage.ts). A CA no key of the node endorsed is never accepted.
   */
  private keyOf(record: NodeRecord): KeyObject | undefined {
    const ca = this.keys.get(record.caCertPem);
    if (!ca) return undefined;
    const lineage = record.caLineage ?? [];
    if (lineage.length === 0) return !record.previousCaCertPem && ca.named && ca.nodeId === record.nodeId ? ca.key : undefined;
    if (this.proven.get(record.caCertPem) === record.nodeId) {
      const previous = record.previousCaCertPem ?? '';
      return previous === '' || lineage[lineage.length - 2]?.caCertPem === previous ? ca.key : undefined;
    }
    if (!lineageValid(record.nodeId, record.caCertPem, lineage, record.previousCaCertPem ?? '')) return undefined;
    if (this.proven.size >= this.maxCachedKeys) this.proven.delete(this.proven.keys().next().value as string);
    this.proven.set(record.caCertPem, record.nodeId);
    return ca.key;
  }

  /** The node id `caCertPem` speaks for: proven by a lineage, or derived from a never-rotated CA. */
  nodeIdOf(caCertPem: string): string | undefined {
    const ca = this.keys.get(caCertPem);
    if (!ca) return undefined;
    return this.proven.get(caCertPem) ?? (ca.named ? ca.nodeId : undefined);
  }

  verifyHeartbeat(caCertPem: string, beat: Heartbeat): boolean {
    const ca = this.keys.get(caCertPem);
    if (!ca || this.nodeIdOf(caCertPem) !== beat.nodeId) return false;
    try {
      return verify('sha256', heartbeatSigningBytes(beat.nodeId, beat.version, beat.heartbeat), ca.key, beat.signature);
    } catch {
      return false;
    }
  }

  signStatement(bytes: Buffer): Uint8Array {
    return sign('sha256', bytes, this.signingKey());
  }

  verifyStatement(signer: NodeRecord, bytes: Buffer, signature: Uint8Array): boolean {
    const ca = this.keys.get(signer.caCertPem);
    if (!ca) return false;
    try {
      return verify('sha256', bytes, ca.key, signature);
    } catch {
      return false;
    }
  }

  private signingKey(): KeyObject {
    if (!this.privateKey) throw new TypeError('this authenticator was built without a CA key and cannot sign');
    return this.privateKey;
  }
}
