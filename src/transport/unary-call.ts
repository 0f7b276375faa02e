import * as grpc from '@grpc/grpc-js';
import { callErrorFrom } from './call-errors';

/**
 * The unary methods of a generated client. A generated method is overloaded; a conditional type
 * reads its last overload, `(argument, callback)`, which names the request and response types.
 */
export type UnaryMethodOf<C> = {
  [K in keyof C]: C[K] extends (argument: any, callback: grpc.requestCallback<any>) => grpc.ClientUnaryCall ? K : never;
}[keyof C];
export type RequestOf<C, K extends keyof C> = C[K] extends (argument: infer Req, callback: grpc.requestCallback<any>) => grpc.ClientUnaryCall ? Req : never;
export type ResponseOf<C, K extends keyof C> = C[K] extends (argument: any, callback: grpc.requestCallback<infer Res>) => grpc.ClientUnaryCall ? Res : never;

/** Every call has a deadline, relative (ms from now, on the wall clock gRPC uses) or absolute (epoch ms): none waits for ever. */
export type UnaryCallOptions = ({ timeoutMs: number; deadline?: never } | { deadline: number | Date; timeoutMs?: never }) & {
  metadata?: grpc.Metadata;
  /** Sees the call once it is started (to cancel it, as a fan-out does with peers it no longer needs). */
  started?(call: grpc.ClientUnaryCall): void;
};

/**
 * The one way g2g calls a unary method: a promise of the response that rejects with a g2g call
 * error (call-errors.ts: CallTimeoutError for DEADLINE_EXCEEDED, PeerUnavailableError for
 * UNAVAILABLE, RemoteCallError with the callee's status and g2g code otherwise), the same types
 * the in-memory network rejects with. Callers branch on the class or `status`, never on
 * grpc-js's error shape.
 */
export function unaryCall<C extends grpc.Client, K extends UnaryMethodOf<C>>(
  client: C,
  method: K,
  request: RequestOf<C, K>,
  options: UnaryCallOptions,
): Promise<ResponseOf<C, K>> {
  const deadline = options.deadline ?? Date.now() + (options.timeoutMs ?? 0);
  const fn = client[method] as unknown as (request: unknown, ...rest: unknown[]) => grpc.ClientUnaryCall;
  return new Promise((resolve, reject) => {
    const callback: grpc.requestCallback<ResponseOf<C, K>> = (error, response) => {
      if (error) reject(callErrorFrom(error));
      else resolve(response as ResponseOf<C, K>);
    };
    // (request, options, callback) unless there is metadata: every grpc-js client takes both
    // forms, and so do the narrower stubs tests hand to plugins.
    const call = options.metadata ? fn.call(client, request, options.metadata, { deadline }, callback) : fn.call(client, request, { deadline }, callback);
    options.started?.(call);
  });
}
