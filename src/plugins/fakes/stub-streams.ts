import { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../log/logger';
import type { Caller } from '../../transport/caller-identity';
import { toServiceError } from '../../transport/status-mapping';

/** Where a stubbed call carries its caller, for the kit's `callerOf`. */
export const FAKE_CALLER = Symbol.for('g2g.testing.caller');

/**
 * One end of an in-process stream pair: what is written to one end is read (cloned, so the two
 * "nodes" share no objects) from the other; `end()` on one ends the other's readable side.
 */
class StreamEnd extends Duplex {
  peer!: StreamEnd;

  constructor() {
    super({ objectMode: true });
  }

  override _read(): void {
    // Data is pushed by the peer's writes.
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.peer.push(structuredClone(chunk));
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer.push(null);
    callback();
  }
}

function streamPair(): [StreamEnd, StreamEnd] {
  const a = new StreamEnd();
  const b = new StreamEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** The error a generated client gets for `status` (grpc-js's message, code, details and trailers). */
export function serviceError(code: grpc.status, details: string, metadata = new grpc.Metadata()): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata });
}

/**
 * What the client gets when a handler answers with `error` itself (its callback's error, or
 * `call.emit('error', …)` on a stream): grpc-js's own reading, a numeric `code` with its details
 * and trailers (so the `g2g-error-code` trailer of a status from the node's handler wrappers
 * arrives), anything else UNKNOWN with its message.
 */
export function answeredError(error: unknown, trailer?: grpc.Metadata): grpc.ServiceError {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as Partial<grpc.StatusObject> & { message?: string };
  const metadata = trailer ?? (e.metadata instanceof grpc.Metadata ? e.metadata : new grpc.Metadata());
  if (typeof e.code === 'number' && Number.isInteger(e.code)) return serviceError(e.code, typeof e.details === 'string' ? e.details : e.message ?? '', metadata);
  return serviceError(grpc.status.UNKNOWN, e.message ?? 'Unknown Error', metadata);
}

/**
 * What the client gets when a handler throws or rejects with `error`: the node's one mapping
 * (status-mapping.ts), as the plugin host applies it on a real node: a G2gError's own status and
 * `g2g-error-code` trailer, anything else INTERNAL plus one line on the plugin's logger.
 */
export function thrownError(error: unknown, log: Logger, what: string): grpc.ServiceError {
  const status = toServiceError(error, log, what);
  return serviceError(status.code, status.details, status.metadata);
}

/** What every stubbed server call has besides its stream side (as grpc-js's server calls). */
export function serverCallFields(service: string, name: string, caller: Caller, metadata: grpc.Metadata) {
  return {
    metadata,
    cancelled: false,
    getPeer: () => `fake:${caller.nodeId}`,
    getDeadline: () => Infinity,
    getPath: () => `/${service}/${name}`,
    getHost: () => 'fake',
    sendMetadata: () => undefined,
    getAuthContext: () => ({}),
    [FAKE_CALLER]: caller,
  };
}

export type StreamKind = 'server' | 'client' | 'bidi';

/**
 * A streaming call through the kit: the handler gets a server call (a stream, as grpc-js gives
 * it), the test gets the client side (as a generated client returns it). Statuses travel as
 * grpc-js's do: the handler's `call.end()` ends the client's stream with a `status` event (OK);
 * `call.emit('error', { code, details })` or `call.destroy(error)` gives the client an `error`
 * event with that ServiceError; the client's `cancel()` makes the server call emit `cancelled`.
 * For a client stream the handler answers with its callback, which reaches the test's callback.
 */
export function streamCall(
  kind: StreamKind,
  service: string,
  name: string,
  handler: Function,
  self: object,
  caller: Caller,
  args: { request?: unknown; metadata: grpc.Metadata; callback?: (error: grpc.ServiceError | null, value?: unknown) => void },
  log: Logger,
): Duplex {
  const what = `/${service}/${name}`;
  const [clientEnd, serverEnd] = streamPair();
  let finished = false;
  const finish = (error: grpc.ServiceError | null) => {
    if (finished) return;
    finished = true;
    // After the replies already written, as on a real connection (the readable emits them on a later tick).
    setImmediate(() => {
      if (error) clientEnd.emit('error', error);
      clientEnd.emit('status', { code: error?.code ?? grpc.status.OK, details: error?.details ?? '', metadata: error?.metadata ?? new grpc.Metadata() });
    });
  };
  const server = Object.assign(serverEnd, serverCallFields(service, name, caller, args.metadata), args.request === undefined ? {} : { request: structuredClone(args.request) });
  // grpc-js sends a stream's status from an 'error' event carrying { code, details }.
  const onServerError = (error: unknown) => finish(answeredError(error));
  const onThrown = (error: unknown) => finish(thrownError(error, log, what));
  server.on('error', onServerError);
  server.once('finish', () => finish(null));
  const client = Object.assign(clientEnd, {
    cancel: () => {
      server.cancelled = true;
      server.emit('cancelled', 'cancelled');
      finish(serviceError(grpc.status.CANCELLED, 'Cancelled on client'));
    },
    getPeer: () => `fake:${service}`,
  });
  // A server stream's request is all the client sends.
  if (kind === 'server') clientEnd.end();
  let answered = false;
  const answer = (error: grpc.ServiceError | null, value?: unknown) => {
    if (answered) return;
    answered = true;
    finished = true;
    queueMicrotask(() => args.callback?.(error, value === undefined ? undefined : structuredClone(value)));
  };
  const callback = (error: unknown, value?: unknown, trailer?: grpc.Metadata) => answer(error ? answeredError(error, trailer) : null, value);
  // As the plugin host's guard: a throw or a rejection ends the call through the node's one mapping.
  const thrown = (error: unknown) => (kind === 'client' ? answer(thrownError(error, log, what)) : onThrown(error));
  queueMicrotask(() => {
    try {
      const result: unknown = kind === 'client' ? handler.call(self, server, callback) : handler.call(self, server);
      if (result instanceof Promise) result.catch(thrown);
    } catch (error) {
      thrown(error);
    }
  });
  return client;
}
