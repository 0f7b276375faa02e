import type { ChannelMessage, PluginChannel } from '../plugins/contract';
import { ChannelTopicError } from './errors';
import { topicProblem } from './message';

/**
 * A plugin's view of the channel (DESIGN §6): topics relative to `<prefix>/`, so a plugin can
 * neither publish into nor listen to another plugin's topics. `publish('put')` goes out as
 * `<prefix>/put`; `publish('')` as `<prefix>` itself; `subscribe('')` receives all of the prefix.
 * Delivered messages carry the full topic.
 */
export function scopedChannel(channel: PluginChannel, prefix: string): PluginChannel {
  const root = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const problem = topicProblem(root);
  if (problem || root.includes('/')) throw new ChannelTopicError(`a channel scope must be one topic segment (a plugin name), got "${prefix}"${problem ? `: ${problem}` : ''}`);
  const full = (topic: string): string => (topic === '' ? root : `${root}/${topic}`);
  return {
    publish: (topic: string, data: Uint8Array): Promise<ChannelMessage> => {
      if (typeof topic !== 'string') return Promise.reject(new ChannelTopicError('a topic must be a string'));
      return channel.publish(full(topic), data);
    },
    subscribe: (topic: string, handler: (message: ChannelMessage) => void): (() => void) => {
      if (typeof topic !== 'string') throw new ChannelTopicError('a topic must be a string');
      return channel.subscribe(full(topic), handler);
    },
  };
}
