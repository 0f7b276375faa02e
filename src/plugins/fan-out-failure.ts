import * as grpc from '@grpc/grpc-js';
import type { FanOutFailure } from './contract';

/**
 * One peer's failure as a plugin sees it: always an `Error`, always a gRPC status. A failed call
 * keeps its grpc-js `ServiceError` and status. Anything else the call function rejected with is
 * wrapped in an Error (the original as its `cause`): a status-shaped object (`{ code, details }`,
 * as a hand-written stub's callback gives) keeps its status, everything else is UNKNOWN, as
 * grpc-js reports a handler that threw something without a code.
 */
export function fanOutFailure(nodeId: string, error: unknown): FanOutFailure {
  const code = statusOf(error);
  if (error instanceof Error) return { nodeId, code: code ?? grpc.status.UNKNOWN, error };
  if (code !== undefined) {
    const details = String((error as { details?: unknown }).details ?? '');
    const wrapped = Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`, { cause: error }), { code, details, metadata: new grpc.Metadata() });
    return { nodeId, code, error: wrapped };
  }
  return { nodeId, code: grpc.status.UNKNOWN, error: new Error(`the call to ${nodeId} failed with a non-Error: ${String(error)}`, { cause: error }) };
}

function statusOf(error: unknown): grpc.status | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'number' && grpc.status[code] !== undefined ? (code as grpc.status) : undefined;
}
