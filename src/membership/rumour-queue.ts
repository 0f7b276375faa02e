/**
 * Rumours waiting to be piggybacked on exchanges, each sent a limited number of times (after
 * memberlist's TransmitLimitedQueue). A rumour about a key (a node's record, a claim about a node)
 * replaces an older one about the same key and starts its count again. Messages take the
 * least-sent rumours first, so fresh news overtakes old news; rumours are kept in buckets by
 * send count, so taking costs O(taken), not a sort of the queue.
 */

/**
 * The rumour budget: λ·⌈log10(N + 1)⌉ sends per node per rumour (memberlist's
 * retransmit limit). Every exchange is push-pull and a node takes part in about
 * 2·(exchangeBudget + randomExchanges) messages per interval, so a rumour stays hot at each node
 * for about budget / 6 intervals while the infected set grows about sevenfold per interval.
 */
export function retransmitLimit(retransmitMult: number, networkSize: number): number {
  return retransmitMult * Math.ceil(Math.log10(Math.max(1, networkSize) + 1));
}

interface Item<T> {
  key: string;
  value: T;
  transmits: number;
  /** The take() that last sent it (so one take does not send it twice). */
  takenIn: number;
}

export class RumourQueue<T> {
  private readonly items = new Map<string, Item<T>>();
  /** buckets[t]: the rumours sent t times, oldest first (Maps keep insertion order). */
  private readonly buckets: Map<string, Item<T>>[] = [];
  private takes = 0;

  constructor(private readonly maxQueued = 8192) {}

  get size(): number {
    return this.items.size;
  }

  /** Queues `value` under `key`, replacing (and resetting the count of) any rumour with that key. */
  push(key: string, value: T): void {
    this.delete(key);
    const item: Item<T> = { key, value, transmits: 0, takenIn: -1 };
    this.items.set(key, item);
    this.bucket(0).set(key, item);
    if (this.items.size > this.maxQueued) this.dropMostSent();
  }

  /** Forgets the rumour under `key` (e.g. superseded by a newer state). */
  delete(key: string): void {
    const item = this.items.get(key);
    if (!item) return;
    this.items.delete(key);
    this.buckets[item.transmits]?.delete(key);
  }

  get(key: string): T | undefined {
    return this.items.get(key)?.value;
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  /**
   * Up to `max` rumours for one message, least-sent first; each counts as sent once, and those
   * that reach `limit` sends leave the queue. `accept` may skip one (size, recipient).
   */
  take(max: number, limit: number, accept: (value: T) => boolean = () => true): T[] {
    const out: T[] = [];
    if (max <= 0 || this.items.size === 0) return out;
    const take = this.takes++;
    for (let t = 0; t < this.buckets.length && out.length < max; t++) {
      const bucket = this.buckets[t];
      if (!bucket || bucket.size === 0) continue;
      for (const item of bucket.values()) {
        if (out.length >= max) break;
        if (item.takenIn === take || !accept(item.value)) continue;
        out.push(item.value);
        item.takenIn = take;
        bucket.delete(item.key);
        item.transmits++;
        if (item.transmits >= limit) this.items.delete(item.key);
        else this.bucket(item.transmits).set(item.key, item);
      }
    }
    return out;
  }

  /** Transmissions so far of the rumour under `key` (undefined when not queued). */
  transmits(key: string): number | undefined {
    return this.items.get(key)?.transmits;
  }

  private bucket(t: number): Map<string, Item<T>> {
    while (this.buckets.length <= t) this.buckets.push(new Map());
    return this.buckets[t]!;
  }

  private dropMostSent(): void {
    for (let t = this.buckets.length - 1; t >= 0; t--) {
      const bucket = this.buckets[t];
      if (!bucket || bucket.size === 0) continue;
      const oldest = bucket.keys().next().value as string;
      this.delete(oldest);
      return;
    }
  }
}
