import { LRUCache } from 'lru-cache';

/** Ids remembered at most, per bounded map of membership (seen versions, wanted rumours, relayed claims). */
export const SEEN_CACHE = 8192;

/**
 * A bounded map from node id to what membership last noted about it, for ids that need not be
 * in the (bounded) peer table. The least recently *written* id goes first: reads use `peek`, so
 * looking an id up does not keep it. lru-cache (isaacs) does the bookkeeping.
 */
export function boundedMap<V extends {}>(max = SEEN_CACHE): LRUCache<string, V> {
  return new LRUCache<string, V>({ max });
}

/** id → the highest version of its record seen (in the table or only relayed). */
export class SeenVersions {
  private readonly map: LRUCache<string, number>;

  constructor(max = SEEN_CACHE) {
    this.map = boundedMap<number>(max);
  }

  get(id: string): number | undefined {
    return this.map.peek(id);
  }

  /** Notes `version` of `id` unless a version at least as high is already noted. */
  remember(id: string, version: number): void {
    const prev = this.map.peek(id);
    if (prev !== undefined && prev >= version) return;
    this.map.set(id, version);
  }

  get size(): number {
    return this.map.size;
  }
}
