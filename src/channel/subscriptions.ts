import type { ChannelMessage } from './topic-channel';

export type ChannelHandlerFn = (message: ChannelMessage) => void;

/**
 * Subscribers by topic. A subscription to `a/b` receives `a/b` and everything under it
 * (`a/b/c`), never `a/bc`; `''` receives everything. Delivery walks the message topic's
 * prefixes, so it costs the topic's depth, not the number of subscriptions.
 */
export class Subscriptions {
  private readonly byTopic = new Map<string, Set<ChannelHandlerFn>>();

  add(topic: string, handler: ChannelHandlerFn): () => void {
    let set = this.byTopic.get(topic);
    if (!set) {
      set = new Set();
      this.byTopic.set(topic, set);
    }
    // A wrapper per subscription, so the same function subscribed twice is called twice and
    // each unsubscribe removes exactly its own.
    const entry: ChannelHandlerFn = (m) => handler(m);
    set.add(entry);
    return () => {
      const s = this.byTopic.get(topic);
      if (!s?.delete(entry)) return;
      if (s.size === 0) this.byTopic.delete(topic);
    };
  }

  get size(): number {
    let n = 0;
    for (const s of this.byTopic.values()) n += s.size;
    return n;
  }

  /** True when some subscriber would receive `topic`. */
  wants(topic: string): boolean {
    return this.matching(topic).length > 0;
  }

  /** Calls every matching handler; a handler that throws is reported to `onError` and skipped. */
  deliver(message: ChannelMessage, onError: (error: unknown, topic: string) => void): number {
    const handlers = this.matching(message.topic);
    for (const h of handlers) {
      try {
        h(message);
      } catch (error) {
        onError(error, message.topic);
      }
    }
    return handlers.length;
  }

  private matching(topic: string): ChannelHandlerFn[] {
    if (this.byTopic.size === 0) return [];
    const out: ChannelHandlerFn[] = [];
    let t = topic;
    for (;;) {
      const set = this.byTopic.get(t);
      if (set) out.push(...set);
      if (t === '') break;
      const cut = t.lastIndexOf('/');
      t = cut < 0 ? '' : t.slice(0, cut);
    }
    return out;
  }
}
