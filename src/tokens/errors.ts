import { status as GrpcStatus } from '@grpc/grpc-js';
import { G2gError } from '../errors';

/*
 * Token errors. Messages name the token id (public) and never the secret. Each class's status is
 * the same on the register port (a newcomer presents the token) and on Admin (an operator names
 * it): a token that exists but no longer admits (revoked, used, expired) is PERMISSION_DENIED,
 * which is what a joining newcomer has always been told; an operator rotating a revoked token
 * reads the same code (ERR_TOKEN_REVOKED) and message. A token id nobody knows is NOT_FOUND on
 * both ports (the id is public; the register port still counts it as a failed proof, by code).
 */

/** A string that should be a token `<id>.<secret>` (or a token id) is not one. */
export class InvalidTokenError extends G2gError {
  readonly code = 'ERR_INVALID_TOKEN';
  override readonly status = GrpcStatus.INVALID_ARGUMENT;
}

/** No token with this id is known here (never created, pruned, or not yet synced to this node). */
export class TokenUnknownError extends G2gError {
  readonly code = 'ERR_TOKEN_UNKNOWN';
  override readonly status = GrpcStatus.NOT_FOUND;
  constructor(readonly tokenId: string) {
    super(`token ${tokenId} is not known to this node`);
  }
}

/** The token's secret does not match (checked in constant time). */
export class TokenSecretMismatchError extends G2gError {
  readonly code = 'ERR_TOKEN_SECRET_MISMATCH';
  override readonly status = GrpcStatus.UNAUTHENTICATED;
  constructor(readonly tokenId: string) {
    super(`wrong secret for token ${tokenId}`);
  }
}

export class TokenExpiredError extends G2gError {
  readonly code = 'ERR_TOKEN_EXPIRED';
  override readonly status = GrpcStatus.PERMISSION_DENIED;
  constructor(readonly tokenId: string, readonly expiredAt: number) {
    super(`token ${tokenId} expired at ${new Date(expiredAt).toISOString()}`);
  }
}

export class TokenRevokedError extends G2gError {
  readonly code = 'ERR_TOKEN_REVOKED';
  override readonly status = GrpcStatus.PERMISSION_DENIED;
  constructor(readonly tokenId: string) {
    super(`token ${tokenId} has been revoked`);
  }
}

/** A single-use token that has already admitted a newcomer, or is admitting one right now. */
export class TokenUsedError extends G2gError {
  readonly code = 'ERR_TOKEN_USED';
  override readonly status = GrpcStatus.PERMISSION_DENIED;
  constructor(readonly tokenId: string, inProgress = false) {
    super(inProgress
      ? `single-use token ${tokenId} is being used by another join in progress`
      : `single-use token ${tokenId} has already been used`);
  }
}

/** A request to create or change a token is invalid (bad mode, ttl or label). */
export class InvalidTokenRequestError extends G2gError {
  readonly code = 'ERR_INVALID_TOKEN_REQUEST';
  override readonly status = GrpcStatus.INVALID_ARGUMENT;
}

/** `<dataDir>/tokens.json` is unreadable or corrupt; it is left untouched. */
export class TokenStoreCorruptError extends G2gError {
  readonly code = 'ERR_TOKEN_STORE_CORRUPT';
}

/** The caller may not manage tokens (e.g. a client-mode member). */
export class TokenAdminDeniedError extends G2gError {
  readonly code = 'ERR_TOKEN_ADMIN_DENIED';
  override readonly status = GrpcStatus.PERMISSION_DENIED;
}
