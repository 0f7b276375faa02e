import { createHash, createPublicKey } from 'node:crypto';

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
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const NODE_ID_RE = /^[a-z2-7]{32}$/;

export function nodeIdFromPublicKey(publicKeyPem: string): string {
  const spkiDer = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return base32(createHash('sha256').update(spkiDer).digest().subarray(0, ID_BYTES));
}

export function isNodeId(s: string): boolean {
  return NODE_ID_RE.test(s);
}

/** RFC 4648 §6 base32, lowercase, without padding. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
