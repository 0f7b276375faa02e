import { createHash } from 'node:crypto';
import { compareHlc, type HlcTimestamp } from './hlc';

/** Who wrote a value and when: a hybrid logical timestamp plus the writer, a total order. */
export interface Version extends HlcTimestamp {
  /** The node that made the write; breaks ties between equal timestamps. */
  readonly nodeId: string;
}

/** One key's current state. A delete is an entry too (a tombstone), so it can win and spread. */
export interface KvEntry {
  readonly key: string;
  /** Empty for a tombstone. */
  readonly value: Uint8Array;
  readonly deleted: boolean;
  readonly version: Version;
  /**
   * The writer's (`version.nodeId`) signature over {@link entrySigningBytes}, made with its node
   * CA key (PluginContext.authorship): every node that merges the entry, whoever relayed it,
   * checks it. Empty only in stores written before entries were signed.
   */
  readonly signature: Uint8Array;
}

const SIGNING_DOMAIN = 'g2g.kv.v1.Entry\n';

/**
 * The bytes a writer signs: a domain, then every field that means something (key, deleted,
 * value, version), each length-prefixed or fixed-width so no two entries share an encoding.
 */
export function entrySigningBytes(e: Pick<KvEntry, 'key' | 'value' | 'deleted' | 'version'>): Buffer {
  const key = Buffer.from(e.key, 'utf8');
  const node = Buffer.from(e.version.nodeId, 'utf8');
  const head = Buffer.alloc(4 + 1 + 4 + 8 + 4 + 4);
  let o = head.writeUInt32BE(key.length, 0);
  o = head.writeUInt8(e.deleted ? 1 : 0, o);
  o = head.writeUInt32BE(e.value.length, o);
  o = head.writeBigUInt64BE(BigInt(e.version.wallMs), o);
  o = head.writeUInt32BE(e.version.counter, o);
  head.writeUInt32BE(node.length, o);
  return Buffer.concat([Buffer.from(SIGNING_DOMAIN, 'utf8'), head, key, e.value, node]);
}

/** Last-writer-wins order: timestamp first, then node id (so every node picks the same winner). */
export function compareVersions(a: Version, b: Version): number {
  const byTime = compareHlc(a, b);
  if (byTime !== 0) return byTime;
  return a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0;
}

/**
 * A 16-byte fingerprint of an entry's identity (key and version). Two nodes that hold the same
 * key at the same version hold the same value, since a version names exactly one write.
 */
export function entryFingerprint(key: string, version: Version): Buffer {
  return createHash('sha256')
    .update(key)
    .update('\0')
    .update(`${version.wallMs}.${version.counter}.${version.nodeId}`)
    .digest()
    .subarray(0, 16);
}
