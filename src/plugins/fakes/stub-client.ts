import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { Caller } from '../../transport/caller-identity';

/** Where a stubbed call carries its caller, for the kit's `callerOf`. */
export const FAKE_CALLER = Symbol.for('g2g.testing.caller');

type Callback = (error: grpc.ServiceError | null, value?: unknown) => void;

/**
 * An in-process stand-in for a generated gRPC client of `service`, calling `implementation`
 * (a plugin's handlers) directly: `client.Method(request, [metadata], [options], callback)`.
 * Unary methods only; requests and responses are cloned (no aliasing between "nodes") but not
 * serialised, so proto defaults and type conversion are not applied: test streams and the wire
 * format against a real node.
 */
export function stubClient(service: string, implementation: grpc.UntypedServiceImplementation, caller: Caller): grpc.Client {
  const client: Record<string | symbol, unknown> = {
    close: () => undefined,
    getChannel: () => {
      throw new Error('stub clients have no channel');
    },
    waitForReady: (_deadline: unknown, callback: (error?: Error) => void) => callback(),
  };
  for (const [name, handler] of Object.entries(implementation)) {
    if (typeof handler !== 'function') continue;
    const method = (...args: unknown[]) => invoke(service, name, handler as Function, implementation, caller, args);
    client[name] = method;
    // Generated clients answer to both `SayHello` and `sayHello`.
    const other = name.charAt(0) === name.charAt(0).toUpperCase() ? name.charAt(0).toLowerCase() + name.slice(1) : name.charAt(0).toUpperCase() + name.slice(1);
    client[other] ??= method;
  }
  return client as unknown as grpc.Client;
}

function invoke(service: string, name: string, handler: Function, self: object, caller: Caller, args: unknown[]): { cancel(): void; getPeer(): string } {
  const callback = args.find((a): a is Callback => typeof a === 'function');
  if (!callback) throw new TypeError(`stub ${service}/${name}: only unary calls with a callback are supported`);
  const metadata = args.find((a): a is grpc.Metadata => a instanceof grpc.Metadata) ?? new grpc.Metadata();
  let done = false;
  const finish = (error: grpc.ServiceError | null, value?: unknown) => {
    if (done) return;
    done = true;
    queueMicrotask(() => callback(error, value === undefined ? undefined : structuredClone(value)));
  };
  const call = Object.assign(new EventEmitter(), {
    request: structuredClone(args[0]),
    metadata,
    cancelled: false,
    getPeer: () => `fake:${caller.nodeId}`,
    getDeadline: () => Infinity,
    getPath: () => `/${service}/${name}`,
    getHost: () => 'fake',
    sendMetadata: () => undefined,
    getAuthContext: () => ({}),
    [FAKE_CALLER]: caller,
  });
  try {
    handler.call(self, call, (error: unknown, value?: unknown) => finish(error ? toServiceError(error) : null, value));
  } catch (error) {
    finish(toServiceError(error));
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

function toServiceError(error: unknown): grpc.ServiceError {
  const e = error as Partial<grpc.StatusObject> & { message?: string };
  // grpc-js sends a handler's error without a numeric code as UNKNOWN with its message.
  if (typeof e?.code === 'number') return serviceError(e.code, e.details ?? e.message ?? '');
  return serviceError(grpc.status.UNKNOWN, e?.message ?? String(error));
}

function serviceError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });
}
