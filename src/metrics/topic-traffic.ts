/** Topics counted at most; the rest are summed under `(other)` so a chatty network cannot grow it. */
const MAX_TOPICS = 64;

export interface TopicCount {
  topic: string;
  messages: number;
  bytes: number;
}

/**
 * Channel messages delivered at this node by topic, for the live page's traffic table. Topics
 * are cut to their first two segments (`kv/set/key1` counts as `kv/set`): plugins put keys in
 * topics, and a table of keys would be neither bounded nor readable.
 */
export class TopicTraffic {
  private readonly counts = new Map<string, TopicCount>();

  count(topic: string, bytes: number): void {
    let key = topic.split('/').slice(0, 2).join('/');
    if (!this.counts.has(key) && this.counts.size >= MAX_TOPICS) key = '(other)';
    let entry = this.counts.get(key);
    if (!entry) {
      entry = { topic: key, messages: 0, bytes: 0 };
      this.counts.set(key, entry);
    }
    entry.messages++;
    entry.bytes += bytes;
  }

  snapshot(): TopicCount[] {
    return [...this.counts.values()].map((c) => ({ ...c })).sort((a, b) => b.messages - a.messages);
  }
}
