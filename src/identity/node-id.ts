import { createHash, createPublicKey } from 'node:crypto';
import { base32Encode } from '../util/base32';

/**
 * A node id is the lowercase RFC 4648 base32 (no padding) of the first 20 bytes of SHA-256 over
 * the node CA's SubjectPublicKeyInfo DER.
 *
 * Why this shape:
 * - Derived from the CA key, so an id cannot be claimed without that key, and it survives address
 *   changes, leaf rotations and even re-signing the CA certificate with the same key.
 * - 160 bits keeps accidental collisions out of reach (birthday bound ~2^80) and forging a key
 *   for a chosen id is a 2^160 second-preimage search.
 * - 20 bytes encode to exactly 32 base32 characters (160 / 5), so there is no padding, and
 *   `[a-z2-7]{32}` is a valid DNS label (≤ 63 chars, letters/digits, case-insensitive), so the id
 *   can be the leaf's `DNS:` SAN and the name clients check with `checkServerIdentity`.
 * - Hex would need 40 characters for the same strength; base64 is case-sensitive and uses `+/`.
 */
const ID_BYTES = 20;
const NODE_ID_RE = /^[a-z2-7]{32}$/;

export function nodeIdFromPublicKey(publicKeyPem: string): string {
  const spkiDer = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return base32Encode(createHash('sha256').update(spkiDer).digest().subarray(0, ID_BYTES));
}

export function isNodeId(s: string): boolean {
  return NODE_ID_RE.test(s);
}
