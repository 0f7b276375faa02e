import { status as GrpcStatus } from '@grpc/grpc-js';
import { G2gError } from '../errors';

/*
 * Refusals that any service on the gossip port may answer with, before its own logic runs.
 * Messages go on the wire: they name what was refused, never a secret.
 */

/** The authenticated caller may not use this method (an operator on a member-only service, a client-mode member where servers only are served). */
export class CallerNotAllowedError extends G2gError {
  readonly code = 'ERR_CALLER_NOT_ALLOWED';
  override readonly status = GrpcStatus.PERMISSION_DENIED;
}

/** A request that decoded but lacks what the method needs, or holds a value it cannot take. */
export class InvalidRequestError extends G2gError {
  readonly code = 'ERR_INVALID_REQUEST';
  override readonly status = GrpcStatus.INVALID_ARGUMENT;
}

/** A request names a member this node does not know. */
export class UnknownMemberError extends G2gError {
  readonly code = 'ERR_UNKNOWN_MEMBER';
  override readonly status = GrpcStatus.NOT_FOUND;
}

/** This node was built without what the method needs (e.g. a CA rotator). */
export class UnsupportedCallError extends G2gError {
  readonly code = 'ERR_UNSUPPORTED';
  override readonly status = GrpcStatus.UNIMPLEMENTED;
}

/** The caller's certificate proves no current member, or nothing at all (expired, not yet valid, not a g2g certificate). */
export class CallerUnauthenticatedError extends G2gError {
  readonly code = 'ERR_UNAUTHENTICATED';
  override readonly status = GrpcStatus.UNAUTHENTICATED;
}

/** An operator certificate whose lifetime exceeds the node's operatorCertMaxLifetime. */
export class OperatorCertificateLifetimeError extends G2gError {
  readonly code = 'ERR_OPERATOR_CERT_LIFETIME';
  override readonly status = GrpcStatus.PERMISSION_DENIED;
}
