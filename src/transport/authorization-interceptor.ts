import * as grpc from '@grpc/grpc-js';
import type { Clock } from '../util/clock';
import type { Logger } from '../log/logger';
import type { ActiveCalls } from './active-calls';
import { callerAt, type CallerResult } from './caller-identity';
import { connectionIdentity } from './connection-identity';
import type { MemberAuthority } from './trust-store';

/** Methods only members may call; operators (people, tools) may call everything else. */
export type MemberOnlyPredicate = (methodPath: string) => boolean;

const MEMBER_ONLY_PREFIXES = ['/g2g.v1.Gossip/', '/g2g.v1.TokenSync/', '/g2g.v1.Channel/'];

export const gossipServiceIsMemberOnly: MemberOnlyPredicate = (path) => MEMBER_ONLY_PREFIXES.some((prefix) => path.startsWith(prefix));

/**
 * Authorises every call on the gossip port against the live membership, not only at the TLS
 * handshake: a member removed after its connection opened is refused on its next call.
 */
export function authorizationInterceptor(deps: {
  authority: MemberAuthority;
  clock: Clock;
  log: Logger;
  memberOnly?: MemberOnlyPredicate;
  /** Where accepted calls are registered, so that a removed member's open calls can be ended. */
  calls?: ActiveCalls;
  /**
   * Whether member `nodeId`'s CA may vouch for operators: a server-mode member's (or this node's).
   * A client-mode member holds its own CA key too, so without this it could mint an operator
   * certificate and call Admin.Remove or manage tokens, which it is itself refused. Default: any
   * member (tests and tools without a membership).
   */
  issuesOperators?: (nodeId: string) => boolean;
}): grpc.ServerInterceptor {
  const memberOnly = deps.memberOnly ?? gossipServiceIsMemberOnly;
  return (method, call) => {
    let untrack: (() => void) | undefined;
    const done = () => {
      untrack?.();
      untrack = undefined;
    };
    const intercepting: grpc.ServerInterceptingCall = new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, proceed) => {
            const identity = callerAt(connectionIdentity(call), deps.clock.now());
            const refusal = refuse(method.path, identity);
            if (refusal === undefined) {
              if (deps.calls && identity.ok) {
                untrack = deps.calls.track(identity.caller.nodeId, (status) => {
                  done();
                  intercepting.sendStatus({ ...status, metadata: new grpc.Metadata() });
                });
              }
              proceed(metadata);
              return;
            }
            deps.log.debug({ method: method.path, peer: call.getPeer(), reason: refusal.details }, 'call refused');
            call.sendStatus({ ...refusal, metadata: new grpc.Metadata() });
          },
          onCancel: done,
        }),
      sendStatus: (status, next) => {
        done();
        next(status);
      },
    });
    return intercepting;
  };

  function refuse(path: string, identity: CallerResult): { code: grpc.status; details: string } | undefined {
    if (!identity.ok) return { code: grpc.status.UNAUTHENTICATED, details: identity.reason };
    const { caller } = identity;
    if (!deps.authority.isMember(caller.nodeId)) {
      const who = caller.kind === 'member' ? `node ${caller.nodeId}` : `the CA of node ${caller.nodeId}`;
      return { code: grpc.status.UNAUTHENTICATED, details: `${who} is not a current member` };
    }
    if (caller.kind === 'operator' && deps.issuesOperators && !deps.issuesOperators(caller.nodeId)) {
      return { code: grpc.status.PERMISSION_DENIED, details: `operator certificates issued by the CA of node ${caller.nodeId} are not accepted: only server-mode members vouch for operators` };
    }
    if (caller.kind === 'operator' && memberOnly(path)) {
      return { code: grpc.status.PERMISSION_DENIED, details: `${path} is for members only` };
    }
    return undefined;
  }
}
