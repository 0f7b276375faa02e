import { G2gError } from '../errors';

/* Join ticket errors. Messages never contain the token secret. */

export type TicketProblem =
  | 'too-long'
  | 'whitespace'
  | 'scheme'
  | 'token'
  | 'address'
  | 'query'
  | 'mode'
  | 'ca'
  | 'cluster'
  | 'exp'
  | 'unknown-parameter'
  | 'duplicate-parameter';

/** A join ticket string does not parse; `problem` says which part. */
export class InvalidTicketError extends G2gError {
  readonly code = 'ERR_INVALID_TICKET';
  constructor(readonly problem: TicketProblem, message: string) {
    super(`invalid join ticket: ${message}`);
  }
}

/** The ticket's `exp` has passed (checked by the newcomer before dialling). */
export class TicketExpiredError extends G2gError {
  readonly code = 'ERR_TICKET_EXPIRED';
  constructor(readonly expiredAt: number) {
    super(`join ticket expired at ${new Date(expiredAt).toISOString()}; ask a member for a new one (g2g nominate)`);
  }
}
