import { createHash, createHmac } from 'node:crypto';

/**
 * The bytes both join proofs cover. Each field is length-prefixed (u32 big-endian),
 * so no two different transcripts serialise alike; the order is fixed by the protocol version.
 *
 *   "g2g/v1 join transcript" | version | token id | cluster | client nonce | newcomer record
 *   | server nonce | node record | fingerprint of the leaf the node presented on this connection
 *
 * server proof = HMAC-SHA256(key, "g2g/v1 join server proof" | H(transcript))
 * client proof = HMAC-SHA256(key, "g2g/v1 join client proof" | H(transcript))
 * possession   = sign(newcomer CA key, "g2g/v1 join possession" | H(transcript))
 *
 * `key` is the token key (deriveTokenKey(secret)): the secret never crosses the wire. The role
 * labels stop a proof being reflected back as the other side's. Both nonces make every
 * transcript fresh, so a recorded proof is worthless in another handshake. The leaf fingerprint
 * binds the proofs to the TLS connection: a relay that terminates TLS with its own certificate
 * makes the two sides MAC different fingerprints, and both proofs fail.
 */

export const JOIN_PROTOCOL_VERSION = 1;
export const NONCE_BYTES = 32;
export const MAC_BYTES = 32;

export interface TranscriptFields {
  protocolVersion: number;
  tokenId: string;
  cluster: string;
  clientNonce: Uint8Array;
  recordBytes: Uint8Array;
  serverNonce: Uint8Array;
  serverRecordBytes: Uint8Array;
  /** `sha256:<hex>` of the leaf's DER. */
  leafFingerprint: string;
}

export function transcriptHash(t: TranscriptFields): Buffer {
  const hash = createHash('sha256');
  const field = (bytes: Uint8Array) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  field(Buffer.from('g2g/v1 join transcript'));
  const version = Buffer.alloc(4);
  version.writeUInt32BE(t.protocolVersion);
  field(version);
  field(Buffer.from(t.tokenId, 'utf8'));
  field(Buffer.from(t.cluster, 'utf8'));
  field(t.clientNonce);
  field(t.recordBytes);
  field(t.serverNonce);
  field(t.serverRecordBytes);
  field(Buffer.from(t.leafFingerprint, 'utf8'));
  return hash.digest();
}

export function serverProofMac(key: Uint8Array, transcript: Buffer): Buffer {
  return createHmac('sha256', key).update('g2g/v1 join server proof').update(transcript).digest();
}

export function clientProofMac(key: Uint8Array, transcript: Buffer): Buffer {
  return createHmac('sha256', key).update('g2g/v1 join client proof').update(transcript).digest();
}

/** What the newcomer signs with its node CA key. */
export function possessionPayload(transcript: Buffer): Buffer {
  return Buffer.concat([Buffer.from('g2g/v1 join possession'), transcript]);
}
