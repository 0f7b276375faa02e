import { TOKEN_KEY_BYTES, isTokenId } from './token-format';

/** A server token admits server- and client-mode newcomers; a client token only client-mode ones. */
export type TokenMode = 'server' | 'client';

/** What is stored and synced. `used`: a single-use token that has admitted its newcomer. */
export type StoredTokenState = 'active' | 'revoked' | 'used';

/** What is shown: the stored state, or `expired` for an active token past its expiry. */
export type TokenStatus = StoredTokenState | 'expired';

/**
 * One version of a token, as stored in tokens.json and replicated among server-mode members.
 * Immutable: a change makes a new version with a later `updatedAt`.
 */
export interface TokenEntry {
  readonly id: string;
  /** deriveTokenKey(secret), 32 bytes. Never the secret. */
  readonly key: Buffer;
  readonly mode: TokenMode;
  readonly label: string;
  readonly createdAt: number;
  /** When this version was made, on its origin's clock (milliseconds since the epoch). */
  readonly updatedAt: number;
  /** null: never expires. */
  readonly expiresAt: number | null;
  readonly singleUse: boolean;
  readonly state: StoredTokenState;
  /** nodeId of the member that made this version. */
  readonly origin: string;
}

/** A token as it may be shown to anyone allowed to list tokens: no key, no secret. */
export interface TokenInfo {
  id: string;
  mode: TokenMode;
  label: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  singleUse: boolean;
  status: TokenStatus;
  origin: string;
}

export function tokenStatus(entry: TokenEntry, now: number): TokenStatus {
  if (entry.state !== 'active') return entry.state;
  return entry.expiresAt !== null && entry.expiresAt <= now ? 'expired' : 'active';
}

export function tokenInfo(entry: TokenEntry, now: number): TokenInfo {
  return {
    id: entry.id,
    mode: entry.mode,
    label: entry.label,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
    expiresAt: entry.expiresAt,
    singleUse: entry.singleUse,
    status: tokenStatus(entry, now),
    origin: entry.origin,
  };
}

/**
 * Which of two versions of one token wins a merge: positive if `a`, negative if `b`, 0 if they
 * are the same version.
 *
 * A tombstone (revoked or used) beats any live version whatever the clocks say: revocation is
 * final, so a member whose clock runs ahead cannot resurrect a token by rotating it
 * concurrently. Otherwise the last writer wins by (updatedAt, origin), origin breaking ties so
 * that every member picks the same version.
 */
export function compareVersions(a: TokenEntry, b: TokenEntry): number {
  const tombA = a.state === 'active' ? 0 : 1;
  const tombB = b.state === 'active' ? 0 : 1;
  if (tombA !== tombB) return tombA - tombB;
  if (a.updatedAt !== b.updatedAt) return a.updatedAt - b.updatedAt;
  return a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0;
}

const MODES: readonly string[] = ['server', 'client'];
const STATES: readonly string[] = ['active', 'revoked', 'used'];
export const MAX_LABEL_LENGTH = 128;
// Printable, no control characters: labels end up in terminals and logs.
const LABEL_RE = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u;

export function isValidLabel(label: unknown): label is string {
  return typeof label === 'string' && label.length <= MAX_LABEL_LENGTH && LABEL_RE.test(label);
}

/**
 * Checks an entry that came from outside (a file, a peer). Returns the problem, or undefined.
 * Peers are members, but a bug or a version skew must not poison every store in the cluster.
 */
export function entryProblem(e: TokenEntry): string | undefined {
  if (!isTokenId(e.id)) return 'id is not a token id';
  if (!Buffer.isBuffer(e.key) || e.key.length !== TOKEN_KEY_BYTES) return `key is not ${TOKEN_KEY_BYTES} bytes`;
  if (!MODES.includes(e.mode)) return `mode ${JSON.stringify(e.mode)} is not server or client`;
  if (!isValidLabel(e.label)) return 'label is too long or has control characters';
  if (!isTimestamp(e.createdAt) || !isTimestamp(e.updatedAt)) return 'createdAt/updatedAt are not timestamps';
  if (e.expiresAt !== null && !isTimestamp(e.expiresAt)) return 'expiresAt is not a timestamp or null';
  if (typeof e.singleUse !== 'boolean') return 'singleUse is not a boolean';
  if (!STATES.includes(e.state)) return `state ${JSON.stringify(e.state)} is not active, revoked or used`;
  if (typeof e.origin !== 'string' || e.origin.length === 0 || e.origin.length > 64) return 'origin is not a node id';
  return undefined;
}

function isTimestamp(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}
