import { createPrivateKey, sign, verify, type KeyObject } from 'node:crypto';
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
  private readonly privateKey: KeyObject | undefined;
  private readonly keys: CaPublicKeys;

  /** `caKeyPem` may be omitted for a verifier that never signs. */
  constructor(caKeyPem?: string, maxCachedKeys = 16_384) {
    this.privateKey = caKeyPem === undefined ? undefined : createPrivateKey(caKeyPem);
    this.keys = new CaPublicKeys(maxCachedKeys);
  }

  signBody(body: RecordBody): Uint8Array {
    return sign('sha256', recordSigningBytes(body), this.signingKey());
  }

  signHeartbeat(nodeId: string, version: number, heartbeat: number): Uint8Array {
    return sign('sha256', heartbeatSigningBytes(nodeId, version, heartbeat), this.signingKey());
  }

  verifyRecord(record: NodeRecord): boolean {
    const ca = this.keys.get(record.caCertPem);
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
    const ca = this.keys.get(caCertPem);
    if (!ca || ca.nodeId !== beat.nodeId) return false;
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
