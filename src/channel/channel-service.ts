import type { ChannelHandlers } from '../proto/generated/g2g/v1/Channel';
import type { Logger } from '../log/logger';
import { callerOf } from '../transport/connection-identity';
import { unaryHandler } from '../transport/call-handlers';
import { CallerNotAllowedError } from '../transport/request-errors';
import { pullRequestFromWire, pullResponseToWire, pushRequestFromWire } from './channel-wire';
import type { ChannelHandler } from './transport';

export interface ChannelServiceComponents {
  handler: ChannelHandler;
  log: Logger;
  now(): number;
}

/**
 * g2g.v1.Channel on the gossip port, over the channel's handler. The authorisation interceptor
 * has already refused non-members and operators; the caller's id handed to the channel is the
 * one its certificate proves. What the channel refuses answers with its error's own status
 * (a refused sender: PERMISSION_DENIED) and code (the `g2g-error-code` trailer).
 */
export function channelHandlers(components: ChannelServiceComponents): Pick<ChannelHandlers, 'Push' | 'Pull'> {
  const { handler, log } = components;
  const memberOf = (call: Parameters<typeof callerOf>[0]): string => {
    const caller = callerOf(call, components.now());
    if (caller?.kind !== 'member') throw new CallerNotAllowedError('the channel is for members only');
    return caller.nodeId;
  };
  return {
    Push: unaryHandler(log, 'Channel.Push', (call) => handler.handlePush(memberOf(call), pushRequestFromWire(call.request))),
    Pull: unaryHandler(log, 'Channel.Pull', async (call) => pullResponseToWire(await handler.handlePull(memberOf(call), pullRequestFromWire(call.request)))),
  };
}
