import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { channelOptions, tlsCredentials, type TlsMaterial } from './clients';

let ctor: grpc.ServiceClientConstructor | undefined;

function reflectionClient(): grpc.ServiceClientConstructor {
  if (!ctor) {
    const dir = path.join(path.dirname(require.resolve('@grpc/reflection')), '../proto');
    const definition = protoLoader.loadSync('grpc/reflection/v1/reflection.proto', { includeDirs: [dir], keepCase: true });
    ctor = grpc.makeClientConstructor(definition['grpc.reflection.v1.ServerReflection'] as grpc.ServiceDefinition, 'grpc.reflection.v1.ServerReflection');
  }
  return ctor;
}

/** The services a port lists through reflection v1 (what grpcurl/buf curl `list` print), bounded in time. */
export function listServices(address: string, material: TlsMaterial, timeoutMs = 10_000): Promise<string[]> {
  const Client = reflectionClient();
  const client = new Client(address, tlsCredentials(material), channelOptions(material.nodeId));
  return new Promise<string[]>((resolve, reject) => {
    const stream = (client as unknown as { ServerReflectionInfo(o: object): grpc.ClientDuplexStream<object, { list_services_response?: { service: { name: string }[] }; error_response?: { error_message: string } }> })
      .ServerReflectionInfo({ deadline: Date.now() + timeoutMs });
    stream.on('data', (response) => {
      if (response.error_response) reject(new Error(response.error_response.error_message));
      else resolve((response.list_services_response?.service ?? []).map((s: { name: string }) => s.name).sort());
      stream.end();
    });
    stream.on('error', reject);
    stream.write({ list_services: '' });
  }).finally(() => client.close());
}
