import * as grpc from '@grpc/grpc-js';
import { G2gError } from '../errors';
import type { Logger } from '../log/logger';
import { callErrorFromStatus, ERROR_CODE_TRAILER } from './call-errors';

/** The status `error` answers a call with: a G2gError's own, anything else INTERNAL. */
export function statusOf(error: unknown): grpc.status {
  return error instanceof G2gError ? error.status : grpc.status.INTERNAL;
}

/**
 * The one place errors become gRPC statuses. A G2gError keeps its message, its status (the
 * class's) and its code (in the `g2g-error-code` trailer); anything unexpected becomes INTERNAL
 * plus one log line, never a stack trace or a message on the wire (it may hold anything).
 * `method` names the call in that log line.
 */
export function toServiceError(error: unknown, log: Logger, method?: string): grpc.StatusObject {
  const metadata = new grpc.Metadata();
  if (error instanceof G2gError) {
    metadata.set(ERROR_CODE_TRAILER, error.code);
    return { code: error.status, details: error.message, metadata };
  }
  // The error object goes to the log only as its name and message plus the stack, never the
  // whole object: an unexpected error may carry the request it failed on.
  const err = error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { message: String(error) };
  log.error({ err, ...(method ? { method } : {}) }, 'unexpected error in a call handler');
  return { code: grpc.status.INTERNAL, details: 'internal error', metadata };
}

/**
 * What a caller sees when the handler it called throws `error`: the status `toServiceError`
 * would send, read back as `unaryCall` reads it. The in-memory network rejects with this, so a
 * simulated caller gets the same error types as one on a real connection.
 */
export function callerViewOf(error: unknown): Error {
  if (error instanceof G2gError) return callErrorFromStatus(error.status, error.message, error.code);
  return callErrorFromStatus(grpc.status.INTERNAL, 'internal error', undefined);
}
