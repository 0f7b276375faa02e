import * as grpc from '@grpc/grpc-js';
import type { AdminHandlers } from '../proto/generated/g2g/v1/Admin';
import type { StatusResponse } from '../proto/generated/g2g/v1/StatusResponse';
import type { LeafInfo } from '../proto/generated/g2g/v1/LeafInfo';
import type { Logger } from '../log/logger';
import { describeCaller } from '../transport/caller-identity';
import { callerOf } from '../transport/connection-identity';
import { toServiceError } from '../transport/status-mapping';

export interface AdminServiceComponents {
  /** A snapshot of the node's state, without the caller field. */
  status(): Omit<StatusResponse, 'caller'>;
  /** Issues and installs a new leaf now; resolves to the leaf before and after. */
  rotate(reason: string): Promise<{ previous: LeafInfo; current: LeafInfo }>;
  log: Logger;
}

/** Operating a node: read its status, rotate its leaf. */
export function adminHandlers(components: AdminServiceComponents): Pick<AdminHandlers, 'Status' | 'Rotate'> {
  return {
    Status(call, callback) {
      callback(null, { ...components.status(), caller: describeCaller(callerOf(call)) });
    },
    Rotate(call, callback) {
      const who = describeCaller(callerOf(call));
      const reason = call.request.reason || `requested by ${who}`;
      components.rotate(reason).then(
        (result) => callback(null, result),
        (error: unknown) => callback(toServiceError(error, components.log, grpc.status.UNAVAILABLE)),
      );
    },
  };
}
