import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log/logger';
import { toServiceError } from './status-mapping';

/**
 * The one way a g2g service answers: handlers are plain (async) functions that return the
 * response or throw, and these wrappers turn what they throw into the call's status through
 * `toServiceError` (a G2gError's own status and code; anything else INTERNAL plus one log line).
 * No handler calls `callback(error)` or picks a status itself.
 */

/** A unary handler: `fn`'s value answers the call, what it throws (or rejects with) ends it. */
export function unaryHandler<Req, Res>(
  log: Logger,
  method: string,
  fn: (call: grpc.ServerUnaryCall<Req, Res>) => Res | Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    let result: Res | Promise<Res>;
    try {
      result = fn(call);
    } catch (error) {
      callback(toServiceError(error, log, method));
      return;
    }
    Promise.resolve(result).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(error, log, method)),
    );
  };
}

/**
 * A server-streaming handler: `fn` writes to the call and ends it (or leaves it open, as a watch
 * does; its promise resolving does not end the stream). What it throws, or rejects with, ends the
 * stream with the mapped status unless the stream already ended.
 */
export function serverStreamHandler<Req, Res>(
  log: Logger,
  method: string,
  fn: (call: grpc.ServerWritableStream<Req, Res>) => void | Promise<void>,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    const fail = (error: unknown): void => failStream(call, error, log, method);
    try {
      Promise.resolve(fn(call)).catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}

/** Ends a streaming call with `error`'s status (grpc-js sends a stream's status from an 'error' event). */
export function failStream(call: grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>, error: unknown, log: Logger, method?: string): void {
  const status = toServiceError(error, log, method);
  if (call.writableEnded || call.destroyed || call.cancelled) return;
  call.emit('error', status);
}
