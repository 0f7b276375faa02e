import type { TopicChannel } from '../channel/topic-channel';
import type { PluginChannel } from './contract';
import { PluginTopicError } from './errors';

/**
 * The node-level gossip channel (full topics) as the plugin host needs it: the host hands each
 * plugin a view scoped to its prefix with {@link scopedChannel}, so the channel itself knows
 * nothing of plugins.
 */
export type ScopableChannel = TopicChannel;

/** Longest relative topic a plugin may use (bytes of UTF-8); the prefix comes on top. */
export const MAX_TOPIC_BYTES = 200;

/** Segments separated by single slashes; no whitespace or control characters. */
const TOPIC = /^[^/\s\p{Cc}]+(?:\/[^/\s\p{Cc}]+)*$/u;

/**
 * The channel as plugin `name` sees it, over a channel of full topics: every topic it publishes
 * or subscribes to is prefixed with `<name>/`, so plugins cannot read or write each other's
 * topics; `''` is the prefix itself (publish) or everything under it (subscribe). Delivered
 * messages keep the full topic (contract: ChannelMessage.topic).
 */
export function scopedChannel(channel: PluginChannel, name: string): PluginChannel {
  const prefix = `${name}/`;
  return {
    publish(topic, data) {
      try {
        checkTopic(name, topic, true);
      } catch (error) {
        return Promise.reject(error);
      }
      return channel.publish(topic === '' ? name : prefix + topic, data);
    },
    subscribe(topic, handler) {
      checkTopic(name, topic, true);
      // '' is "every topic of the plugin": everything under the prefix.
      return channel.subscribe(topic === '' ? name : prefix + topic, handler);
    },
  };
}

/** True when `topic` is `filter` or lies under it (`filter + '/'`). */
export function topicMatches(filter: string, topic: string): boolean {
  return topic === filter || (topic.startsWith(filter) && topic.charAt(filter.length) === '/');
}

function checkTopic(plugin: string, topic: unknown, allowEmpty: boolean): void {
  if (typeof topic !== 'string') throw new PluginTopicError(plugin, `a topic must be a string, got ${typeof topic}`);
  if (topic === '' && allowEmpty) return;
  if (!TOPIC.test(topic)) {
    throw new PluginTopicError(plugin, `topic ${JSON.stringify(topic)} must be non-empty segments separated by single "/", without spaces or control characters`);
  }
  if (Buffer.byteLength(topic) > MAX_TOPIC_BYTES) {
    throw new PluginTopicError(plugin, `topic is ${Buffer.byteLength(topic)} bytes; at most ${MAX_TOPIC_BYTES}`);
  }
}
