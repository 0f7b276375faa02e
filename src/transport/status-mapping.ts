import * as grpc from '@grpc/grpc-js';
import { G2gError } from '../errors';
import type { Logger } from '../log/logger';

/**
 * The one place errors become gRPC statuses. A G2gError keeps its message and code (in the
 * `g2g-error-code` trailer); anything unexpected becomes INTERNAL plus a log line, never a stack
 * trace on the wire.
 */
export function toServiceError(error: unknown, log: Logger, g2gStatus: grpc.status = grpc.status.FAILED_PRECONDITION): Partial<grpc.ServiceError> {
  const metadata = new grpc.Metadata();
  if (error instanceof G2gError) {
    metadata.set('g2g-error-code', error.code);
    return { code: g2gStatus, details: error.message, metadata };
  }
  log.error({ err: error }, 'unexpected error in a call handler');
  return { code: grpc.status.INTERNAL, details: 'internal error', metadata };
}
