import * as grpc from '@grpc/grpc-js';
import type { Clock } from '../util/clock';
import type { Logger } from '../log/logger';
import type { ActiveCalls } from './active-calls';
import type { G2gError } from '../errors';
import { callerAt, operatorLifetimeRefusal, type CallerResult, type CertificateIdentity } from './caller-identity';
import { connectionIdentity } from './connection-identity';
import { CallerNotAllowedError, CallerUnauthenticatedError, OperatorCertificateLifetimeError } from './request-errors';
import { toServiceError } from './status-mapping';
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
  /** Operator certificates valid for longer than this are refused (operatorCertMaxLifetime). Default: no bound. */
  operatorCertMaxLifetimeMs?: number;
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
            const certificate = connectionIdentity(call);
            const identity = callerAt(certificate, deps.clock.now());
            const refusal = refuse(method.path, identity, certificate);
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
            deps.log.debug({ method: method.path, peer: call.getPeer(), reason: refusal.message }, 'call refused');
            call.sendStatus(toServiceError(refusal, deps.log, method.path));
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

  function refuse(path: string, identity: CallerResult, certificate: CertificateIdentity): G2gError | undefined {
    if (!identity.ok) return new CallerUnauthenticatedError(identity.reason);
    const { caller } = identity;
    if (!deps.authority.isMember(caller.nodeId)) {
      const who = caller.kind === 'member' ? `node ${caller.nodeId}` : `the CA of node ${caller.nodeId}`;
      return new CallerUnauthenticatedError(`${who} is not a current member`);
    }
    if (caller.kind === 'operator' && deps.issuesOperators && !deps.issuesOperators(caller.nodeId)) {
      return new CallerNotAllowedError(`operator certificates issued by the CA of node ${caller.nodeId} are not accepted: only server-mode members vouch for operators`);
    }
    const tooLong = deps.operatorCertMaxLifetimeMs === undefined ? undefined : operatorLifetimeRefusal(certificate, deps.operatorCertMaxLifetimeMs);
    if (tooLong !== undefined) return new OperatorCertificateLifetimeError(tooLong);
    if (caller.kind === 'operator' && memberOnly(path)) {
      return new CallerNotAllowedError(`${path} is for members only`);
    }
    return undefined;
  }
}
