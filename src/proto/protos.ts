import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { ProtoGrpcType as AdminProto } from './generated/admin';
import type { ProtoGrpcType as ChannelProto } from './generated/channel';
import type { ProtoGrpcType as GossipProto } from './generated/gossip';
import type { ProtoGrpcType as RegisterProto } from './generated/register';
import type { ProtoGrpcType as TokenSyncProto } from './generated/token_sync';
import { fixMapEntryDescriptors } from './descriptor-fix';

/** Where our .proto files live at run time (`dist/src/proto/` → `proto/`). */
export const PROTO_DIR = path.resolve(__dirname, '../../../proto');

/**
 * The loader options the generated types in `generated/` were made with (`npm run gen:proto`).
 * They must stay in step, or the types lie about the runtime objects.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

export const G2G_PROTO_FILES = ['g2g/v1/node.proto', 'g2g/v1/register.proto', 'g2g/v1/gossip.proto', 'g2g/v1/admin.proto', 'g2g/v1/token_sync.proto', 'g2g/v1/channel.proto'];

export type G2gProto = RegisterProto & GossipProto & AdminProto & TokenSyncProto & ChannelProto;

let cached: { definition: protoLoader.PackageDefinition } | undefined;

/** Our own package definition (loaded once; descriptors fixed for Go reflection clients). */
export function g2gPackageDefinition(): protoLoader.PackageDefinition {
  cached ??= { definition: fixMapEntryDescriptors(protoLoader.loadSync(G2G_PROTO_FILES, LOADER_OPTIONS)) };
  return cached.definition;
}

let loaded: G2gProto | undefined;

/** Our services and messages as grpc-js constructors and definitions (loaded once). */
export function g2gProto(): G2gProto {
  loaded ??= grpc.loadPackageDefinition(g2gPackageDefinition()) as unknown as G2gProto;
  return loaded;
}

/** grpc.health.v1, loaded from grpc-health-check's own proto with its map entry fixed. */
export function healthPackageDefinition(): protoLoader.PackageDefinition {
  return fixMapEntryDescriptors(protoLoader.loadSync(healthProtoPath, { ...LOADER_OPTIONS, includeDirs: [] }));
}

export const SERVICE_NAMES = {
  register: 'g2g.v1.Register',
  gossip: 'g2g.v1.Gossip',
  admin: 'g2g.v1.Admin',
  tokenSync: 'g2g.v1.TokenSync',
  channel: 'g2g.v1.Channel',
  health: 'grpc.health.v1.Health',
} as const;
