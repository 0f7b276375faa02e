import { status as GrpcStatus } from '@grpc/grpc-js';
import { G2gError } from '../errors';

/** An exchange's `sender` record is not the authenticated caller's. */
export class SenderMismatchError extends G2gError {
  readonly code = 'ERR_SENDER_MISMATCH';
  override readonly status = GrpcStatus.INVALID_ARGUMENT;
}

/** A record or message failed verification (bad signature, id not bound to its CA, wrong cluster). */
export class InvalidRecordError extends G2gError {
  readonly code = 'ERR_INVALID_RECORD';
  override readonly status = GrpcStatus.INVALID_ARGUMENT;
}

/** A membership call arrived at a node that does not serve it (stopped, or a client-mode member). */
export class MembershipStateError extends G2gError {
  readonly code = 'ERR_MEMBERSHIP_STATE';
}

/** A client-mode member's record claims server mode: a mode is granted by a token at admission, never self-promoted. */
export class ModeEscalationError extends G2gError {
  readonly code = 'ERR_MODE_ESCALATION';
  override readonly status = GrpcStatus.PERMISSION_DENIED;
}
