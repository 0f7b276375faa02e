import { status as GrpcStatus, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { G2gError } from '../errors';

/**
 * What a call to a peer rejects with, whichever transport carried it: the gRPC client helper
 * (`unary-call.ts`) turns grpc-js's ServiceError into one of these, and the in-memory network
 * rejects with the same classes, so that code under test in the simulator sees what it sees on a
 * real node. Each carries the status it stands for, so a handler that lets one through answers
 * its own caller with the same status.
 */

/** A call got no answer within its deadline (gRPC: DEADLINE_EXCEEDED). */
export class CallTimeoutError extends G2gError {
  readonly code = 'ERR_CALL_TIMEOUT';
  override readonly status = GrpcStatus.DEADLINE_EXCEEDED;
}

/** A call could not reach its target at all (no such node, connection refused, TLS refused: UNAVAILABLE). */
export class PeerUnavailableError extends G2gError {
  readonly code = 'ERR_PEER_UNAVAILABLE';
  override readonly status = GrpcStatus.UNAVAILABLE;
}

/**
 * The callee answered with an error status. `remoteCode` is its g2g error code (the
 * `g2g-error-code` trailer) when it sent one: a refusal it chose; without one the status came
 * from gRPC itself or from an unexpected failure on its side (INTERNAL).
 */
export class RemoteCallError extends G2gError {
  readonly code = 'ERR_REMOTE_CALL';
  override readonly status: GrpcStatus;
  constructor(status: GrpcStatus, readonly details: string, readonly remoteCode: string | undefined) {
    super(`${GrpcStatus[status] ?? status}${remoteCode ? ` [${remoteCode}]` : ''}: ${details}`);
    this.status = status;
  }
}

/** The trailer that carries a refusal's g2g error code next to its gRPC status. */
export const ERROR_CODE_TRAILER = 'g2g-error-code';

/** The g2g error code a status's trailer carries, if any. */
export function remoteCodeOf(metadata: Metadata | undefined): string | undefined {
  const value = metadata?.get(ERROR_CODE_TRAILER)[0];
  return typeof value === 'string' ? value : undefined;
}

/** grpc-js's client-side error as one of the call errors above. */
export function callErrorFrom(error: ServiceError): G2gError {
  return callErrorFromStatus(error.code, error.details ?? '', remoteCodeOf(error.metadata));
}

/** The call error for a status the callee answered with (or the channel produced). */
export function callErrorFromStatus(status: GrpcStatus, details: string, remoteCode: string | undefined): G2gError {
  // Our own deadline and an unreachable peer are one class each whoever produced them (the
  // channel, or a callee whose own onward call timed out): the caller reacts the same way.
  if (status === GrpcStatus.DEADLINE_EXCEEDED) return new CallTimeoutError(details || 'deadline exceeded');
  if (status === GrpcStatus.UNAVAILABLE) return new PeerUnavailableError(details || 'unavailable');
  return new RemoteCallError(status, details, remoteCode);
}

/** `STATUS: details` of a call error, for messages that name how a call failed. */
export function describeCallError(error: unknown): string {
  if (error instanceof RemoteCallError) return `${GrpcStatus[error.status] ?? error.status}: ${error.details}`;
  if (error instanceof CallTimeoutError || error instanceof PeerUnavailableError) return `${GrpcStatus[error.status]}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
