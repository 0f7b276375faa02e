import os from 'node:os';
import type { RecordTag } from '../membership/node-record';
import { MAX_RECORD_TAG_BYTES, tagBytes } from '../membership/record-tags';

/**
 * Node names and tags, carried in the record's existing `tags` (so the record's wire format and
 * signature bytes do not change): keys under `g2g.` are the node's own (its name, its software
 * version, an enrolled tool's marker); the operator's tags (G2G_TAGS) may not use that prefix.
 *
 * Everything here is bounded, because every record travels to every member: a name of at most
 * 63 characters, at most 16 operator tags, and at most 1 KiB of tags in all.
 */

export const RESERVED_PREFIX = 'g2g.';
export const NAME_TAG = 'g2g.name';
export const VERSION_TAG = 'g2g.version';
/** Set by `g2g enroll` on a tool's client-mode identity: it never heartbeats or serves. */
export const ENROLLED_TAG = 'g2g.enrolled';

export const MAX_USER_TAGS = 16;
export const MAX_TAG_KEY = 63;
export const MAX_TAG_VALUE = 128;
/** Bytes of all tags of a record (keys and values, UTF-8), reserved ones included; members refuse records over it. */
export const MAX_TAG_BYTES = MAX_RECORD_TAG_BYTES;

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const KEY = /^[a-z0-9](?:[a-z0-9._/-]{0,61}[a-z0-9])?$/;
const VALUE = /^[^,=\s\p{Cc}]{0,128}$/u;

/** Why `name` is not a node name, or undefined. */
export function nameProblem(name: string): string | undefined {
  return NAME.test(name) ? undefined : 'must be 1-63 letters, digits, ".", "_" or "-", starting and ending with a letter or digit';
}

/** The default node name: the hostname, cut to a valid name (a container's hostname is its id). */
export function defaultNodeName(hostname: string = os.hostname()): string {
  const cleaned = hostname.split('.')[0]!.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
  return cleaned === '' ? 'node' : cleaned;
}

/** Parses `k=v,k2=v2` (G2G_TAGS); throws an Error whose message completes "tags: ...". */
export function parseTags(text: string): RecordTag[] {
  const tags: RecordTag[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`must be a comma-separated list of key=value; ${JSON.stringify(part)} has no key=`);
    tags.push({ key: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() });
  }
  return tags;
}

/** Why a list of operator tags is refused, or undefined. */
export function userTagsProblem(tags: readonly RecordTag[]): string | undefined {
  if (tags.length > MAX_USER_TAGS) return `must be at most ${MAX_USER_TAGS} tags, got ${tags.length}`;
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    if (key.startsWith(RESERVED_PREFIX)) return `keys starting with "${RESERVED_PREFIX}" are the node's own; ${JSON.stringify(key)} is one`;
    if (!KEY.test(key)) return `keys must be 1-${MAX_TAG_KEY} lowercase letters, digits, ".", "_", "/" or "-"; ${JSON.stringify(key)} is not`;
    if (!VALUE.test(value)) return `values must be at most ${MAX_TAG_VALUE} characters without spaces, "," or "="; the value of ${key} is not`;
    if (seen.has(key)) return `${key} is given twice`;
    seen.add(key);
  }
  if (tagBytes(tags) > MAX_TAG_BYTES - 200) return `must total at most ${MAX_TAG_BYTES - 200} bytes (the record carries them to every member)`;
  return undefined;
}

/** The tags of our own record: name and version first, then the operator's. */
export function recordTags(name: string, version: string, userTags: readonly RecordTag[], extra: readonly RecordTag[] = []): RecordTag[] {
  return [{ key: NAME_TAG, value: name }, { key: VERSION_TAG, value: version.slice(0, 64) }, ...extra, ...userTags];
}

/** What a peer's record tags say, read defensively: peers run other versions, and tags come from the wire. */
export interface NodeLabels {
  name: string;
  version: string;
  enrolled: boolean;
  /** The operator's tags (no `g2g.` key). */
  tags: RecordTag[];
}

export function labelsOf(tags: readonly RecordTag[] | undefined): NodeLabels {
  const out: NodeLabels = { name: '', version: '', enrolled: false, tags: [] };
  let bytes = 0;
  for (const t of tags ?? []) {
    bytes += Buffer.byteLength(t.key) + Buffer.byteLength(t.value);
    if (bytes > MAX_TAG_BYTES) break;
    if (t.key === NAME_TAG) out.name = nameProblem(t.value) === undefined ? t.value : '';
    else if (t.key === VERSION_TAG) out.version = t.value.slice(0, 64);
    else if (t.key === ENROLLED_TAG || t.key === 'enrolled') out.enrolled = true;
    else if (!t.key.startsWith(RESERVED_PREFIX)) out.tags.push(t);
  }
  return out;
}

/** `k=v,k2=v2`, as G2G_TAGS takes it. */
export function formatTags(tags: readonly RecordTag[]): string {
  return tags.map((t) => `${t.key}=${t.value}`).join(',');
}
