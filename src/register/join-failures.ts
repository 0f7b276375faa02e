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
