import * as grpc from '@grpc/grpc-js';
import type { ConnectionGuard } from './connection-guard';

export interface UsefulCallOptions {
  /**
   * Whether a request message the node received also makes the connection useful. On the gossip
   * port every caller passed mutual TLS as a member, and a member's long server stream (a watch,
   * a plugin's subscription) may send nothing for a long time: without this its connection would
   * be reset as unused. The register port leaves it off: there anyone can send requests.
   */
  onRequest?: boolean;
}

/**
 * Tells the port's guard that a connection had a useful call: the node sent it a response
 * message (an answer, a health status, a handshake step), or — with `onRequest` — received a
 * request. Calls refused before that — unknown methods, undecodable or unauthorised requests,
 * refused joins — do not count, so a connection that only ever sends those is closed at the
 * guard's unused-connection timeout.
 */
export function usefulCallInterceptor(guard: Pick<ConnectionGuard, 'markUseful' | 'callStarted'>, options: UsefulCallOptions = {}): grpc.ServerInterceptor {
  return (_method, call) => {
    let marked = false;
    const mark = (): void => {
      if (marked) return;
      marked = true;
      guard.markUseful(call.getPeer());
    };
    // The call is in progress until its status is sent or it is cancelled (the guard's idle bound).
    const ended = guard.callStarted(call.getPeer());
    return new grpc.ServerInterceptingCall(call, {
      start: (next: (listener?: grpc.ServerListener) => void) =>
        next({
          ...(options.onRequest
            ? {
                onReceiveMessage: (message: unknown, nextMessage: (message: unknown) => void) => {
                  mark();
                  nextMessage(message);
                },
              }
            : {}),
          onCancel: ended,
        }),
      sendMessage: (message, next) => {
        mark();
        next(message);
      },
      sendStatus: (status, next) => {
        ended();
        next(status);
      },
    });
  };
}
