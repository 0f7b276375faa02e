import * as grpc from '@grpc/grpc-js';
import type { ChannelHandlers } from '../proto/generated/g2g/v1/Channel';
import type { Logger } from '../log/logger';
import { callerOf } from '../transport/connection-identity';
import { toServiceError } from '../transport/status-mapping';
import { pullRequestFromWire, pullResponseToWire, pushRequestFromWire } from './channel-wire';
import { ChannelSenderRefusedError } from './errors';
import type { ChannelHandler } from './transport';

export interface ChannelServiceComponents {
  handler: ChannelHandler;
  log: Logger;
  now(): number;
}

/**
 * g2g.v1.Channel on the gossip port, over the channel's handler. The authorisation interceptor
 * has already refused non-members and operators; the caller's id handed to the channel is the
 * one its certificate proves. A refused sender gets PERMISSION_DENIED, anything else the
 * channel refuses FAILED_PRECONDITION (with the error code in the `g2g-error-code` trailer).
 */
export function channelHandlers(components: ChannelServiceComponents): Pick<ChannelHandlers, 'Push' | 'Pull'> {
  const { handler, log } = components;
  const memberOf = (call: Parameters<typeof callerOf>[0]): string | undefined => {
    const caller = callerOf(call, components.now());
    return caller?.kind === 'member' ? caller.nodeId : undefined;
  };
  const denied = { code: grpc.status.PERMISSION_DENIED, details: 'the channel is for members only' };
  const fail = (error: unknown) => toServiceError(error, log, error instanceof ChannelSenderRefusedError ? grpc.status.PERMISSION_DENIED : grpc.status.FAILED_PRECONDITION);
  return {
    Push(call, callback) {
      const from = memberOf(call);
      if (!from) return callback(denied);
      handler.handlePush(from, pushRequestFromWire(call.request)).then(
        (response) => callback(null, response),
        (error: unknown) => callback(fail(error)),
      );
    },
    Pull(call, callback) {
      const from = memberOf(call);
      if (!from) return callback(denied);
      handler.handlePull(from, pullRequestFromWire(call.request)).then(
        (response) => callback(null, pullResponseToWire(response)),
        (error: unknown) => callback(fail(error)),
      );
    },
  };
}
