import { LRUCache } from 'lru-cache';

/**
 * A map that keeps at most `max` entries: setting one more forgets the least recently used
 * (set or got; `peek` reads without counting as a use). For caches and per-source state that
 * anyone on the network can make grow. lru-cache (isaacs) does the bookkeeping; values must not
 * be null or undefined (wrap them), as in lru-cache itself.
 */
export type BoundedMap<K extends {}, V extends {}> = LRUCache<K, V>;

export function boundedMap<K extends {}, V extends {}>(max: number): BoundedMap<K, V> {
  if (!(Number.isInteger(max) && max >= 1)) throw new RangeError(`a bounded map holds at least 1 entry, got ${max}`);
  return new LRUCache<K, V>({ max });
}
