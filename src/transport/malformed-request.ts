import * as grpc from '@grpc/grpc-js';

/**
 * grpc-js answers a request it cannot deserialise with INTERNAL ("Error deserializing
 * request"), as if the node were at fault. Undecodable input is the caller's fault, and every
 * method of both ports answers it with INVALID_ARGUMENT: each method's deserialiser hands the
 * call this marker instead of throwing, and `malformedRequestInterceptor` ends the call.
 */
export const MALFORMED = Symbol('malformed request');
export type MaybeMalformed = { [MALFORMED]?: string };

export function isMalformed(message: unknown): message is MaybeMalformed {
  return typeof message === 'object' && message !== null && (message as MaybeMalformed)[MALFORMED] !== undefined;
}

/** `method` with a deserialiser that returns the MALFORMED marker instead of throwing. */
export function tolerantMethod<Req, Res>(method: grpc.MethodDefinition<Req, Res>): grpc.MethodDefinition<Req, Res> {
  if ((method.requestDeserialize as { tolerant?: boolean }).tolerant) return method;
  const requestDeserialize = (bytes: Buffer): Req => {
    try {
      return method.requestDeserialize(bytes);
    } catch (err) {
      // The interceptor (or a handler that reads the marker itself) checks it before anything else.
      return { [MALFORMED]: String((err as Error)?.message ?? err).slice(0, 200) } satisfies MaybeMalformed as unknown as Req;
    }
  };
  return { ...method, requestDeserialize: Object.assign(requestDeserialize, { tolerant: true }) };
}

/** Every method of `definition` made tolerant (see tolerantMethod). */
export function tolerantDefinition(definition: grpc.ServiceDefinition): grpc.ServiceDefinition {
  return Object.fromEntries(Object.entries(definition).map(([name, method]) => [name, tolerantMethod(method)]));
}

/**
 * `server` as services see it when they add themselves (grpc-health-check, @grpc/reflection,
 * plugins): every definition added through it is made tolerant first.
 */
export function tolerantServer(server: Pick<grpc.Server, 'addService'>): Pick<grpc.Server, 'addService'> {
  return { addService: (definition, implementation) => server.addService(tolerantDefinition(definition), implementation) };
}

/**
 * Ends a call whose request did not decode with INVALID_ARGUMENT before its handler sees it.
 * `selfChecked` lists method paths whose handlers read the marker themselves (the register
 * port's handshakes, which log and throttle it as a failed handshake).
 */
export function malformedRequestInterceptor(selfChecked: ReadonlySet<string> = new Set()): grpc.ServerInterceptor {
  return (method, call) => {
    if (selfChecked.has(method.path)) return new grpc.ServerInterceptingCall(call);
    let refused = false;
    const intercepting: grpc.ServerInterceptingCall = new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMessage: (message, nextMessage) => {
            if (refused) return;
            if (!isMalformed(message)) return nextMessage(message);
            refused = true;
            intercepting.sendStatus({ code: grpc.status.INVALID_ARGUMENT, details: `undecodable request for ${method.path}`, metadata: new grpc.Metadata() });
          },
          // The handler would answer a unary call whose message we swallowed a second time.
          onReceiveHalfClose: (nextHalfClose) => {
            if (!refused) nextHalfClose();
          },
        }),
    });
    return intercepting;
  };
}
