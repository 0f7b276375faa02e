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
}

/** Last-writer-wins order: timestamp first, then node id (so every node picks the same winner). */
export function compareVersions(a: Version, b: Version): number {
  const byTime = compareHlc(a, b);
  if (byTime !== 0) return byTime;
  return a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0;
}

export function sameVersion(a: Version, b: Version): boolean {
  return compareVersions(a, b) === 0;
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

export function describeVersion(v: Version): string {
  return `${v.wallMs}.${v.counter}@${v.nodeId}`;
}
