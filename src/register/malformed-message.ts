import type * as grpc from '@grpc/grpc-js';

/**
 * grpc-js answers a message it cannot deserialise with INTERNAL. A register-port message that
 * does not decode is the caller's fault, so the deserialiser hands the handler this marker
 * instead, and the handler ends the call with INVALID_ARGUMENT.
 */
export const MALFORMED = Symbol('malformed register message');
export type MaybeMalformed = { [MALFORMED]?: string };

/** `method` with a deserialiser that returns the MALFORMED marker instead of throwing. */
export function tolerantMethod<Req, Res>(method: grpc.MethodDefinition<Req, Res>): grpc.MethodDefinition<Req, Res> {
  return {
    ...method,
    requestDeserialize: (bytes: Buffer) => {
      try {
        return method.requestDeserialize(bytes);
      } catch (err) {
        // The handler checks for the marker before it reads anything else.
        return { [MALFORMED]: (err as Error).message.slice(0, 200) } satisfies MaybeMalformed as unknown as Req;
      }
    },
  };
}
