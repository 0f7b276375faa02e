import { createPrivateKey, createPublicKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { nodeIdFromPublicKey } from '../identity/node-id';
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
}

interface CaKey {
  nodeId: string;
  key: KeyObject;
}

/**
 * The production authenticator: RSA (PKCS#1 v1.5, SHA-256) with the node CA's key, verified
 * with the public key in each record's `caCertPem`. Parsed keys are cached per CA PEM (bounded:
 * the oldest entry goes first), since parsing a certificate costs far more than verifying.
 */
export class CaRecordAuthenticator implements RecordAuthenticator {
  private readonly privateKey: KeyObject | undefined;
  private readonly keys = new Map<string, CaKey | null>();

  /** `caKeyPem` may be omitted for a verifier that never signs. */
  constructor(
    caKeyPem?: string,
    private readonly maxCachedKeys = 16_384,
  ) {
    this.privateKey = caKeyPem === undefined ? undefined : createPrivateKey(caKeyPem);
  }

  signBody(body: RecordBody): Uint8Array {
    return sign('sha256', recordSigningBytes(body), this.signingKey());
  }

  signHeartbeat(nodeId: string, version: number, heartbeat: number): Uint8Array {
    return sign('sha256', heartbeatSigningBytes(nodeId, version, heartbeat), this.signingKey());
  }

  verifyRecord(record: NodeRecord): boolean {
    const ca = this.caKey(record.caCertPem);
    if (!ca || ca.nodeId !== record.nodeId) return false;
    try {
      return (
        verify('sha256', recordSigningBytes(record), ca.key, record.signature) &&
        verify('sha256', heartbeatSigningBytes(record.nodeId, record.version, record.heartbeat), ca.key, record.heartbeatSignature)
      );
    } catch {
      return false;
    }
  }

  verifyHeartbeat(caCertPem: string, beat: Heartbeat): boolean {
    const ca = this.caKey(caCertPem);
    if (!ca || ca.nodeId !== beat.nodeId) return false;
    try {
      return verify('sha256', heartbeatSigningBytes(beat.nodeId, beat.version, beat.heartbeat), ca.key, beat.signature);
    } catch {
      return false;
    }
  }

  private signingKey(): KeyObject {
    if (!this.privateKey) throw new TypeError('this authenticator was built without a CA key and cannot sign');
    return this.privateKey;
  }

  /** The CA's public key and the node id it implies; null (cached too) for an unusable PEM. */
  private caKey(pem: string): CaKey | null {
    const cached = this.keys.get(pem);
    if (cached !== undefined) return cached;
    let entry: CaKey | null;
    try {
      const cert = new X509Certificate(pem);
      const spki = cert.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      entry = cert.ca ? { nodeId: nodeIdFromPublicKey(spki), key: createPublicKey(spki) } : null;
    } catch {
      entry = null;
    }
    if (this.keys.size >= this.maxCachedKeys) this.keys.delete(this.keys.keys().next().value as string);
    this.keys.set(pem, entry);
    return entry;
  }
}
