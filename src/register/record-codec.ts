import path from 'node:path';
import protobuf from 'protobufjs';
import type { NodeRecord, NodeRecord__Output } from '../proto/generated/g2g/v1/NodeRecord';
import { LOADER_OPTIONS, PROTO_DIR } from '../proto/protos';

/**
 * NodeRecord to and from bytes. The join handshake MACs records as the bytes that travel (a
 * re-encoding by a peer of another version would drop fields it does not know and break the
 * MAC), so they cross the wire as `bytes` and are decoded here, with the same conversions as
 * proto-loader (camelCase, longs as numbers, enums as strings, defaults filled).
 */

let recordType: protobuf.Type | undefined;

function type(): protobuf.Type {
  if (!recordType) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
    root.loadSync('g2g/v1/node.proto', { keepCase: LOADER_OPTIONS.keepCase ?? false });
    recordType = root.lookupType('g2g.v1.NodeRecord');
  }
  return recordType;
}

export function encodeNodeRecord(record: NodeRecord): Buffer {
  const t = type();
  return Buffer.from(t.encode(t.fromObject(record as Record<string, unknown>)).finish());
}

/** Throws (protobufjs's error) on bytes that are not a NodeRecord. */
export function decodeNodeRecord(bytes: Uint8Array): NodeRecord__Output {
  const t = type();
  return t.toObject(t.decode(bytes), { longs: Number, enums: String, defaults: true, oneofs: true, arrays: true }) as NodeRecord__Output;
}
