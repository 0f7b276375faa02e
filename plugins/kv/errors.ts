import * as grpc from '@grpc/grpc-js';
import { G2gError } from 'g2g';

/**
 * A kv error. Each class names its gRPC status; the host's one mapping (the same as the node's
 * services use) sends it with the code in the `g2g-error-code` trailer.
 */
export abstract class KvError extends G2gError {}

/** A key that is empty or longer than `maxKeyBytes`. */
export class InvalidKeyError extends KvError {
  readonly code = 'ERR_KV_INVALID_KEY';
  override readonly status = grpc.status.INVALID_ARGUMENT;
}

/** A value longer than `maxValueBytes`. */
export class ValueTooLargeError extends KvError {
  readonly code = 'ERR_KV_VALUE_TOO_LARGE';
  override readonly status = grpc.status.INVALID_ARGUMENT;
}

/** Get of a key this node holds no value for. */
export class KeyNotFoundError extends KvError {
  readonly code = 'ERR_KV_NOT_FOUND';
  override readonly status = grpc.status.NOT_FOUND;
}

/** A page token that this node did not issue. */
export class InvalidPageTokenError extends KvError {
  readonly code = 'ERR_KV_INVALID_PAGE_TOKEN';
  override readonly status = grpc.status.INVALID_ARGUMENT;
}

/** A sync call from a caller that is not a member (operators may not push entries). */
export class NotAMemberError extends KvError {
  readonly code = 'ERR_KV_NOT_A_MEMBER';
  override readonly status = grpc.status.PERMISSION_DENIED;
}

/** The plugin is stopping or stopped: writes are refused. */
export class KvStoppedError extends KvError {
  readonly code = 'ERR_KV_STOPPED';
  override readonly status = grpc.status.UNAVAILABLE;
}

/** A write could not be made durable (the data dir failed). */
export class KvStorageError extends KvError {
  readonly code = 'ERR_KV_STORAGE';
  override readonly status = grpc.status.UNAVAILABLE;
}

/** A Watch whose reader fell more events behind than the plugin queues for it: it is ended. */
export class WatchOverflowError extends KvError {
  readonly code = 'ERR_KV_WATCH_OVERFLOW';
  override readonly status = grpc.status.RESOURCE_EXHAUSTED;
}
