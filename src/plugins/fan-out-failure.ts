import * as grpc from '@grpc/grpc-js';
import type { FanOutFailure } from './contract';

/**
 * One peer's failure as a plugin sees it: always an `Error`, always a gRPC status. A failed call
 * keeps its grpc-js `ServiceError` and status; anything else the plugin's call function threw
 * (or rejected with, even a string) is wrapped in an Error with status UNKNOWN, as grpc-js
 * itself reports a handler that threw something without a code.
 */
export function fanOutFailure(nodeId: string, error: unknown): FanOutFailure {
  if (error instanceof Error) {
    const code = (error as Partial<grpc.ServiceError>).code;
    return { nodeId, code: typeof code === 'number' && code in grpc.status ? code : grpc.status.UNKNOWN, error };
  }
  return { nodeId, code: grpc.status.UNKNOWN, error: new Error(`the call function for ${nodeId} threw a non-Error: ${String(error)}`, { cause: error }) };
}
