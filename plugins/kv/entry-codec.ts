import * as protobuf from 'protobufjs';
import type { KvEntry } from './entry';
import { MAX_COUNTER } from './hlc';

/**
 * `g2g.kv.v1.Entry` (kv.proto) as bytes, for the gossip channel. Built from this JSON descriptor
 * rather than by reading kv.proto, so the compiled plugin does not need to find its source folder
 * at run time; a unit test checks that the two agree.
 */
export const ENTRY_DESCRIPTOR = {
  nested: {
    Version: { fields: { wallMs: { type: 'uint64', id: 1 }, counter: { type: 'uint32', id: 2 }, nodeId: { type: 'string', id: 3 } } },
    Entry: { fields: { key: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 }, deleted: { type: 'bool', id: 3 }, version: { type: 'Version', id: 4 }, signature: { type: 'bytes', id: 5 } } },
  },
};

const EntryType = protobuf.Root.fromJSON(ENTRY_DESCRIPTOR).lookupType('Entry');

export function encodeEntry(entry: KvEntry): Uint8Array {
  return EntryType.encode({ key: entry.key, value: entry.value, deleted: entry.deleted, version: { ...entry.version }, signature: entry.signature }).finish();
}

/** Decodes and checks an entry; throws on anything malformed. */
export function decodeEntry(bytes: Uint8Array): KvEntry {
  const m = EntryType.toObject(EntryType.decode(bytes), { longs: Number, bytes: Buffer, defaults: true }) as {
    key: string;
    value: Buffer;
    deleted: boolean;
    version?: { wallMs: number; counter: number; nodeId: string };
    signature: Buffer;
  };
  return entryFromWire(m);
}

/** Wire-shaped entry (grpc-js / protobufjs objects, camelCase, longs as numbers or strings). */
export interface WireEntry {
  key?: string;
  value?: Uint8Array;
  deleted?: boolean;
  version?: WireVersion | null;
  signature?: Uint8Array;
}

export interface WireVersion {
  wallMs?: number | string;
  counter?: number;
  nodeId?: string;
}

/** Checks and converts an entry from the wire (channel, sync calls); throws on anything malformed. */
export function entryFromWire(m: WireEntry): KvEntry {
  const version = versionFromWire(m.version);
  if (typeof m.key !== 'string' || m.key.length === 0) throw new Error('entry has no key');
  const deleted = m.deleted === true;
  return {
    key: m.key,
    value: deleted ? new Uint8Array(0) : new Uint8Array(m.value ?? new Uint8Array(0)),
    deleted,
    version,
    signature: new Uint8Array(m.signature ?? new Uint8Array(0)),
  };
}

export function versionFromWire(v: WireVersion | null | undefined): KvEntry['version'] {
  const wallMs = Number(v?.wallMs);
  const counter = Number(v?.counter ?? 0);
  if (!v || !Number.isSafeInteger(wallMs) || wallMs < 0 || !Number.isSafeInteger(counter) || counter < 0 || counter > MAX_COUNTER || typeof v.nodeId !== 'string' || v.nodeId.length === 0) {
    throw new Error('entry has no valid version');
  }
  return { wallMs, counter, nodeId: v.nodeId };
}

export function entryToWire(e: KvEntry): { key: string; value: Buffer; deleted: boolean; version: { wallMs: number; counter: number; nodeId: string }; signature: Buffer } {
  return { key: e.key, value: Buffer.from(e.value), deleted: e.deleted, version: { ...e.version }, signature: Buffer.from(e.signature) };
}
