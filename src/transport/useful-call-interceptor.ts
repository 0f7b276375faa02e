import * as grpc from '@grpc/grpc-js';
import type { ConnectionGuard } from './connection-guard';

/**
 * Tells the port's guard that a connection had a useful call: the node sent it a response
 * message (an answer, a health status, a handshake step). Calls refused before that — unknown
 * methods, undecodable or unauthorised requests, refused joins — do not count, so a connection
 * that only ever sends those is closed at the guard's unused-connection timeout.
 */
export function usefulCallInterceptor(guard: Pick<ConnectionGuard, 'markUseful'>): grpc.ServerInterceptor {
  return (_method, call) => {
    let marked = false;
    return new grpc.ServerInterceptingCall(call, {
      sendMessage: (message, next) => {
        if (!marked) {
          marked = true;
          guard.markUseful(call.getPeer());
        }
        next(message);
      },
    });
  };
}
