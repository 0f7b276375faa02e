import type { GossipHandlers } from '../proto/generated/g2g/v1/Gossip';
import type { Logger } from '../log/logger';
import type { GossipHandler, GossipTarget } from '../membership/transport';
import { callerOf } from '../transport/connection-identity';
import { exchangeRequestFromWire, exchangeResponseToWire, pingViaFromWire } from '../transport/gossip-wire';
import { unaryHandler } from '../transport/call-handlers';
import { CallerNotAllowedError, InvalidRequestError, UnknownMemberError } from '../transport/request-errors';

/** The one membership lookup the gossip service needs: where a member we know listens. */
export interface KnownMembers {
  /** The gossip address of member `nodeId` as this node knows it, or undefined if it knows no such member. */
  targetOf(nodeId: string): GossipTarget | undefined;
}

export interface GossipServiceComponents {
  handler: GossipHandler;
  members: KnownMembers;
  log: Logger;
  now(): number;
}

/**
 * The longest indirect ping a member may ask for: enough for any link (the probe timeout is a
 * fraction of this), short enough that a member cannot keep this node's calls open at will.
 */
export const MAX_PING_VIA_TIMEOUT_MS = 10_000;

/**
 * The gossip port's member-to-member service, over membership's handler. The authorisation
 * interceptor has already refused non-members and operators; the caller's id passed to
 * membership is the one its certificate proves, never one it claims.
 */
export function gossipHandlers(components: GossipServiceComponents): Pick<GossipHandlers, 'Ping' | 'Exchange' | 'PingVia'> {
  const { handler, log } = components;
  const memberOf = (call: Parameters<typeof callerOf>[0]): string => {
    const caller = callerOf(call, components.now());
    if (caller?.kind !== 'member') throw new CallerNotAllowedError('gossip is for members only');
    return caller.nodeId;
  };
  return {
    Ping: unaryHandler(log, 'Gossip.Ping', (call) => handler.handlePing(memberOf(call), { nonce: Number(call.request.nonce) })),
    Exchange: unaryHandler(log, 'Gossip.Exchange', async (call) => {
      const from = memberOf(call);
      const request = exchangeRequestFromWire(call.request);
      if (!request) throw new InvalidRequestError('an exchange needs the sender (its record or its heartbeat)');
      return exchangeResponseToWire(await handler.handleExchange(from, request));
    }),
    PingVia: unaryHandler(log, 'Gossip.PingVia', (call) => {
      const from = memberOf(call);
      const request = pingViaFromWire(call.request);
      // A member may make this node dial only members it knows, at the addresses it knows for
      // them: never an address of the caller's choosing (that would make every node an open
      // relay for connection attempts to anything).
      const target = components.members.targetOf(request.target.nodeId);
      if (!target) throw new UnknownMemberError(`PingVia: ${request.target.nodeId.slice(0, 64)} is not a member this node knows`);
      const timeoutMs = Math.min(Math.max(0, request.timeoutMs), MAX_PING_VIA_TIMEOUT_MS);
      return handler.handlePingVia(from, { ...request, target, timeoutMs });
    }),
  };
}
