import * as grpc from '@grpc/grpc-js';

/**
 * The register port's status for each joining error code (the one place they are chosen; the
 * newcomer reads the code back from the `g2g-error-code` trailer). A G2gError with a code not
 * listed (say, admission's own) is FAILED_PRECONDITION; anything that is not a G2gError becomes
 * INTERNAL in toServiceError, whatever this says.
 */
const STATUS_BY_CODE: Readonly<Record<string, grpc.status>> = {
  ERR_JOIN_MALFORMED: grpc.status.INVALID_ARGUMENT,
  ERR_INVALID_RECORD: grpc.status.INVALID_ARGUMENT,
  ERR_JOIN_PROTOCOL_VERSION: grpc.status.FAILED_PRECONDITION,
  ERR_CLUSTER_MISMATCH: grpc.status.FAILED_PRECONDITION,
  ERR_ADMISSION_REFUSED: grpc.status.FAILED_PRECONDITION,
  ERR_TOKEN_UNKNOWN: grpc.status.UNAUTHENTICATED,
  ERR_CLIENT_PROOF: grpc.status.UNAUTHENTICATED,
  ERR_POSSESSION_PROOF: grpc.status.UNAUTHENTICATED,
  ERR_TOKEN_EXPIRED: grpc.status.PERMISSION_DENIED,
  ERR_TOKEN_REVOKED: grpc.status.PERMISSION_DENIED,
  ERR_TOKEN_USED: grpc.status.PERMISSION_DENIED,
  ERR_TOKEN_MODE: grpc.status.PERMISSION_DENIED,
  ERR_JOIN_THROTTLED: grpc.status.RESOURCE_EXHAUSTED,
  ERR_JOIN_BUSY: grpc.status.RESOURCE_EXHAUSTED,
  ERR_JOIN_TIMEOUT: grpc.status.DEADLINE_EXCEEDED,
  ERR_REJOIN_REFUSED: grpc.status.PERMISSION_DENIED,
  ERR_REJOIN_NEEDS_TICKET: grpc.status.FAILED_PRECONDITION,
};

export function joinStatusFor(code: string): grpc.status {
  return STATUS_BY_CODE[code] ?? grpc.status.FAILED_PRECONDITION;
}

/** Failures that drain the source's throttle bucket: attempts to authenticate that failed. */
const AUTH_FAILURES: ReadonlySet<string> = new Set([
  'ERR_TOKEN_UNKNOWN',
  'ERR_CLIENT_PROOF',
  'ERR_POSSESSION_PROOF',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_REVOKED',
  'ERR_TOKEN_USED',
]);

export function isAuthenticationFailure(code: string): boolean {
  return AUTH_FAILURES.has(code);
}

/** Newcomer side: failures that another address of the same ticket would repeat, so trying on is pointless. */
const FINAL_FOR_TICKET: ReadonlySet<string> = new Set([
  'ERR_CLUSTER_MISMATCH',
  'ERR_CLIENT_PROOF',
  'ERR_SERVER_PROOF',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_REVOKED',
  'ERR_TOKEN_USED',
  'ERR_TOKEN_MODE',
  'ERR_TICKET_EXPIRED',
  'ERR_JOIN_PROTOCOL_VERSION',
]);

export function isFinalForTicket(code: string): boolean {
  return FINAL_FOR_TICKET.has(code);
}
