import * as grpc from '@grpc/grpc-js';

/** The error a plugin's fan-out lists for a peer that missed its deadline: shaped like grpc-js's own DEADLINE_EXCEEDED. */
export function deadlineExceeded(nodeId: string, ms: number): grpc.ServiceError {
  const details = `${nodeId} did not answer within ${ms} ms`;
  return Object.assign(new Error(`4 DEADLINE_EXCEEDED: ${details}`), { code: grpc.status.DEADLINE_EXCEEDED, details, metadata: new grpc.Metadata() });
}
