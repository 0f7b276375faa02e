import type { RecordTag } from './node-record';

/**
 * Bounds on a record's tags, checked on every record a member receives as well as on the node's
 * own settings: every record travels to every member and is kept by all of them, so a member
 * that puts 10,000 tags in its own (validly signed) record must not make every node hold them.
 * The node's own name, version and enrolment marker count against the same bounds.
 */
export const MAX_RECORD_TAGS = 24;
/** Bytes of all tags of a record (keys and values, UTF-8), reserved ones included. */
export const MAX_RECORD_TAG_BYTES = 1024;

/** Why a received record's tags are refused, or undefined. */
export function recordTagsProblem(tags: readonly RecordTag[]): string | undefined {
  if (tags.length > MAX_RECORD_TAGS) return `${tags.length} tags (at most ${MAX_RECORD_TAGS})`;
  const bytes = tagBytes(tags);
  if (bytes > MAX_RECORD_TAG_BYTES) return `${bytes} bytes of tags (at most ${MAX_RECORD_TAG_BYTES})`;
  return undefined;
}

/** UTF-8 bytes of a record's tags, keys and values. */
export function tagBytes(tags: readonly RecordTag[]): number {
  return tags.reduce((n, t) => n + Buffer.byteLength(t.key) + Buffer.byteLength(t.value), 0);
}
