import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { g2gProto as loadG2gProto, type G2gProto } from '../../src/proto/protos';

const HealthClient = grpc.makeClientConstructor(healthService, 'grpc.health.v1.Health');

export interface TlsMaterial {
  caPem: string;
  /** Client certificate and key; omit for server-auth-only TLS (the register port). */
  certPem?: string;
  keyPem?: string;
  /** The server's nodeId: TLS server name and SAN to verify. */
  nodeId: string;
}

export function tlsCredentials(m: TlsMaterial): grpc.ChannelCredentials {
  return grpc.credentials.createSsl(
    Buffer.from(m.caPem),
    m.keyPem ? Buffer.from(m.keyPem) : null,
    m.certPem ? Buffer.from(m.certPem) : null,
  );
}

export function channelOptions(nodeId: string, extra: grpc.ChannelOptions = {}): grpc.ChannelOptions {
  return { 'grpc.ssl_target_name_override': nodeId, 'grpc.default_authority': nodeId, ...extra };
}

export function g2gProto(): G2gProto {
  return loadG2gProto();
}

export function healthClient(address: string, m: TlsMaterial, extra?: grpc.ChannelOptions): grpc.Client & Record<string, Function> {
  return new HealthClient(address, tlsCredentials(m), channelOptions(m.nodeId, extra)) as grpc.Client & Record<string, Function>;
}

/** Promisified unary call with a bounded deadline. */
export function call<Res>(client: grpc.Client, method: string, request: object, timeoutMs = 10_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    const fn = (client as unknown as Record<string, Function>)[method];
    fn.call(client, request, { deadline: Date.now() + timeoutMs }, (error: grpc.ServiceError | null, response: Res) =>
      error ? reject(error) : resolve(response),
    );
  });
}

/** Resolves to the error code of a call that must fail (rejects if it succeeds). */
export async function failureCode(promise: Promise<unknown>): Promise<grpc.status> {
  try {
    await promise;
  } catch (error) {
    return (error as grpc.ServiceError).code;
  }
  throw new Error('the call succeeded but was expected to fail');
}
