import type { Channel } from '../channel/channel';
import type { EventJournal } from '../events/event-journal';
import type { LiveViewSource } from '../metrics/live-view-source';
import { liveSnapshot } from '../metrics/live-snapshot';
import { TopicTraffic } from '../metrics/topic-traffic';
import type { PeerPool } from '../pool/peer-pool';
import type { Clock } from '../util/clock';
import type { NodeMembership } from './node-membership';

/** What the live page at `/` of the metrics port reads; counting the channel's topics starts here. */
export function liveView(c: { cluster: string; clock: Clock; network: () => NodeMembership | undefined; pool: () => PeerPool | undefined; channel: Channel; events: EventJournal }): LiveViewSource {
  const traffic = new TopicTraffic();
  c.channel.subscribe('', (message) => traffic.count(message.topic, message.data.byteLength));
  return {
    snapshot: () =>
      liveSnapshot({
        cluster: c.cluster,
        now: c.clock.now(),
        self: c.network()?.localRecord(),
        members: c.network()?.members() ?? [],
        pool: c.pool()?.describe(),
        topics: traffic.snapshot(),
      }),
    follow: (listener, afterSeq) => c.events.follow(listener, afterSeq),
  };
}
