import { G2gError } from '../errors';

/*
 * Token errors. Messages name the token id (public) and never the secret. Statuses are chosen at
 * the edge (src/register/join-status.ts for the register port, token-admin-service.ts for Admin).
 */

/** A string that should be a token `<id>.<secret>` (or a token id) is not one. */
export class InvalidTokenError extends G2gError {
  readonly code = 'ERR_INVALID_TOKEN';
}

/** No token with this id is known here (never created, pruned, or not yet synced to this node). */
export class TokenUnknownError extends G2gError {
  readonly code = 'ERR_TOKEN_UNKNOWN';
  constructor(readonly tokenId: string) {
    super(`token ${tokenId} is not known to this node`);
  }
}

/** The token's secret does not match (checked in constant time). */
export class TokenSecretMismatchError extends G2gError {
  readonly code = 'ERR_TOKEN_SECRET_MISMATCH';
  constructor(readonly tokenId: string) {
    super(`wrong secret for token ${tokenId}`);
  }
}

export class TokenExpiredError extends G2gError {
  readonly code = 'ERR_TOKEN_EXPIRED';
  constructor(readonly tokenId: string, readonly expiredAt: number) {
    super(`token ${tokenId} expired at ${new Date(expiredAt).toISOString()}`);
  }
}

export class TokenRevokedError extends G2gError {
  readonly code = 'ERR_TOKEN_REVOKED';
  constructor(readonly tokenId: string) {
    super(`token ${tokenId} has been revoked`);
  }
}

/** A single-use token that has already admitted a newcomer, or is admitting one right now. */
export class TokenUsedError extends G2gError {
  readonly code = 'ERR_TOKEN_USED';
  constructor(readonly tokenId: string, inProgress = false) {
    super(inProgress
      ? `single-use token ${tokenId} is being used by another join in progress`
      : `single-use token ${tokenId} has already been used`);
  }
}

/** A request to create or change a token is invalid (bad mode, ttl or label). */
export class InvalidTokenRequestError extends G2gError {
  readonly code = 'ERR_INVALID_TOKEN_REQUEST';
}

/** `<dataDir>/tokens.json` is unreadable or corrupt; it is left untouched. */
export class TokenStoreCorruptError extends G2gError {
  readonly code = 'ERR_TOKEN_STORE_CORRUPT';
}

/** The caller may not manage tokens (e.g. a client-mode member). */
export class TokenAdminDeniedError extends G2gError {
  readonly code = 'ERR_TOKEN_ADMIN_DENIED';
}
