import { G2gError } from '../errors';

/** An exchange's `sender` record is not the authenticated caller's. */
export class SenderMismatchError extends G2gError {
  readonly code = 'ERR_SENDER_MISMATCH';
}

/** A record or message failed verification (bad signature, id not bound to its CA, wrong cluster). */
export class InvalidRecordError extends G2gError {
  readonly code = 'ERR_INVALID_RECORD';
}

/** A membership call arrived at a node that does not serve it (stopped, or a client-mode member). */
export class MembershipStateError extends G2gError {
  readonly code = 'ERR_MEMBERSHIP_STATE';
}

/** A gossip call got no answer within its deadline (the gRPC transport maps DEADLINE_EXCEEDED here). */
export class CallTimeoutError extends G2gError {
  readonly code = 'ERR_CALL_TIMEOUT';
}

/** A gossip call could not reach its target at all (no such node, connection refused: UNAVAILABLE). */
export class PeerUnavailableError extends G2gError {
  readonly code = 'ERR_PEER_UNAVAILABLE';
}

/** A client-mode member's record claims server mode: a mode is granted by a token at admission, never self-promoted. */
export class ModeEscalationError extends G2gError {
  readonly code = 'ERR_MODE_ESCALATION';
}
