import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidTokenError } from './errors';

/**
 * The token grammar `<id>.<secret>` and the crypto around it.
 *
 * - id: 10 characters of lowercase RFC 4648 base32 (50 random bits). Public: it names the token
 *   in tickets, hellos, logs and `g2g tokens list`, so it only has to be unique, not secret.
 * - secret: 32 characters of base32 (160 random bits, above the 128 asked for). Base32 rather
 *   than base64url: case-insensitive-safe, no `-`/`_` to trip shells or URL parsers.
 * - Nodes never store the secret. They keep `key = HMAC-SHA256(secret, "g2g/v1 token key")`,
 *   which is what verifies join proofs; so `tokens.json` and token sync cannot print a usable
 *   ticket, and a secret is shown exactly once, by the call that made it.
 */

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
export const TOKEN_ID_LENGTH = 10;
export const TOKEN_SECRET_LENGTH = 32;
/** Parsing is a little wider than generation (ids 8-16, secrets of at least 130 bits). */
const TOKEN_ID_RE = /^[a-z2-7]{8,16}$/;
const TOKEN_SECRET_RE = /^[a-z2-7]{26,64}$/;
const KEY_LABEL = 'g2g/v1 token key';
/** Length of a derived token key (SHA-256). */
export const TOKEN_KEY_BYTES = 32;

export interface TokenParts {
  id: string;
  secret: string;
}

export function isTokenId(s: unknown): boolean {
  return typeof s === 'string' && TOKEN_ID_RE.test(s);
}

/** Splits `<id>.<secret>`; the error never contains the secret. */
export function parseToken(token: unknown): TokenParts {
  if (typeof token !== 'string') throw new InvalidTokenError('a token must be a string of the form <id>.<secret>');
  const dot = token.indexOf('.');
  if (dot < 0) throw new InvalidTokenError('a token has the form <id>.<secret>: no "." found');
  const id = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (!isTokenId(id)) {
    throw new InvalidTokenError(`token id must be 8-16 characters of a-z and 2-7, got ${JSON.stringify(id.slice(0, 20))}`);
  }
  if (!TOKEN_SECRET_RE.test(secret)) {
    throw new InvalidTokenError(`the secret of token ${id} is not 26-64 characters of a-z and 2-7`);
  }
  return { id, secret };
}

export function formatToken(parts: TokenParts): string {
  return `${parts.id}.${parts.secret}`;
}

export function generateTokenId(): string {
  return randomBase32(TOKEN_ID_LENGTH);
}

export function generateTokenSecret(): string {
  return randomBase32(TOKEN_SECRET_LENGTH);
}

/** What nodes keep and sync instead of the secret (see the header). */
export function deriveTokenKey(secret: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(KEY_LABEL).digest();
}

/**
 * Equality of two byte strings in time independent of where they differ. timingSafeEqual throws
 * on different lengths, and returning early would reveal the expected length; so a length
 * mismatch still runs one comparison (of `a` with itself) before answering false.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** Each character uniformly from the 32-letter alphabet: one random byte's low 5 bits each. */
function randomBase32(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}
