import path from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { Server } from '@grpc/grpc-js';
import { LOADER_OPTIONS } from '../proto/protos';

export const REFLECTION_SERVICES = ['grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'];

let reflectionDefinition: protoLoader.PackageDefinition | undefined;

/** The reflection protos themselves, so a port's reflection also lists the reflection service. */
function reflectionProtos(): protoLoader.PackageDefinition {
  const dir = path.join(path.dirname(require.resolve('@grpc/reflection')), '../proto');
  reflectionDefinition ??= protoLoader.loadSync(
    ['grpc/reflection/v1/reflection.proto', 'grpc/reflection/v1alpha/reflection.proto'],
    { ...LOADER_OPTIONS, includeDirs: [dir] },
  );
  return reflectionDefinition;
}

/**
 * Adds reflection (v1 and v1alpha) that lists exactly `services` — what this port serves — from
 * the given definitions (whose descriptors must already be fixed for Go clients, see
 * proto/descriptor-fix.ts).
 */
export function addReflection(
  server: Pick<Server, 'addService'>,
  definitions: protoLoader.PackageDefinition[],
  services: readonly string[],
): void {
  const merged = Object.assign({}, reflectionProtos(), ...definitions) as protoLoader.PackageDefinition;
  new ReflectionService(merged, { services: [...services, ...REFLECTION_SERVICES] }).addToServer(server);
}
