import { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { Caller } from '../../transport/caller-identity';

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

export function serviceError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });
}

export function toServiceError(error: unknown): grpc.ServiceError {
  const e = error as Partial<grpc.StatusObject> & { message?: string };
  // grpc-js sends a handler's error without a numeric code as UNKNOWN with its message.
  if (typeof e?.code === 'number') return serviceError(e.code, e.details ?? e.message ?? '');
  return serviceError(grpc.status.UNKNOWN, e?.message ?? String(error));
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
): Duplex {
  const [clientEnd, serverEnd] = streamPair();
  let finished = false;
  const finish = (error: grpc.ServiceError | null) => {
    if (finished) return;
    finished = true;
    queueMicrotask(() => {
      if (error) clientEnd.emit('error', error);
      clientEnd.emit('status', { code: error?.code ?? grpc.status.OK, details: error?.details ?? '', metadata: new grpc.Metadata() });
    });
  };
  const server = Object.assign(serverEnd, serverCallFields(service, name, caller, args.metadata), args.request === undefined ? {} : { request: structuredClone(args.request) });
  // grpc-js sends a stream's status from an 'error' event carrying { code, details }.
  const onServerError = (error: unknown) => finish(toServiceError(error));
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
  const callback = (error: unknown, value?: unknown) => {
    if (answered) return;
    answered = true;
    finished = true;
    queueMicrotask(() => args.callback?.(error ? toServiceError(error) : null, value === undefined ? undefined : structuredClone(value)));
  };
  queueMicrotask(() => {
    try {
      if (kind === 'client') handler.call(self, server, callback);
      else handler.call(self, server);
    } catch (error) {
      if (kind === 'client') callback(error);
      else onServerError(error);
    }
  });
  return client;
}
