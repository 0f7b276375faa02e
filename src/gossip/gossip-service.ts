import * as grpc from '@grpc/grpc-js';
import type { GossipHandlers } from '../proto/generated/g2g/v1/Gossip';
import type { Logger } from '../log/logger';
import type { GossipHandler } from '../membership/transport';
import { callerOf } from '../transport/connection-identity';
import { exchangeRequestFromWire, exchangeResponseToWire, pingViaFromWire } from '../transport/gossip-wire';
import { toServiceError } from '../transport/status-mapping';
import { ModeEscalationError } from '../membership/errors';

export interface GossipServiceComponents {
  handler: GossipHandler;
  log: Logger;
  now(): number;
}

/**
 * The gossip port's member-to-member service, over membership's handler. The authorisation
 * interceptor has already refused non-members and operators; the caller's id passed to
 * membership is the one its certificate proves, never one it claims.
 */
export function gossipHandlers(components: GossipServiceComponents): Pick<GossipHandlers, 'Ping' | 'Exchange' | 'PingVia'> {
  const { handler, log } = components;
  const memberOf = (call: Parameters<typeof callerOf>[0]): string | undefined => {
    const caller = callerOf(call, components.now());
    return caller?.kind === 'member' ? caller.nodeId : undefined;
  };
  const denied = { code: grpc.status.PERMISSION_DENIED, details: 'gossip is for members only' };
  return {
    Ping(call, callback) {
      const from = memberOf(call);
      if (!from) return callback(denied);
      callback(null, handler.handlePing(from, { nonce: Number(call.request.nonce) }));
    },
    Exchange(call, callback) {
      const from = memberOf(call);
      if (!from) return callback(denied);
      const request = exchangeRequestFromWire(call.request);
      if (!request) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'an exchange needs the sender (its record or its heartbeat)' });
      handler.handleExchange(from, request).then(
        (response) => callback(null, exchangeResponseToWire(response)),
        (error: unknown) => callback(toServiceError(error, log, error instanceof ModeEscalationError ? grpc.status.PERMISSION_DENIED : grpc.status.INVALID_ARGUMENT)),
      );
    },
    PingVia(call, callback) {
      const from = memberOf(call);
      if (!from) return callback(denied);
      handler.handlePingVia(from, pingViaFromWire(call.request)).then(
        (response) => callback(null, response),
        (error: unknown) => callback(toServiceError(error, log, grpc.status.INVALID_ARGUMENT)),
      );
    },
  };
}
