import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fixMapEntryDescriptors } from '../proto/descriptor-fix';
import { LOADER_OPTIONS, PROTO_DIR } from '../proto/protos';
import type { PluginManifest } from './contract';
import { PluginFileMissingError, PluginProtoError, PluginServiceUndefinedError } from './errors';

export interface PluginProtos {
  /** Every type and service of the plugin's protos, descriptors fixed for Go reflection clients. */
  definition: protoLoader.PackageDefinition;
  /** The manifest's services, in manifest order. */
  services: Map<string, grpc.ServiceDefinition>;
}

/**
 * Loads a plugin's protos with the plugin folder as the include root (then g2g's own `proto/`,
 * so a plugin may import `g2g/v1/*.proto`; protobufjs supplies google/protobuf/*), with the same
 * loader options as the host, and checks that each service the manifest lists is defined.
 * Parsing runs no plugin code.
 */
export function loadPluginProtos(dir: string, manifest: PluginManifest): PluginProtos {
  for (const file of manifest.protos) {
    if (!existsSync(path.join(dir, file))) throw new PluginFileMissingError(manifest.name, `proto file ${file} not found in ${dir}`);
  }
  let definition: protoLoader.PackageDefinition;
  try {
    definition = protoLoader.loadSync(manifest.protos, { ...LOADER_OPTIONS, includeDirs: [dir, PROTO_DIR] });
  } catch (error) {
    throw new PluginProtoError(manifest.name, `protos do not parse: ${(error as Error).message}`, { cause: error });
  }
  fixMapEntryDescriptors(definition);
  const services = new Map<string, grpc.ServiceDefinition>();
  for (const name of manifest.services) {
    const entry = definition[name];
    if (!entry || !isService(entry)) {
      const defined = Object.entries(definition).filter(([, v]) => isService(v)).map(([k]) => k);
      throw new PluginServiceUndefinedError(manifest.name, `service ${name} is not defined in ${manifest.protos.join(', ')} (services defined: ${defined.join(', ') || 'none'})`);
    }
    services.set(name, entry as unknown as grpc.ServiceDefinition);
  }
  return { definition, services };
}

/** Message and enum definitions carry a `format`; a service is a map of method definitions. */
function isService(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null || 'format' in entry) return false;
  const methods = Object.values(entry);
  return methods.length > 0 && methods.every((m) => typeof m === 'object' && m !== null && typeof (m as { path?: unknown }).path === 'string');
}
