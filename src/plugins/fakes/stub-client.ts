import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { silentLogger, type Logger } from '../../log/logger';
import type { Caller } from '../../transport/caller-identity';
import { answeredError, FAKE_CALLER, serverCallFields, serviceError, streamCall, thrownError, type StreamKind } from './stub-streams';

export { FAKE_CALLER };

type Callback = (error: grpc.ServiceError | null, value?: unknown) => void;

/** Per method (either spelling), how it streams; from the service definition when the kit has it. */
export type MethodKinds = Readonly<Record<string, 'unary' | StreamKind>>;

/**
 * An in-process stand-in for a generated gRPC client of `service`, calling `implementation`
 * (a plugin's handlers) directly, with the generated client's call shapes:
 *
 * * unary `client.Method(request, [metadata], [options], callback)`;
 * * server stream `client.Method(request, [metadata], [options])` → a readable of replies;
 * * client stream `client.Method([metadata], [options], callback)` → a writable of requests;
 * * bidi `client.Method([metadata], [options])` → a duplex.
 *
 * Without `kinds` (the service definition's streaming flags) the shape is told from the
 * arguments: a request object (anything but Metadata or a callback first) and a callback. Requests
 * and responses are cloned (no aliasing between "nodes") but not serialised, so proto defaults
 * and type conversion are not applied: test the wire format against a real node. Errors reach
 * the client as from a real node: what a handler throws or rejects with through the node's one
 * status mapping (unexpected errors logged on `log`, the serving plugin's logger), what it
 * answers with as grpc-js reads it, trailers included.
 */
export function stubClient(service: string, implementation: grpc.UntypedServiceImplementation, caller: Caller, kinds?: MethodKinds, log: Logger = silentLogger()): grpc.Client {
  const client: Record<string | symbol, unknown> = {
    close: () => undefined,
    getChannel: () => {
      throw new Error('stub clients have no channel');
    },
    waitForReady: (_deadline: unknown, callback: (error?: Error) => void) => callback(),
  };
  for (const [name, handler] of Object.entries(implementation)) {
    if (typeof handler !== 'function') continue;
    const method = (...args: unknown[]) => {
      const kind = kinds?.[name] ?? inferKind(args);
      if (kind === 'unary') return invoke(service, name, handler as Function, implementation, caller, args, log);
      const metadata = args.find((a): a is grpc.Metadata => a instanceof grpc.Metadata) ?? new grpc.Metadata();
      const callback = args.find((a): a is Callback => typeof a === 'function');
      return streamCall(kind, service, name, handler as Function, implementation, caller, { request: kind === 'server' ? args[0] : undefined, metadata, callback }, log);
    };
    client[name] = method;
    // Generated clients answer to both `SayHello` and `sayHello`.
    const other = name.charAt(0) === name.charAt(0).toUpperCase() ? name.charAt(0).toLowerCase() + name.slice(1) : name.charAt(0).toUpperCase() + name.slice(1);
    client[other] ??= method;
  }
  return client as unknown as grpc.Client;
}

function invoke(service: string, name: string, handler: Function, self: object, caller: Caller, args: unknown[], log: Logger): { cancel(): void; getPeer(): string } {
  const callback = args.find((a): a is Callback => typeof a === 'function');
  if (!callback) throw new TypeError(`stub ${service}/${name}: only unary calls with a callback are supported`);
  const metadata = args.find((a): a is grpc.Metadata => a instanceof grpc.Metadata) ?? new grpc.Metadata();
  let done = false;
  const finish = (error: grpc.ServiceError | null, value?: unknown) => {
    if (done) return;
    done = true;
    queueMicrotask(() => callback(error, value === undefined ? undefined : structuredClone(value)));
  };
  const call = Object.assign(new EventEmitter(), { request: structuredClone(args[0]) }, serverCallFields(service, name, caller, metadata));
  // As the plugin host's guard: a throw or a rejection ends the call through the node's one mapping.
  const thrown = (error: unknown) => finish(thrownError(error, log, `/${service}/${name}`));
  try {
    const result: unknown = handler.call(self, call, (error: unknown, value?: unknown, trailer?: grpc.Metadata) => finish(error ? answeredError(error, trailer) : null, value));
    if (result instanceof Promise) result.catch(thrown);
  } catch (error) {
    thrown(error);
  }
  return {
    cancel: () => {
      call.cancelled = true;
      call.emit('cancelled', 'cancelled');
      finish(serviceError(grpc.status.CANCELLED, 'Cancelled on client'));
    },
    getPeer: () => `fake:${service}`,
  };
}

/** The call shape from the arguments: is there a request (first argument) and a callback? */
function inferKind(args: unknown[]): 'unary' | StreamKind {
  const hasCallback = args.some((a) => typeof a === 'function');
  const first = args[0];
  const hasRequest = first !== undefined && typeof first !== 'function' && !(first instanceof grpc.Metadata);
  if (hasRequest) return hasCallback ? 'unary' : 'server';
  return hasCallback ? 'client' : 'bidi';
}
