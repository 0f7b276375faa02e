import * as grpc from '@grpc/grpc-js';
import { G2gError, type Logger } from 'g2g';

/** A kv error that maps to one gRPC status at the plugin's edge. */
export abstract class KvError extends G2gError {
  abstract readonly status: grpc.status;
}

/** A key that is empty or longer than `maxKeyBytes`. */
export class InvalidKeyError extends KvError {
  readonly code = 'ERR_KV_INVALID_KEY';
  readonly status = grpc.status.INVALID_ARGUMENT;
}

/** A value longer than `maxValueBytes`. */
export class ValueTooLargeError extends KvError {
  readonly code = 'ERR_KV_VALUE_TOO_LARGE';
  readonly status = grpc.status.INVALID_ARGUMENT;
}

/** Get of a key this node holds no value for. */
export class KeyNotFoundError extends KvError {
  readonly code = 'ERR_KV_NOT_FOUND';
  readonly status = grpc.status.NOT_FOUND;
}

/** A page token that this node did not issue. */
export class InvalidPageTokenError extends KvError {
  readonly code = 'ERR_KV_INVALID_PAGE_TOKEN';
  readonly status = grpc.status.INVALID_ARGUMENT;
}

/** A sync call from a caller that is not a member (operators may not push entries). */
export class NotAMemberError extends KvError {
  readonly code = 'ERR_KV_NOT_A_MEMBER';
  readonly status = grpc.status.PERMISSION_DENIED;
}

/** The plugin is stopping or stopped: writes are refused. */
export class KvStoppedError extends KvError {
  readonly code = 'ERR_KV_STOPPED';
  readonly status = grpc.status.UNAVAILABLE;
}

/** A write could not be made durable (the data dir failed). */
export class KvStorageError extends KvError {
  readonly code = 'ERR_KV_STORAGE';
  readonly status = grpc.status.UNAVAILABLE;
}

/**
 * The plugin's one mapping from errors to gRPC statuses: a KvError keeps its message and code
 * (trailer `g2g-error-code`); anything else is INTERNAL plus a log line, never a stack trace.
 */
export function toStatus(error: unknown, log: Logger): Partial<grpc.ServiceError> {
  const metadata = new grpc.Metadata();
  if (error instanceof KvError) {
    metadata.set('g2g-error-code', error.code);
    return { code: error.status, details: error.message, metadata };
  }
  log.error({ err: error }, 'unexpected error in a kv call');
  return { code: grpc.status.INTERNAL, details: 'internal error', metadata };
}
