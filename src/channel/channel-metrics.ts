import { Counter, Gauge, type Registry } from 'prom-client';
import type { ChannelStats } from './channel';

const MESSAGE_EVENTS: [string, keyof ChannelStats][] = [
  ['published', 'published'],
  ['delivered', 'delivered'],
  ['received', 'received'],
  ['repaired', 'repaired'],
  ['duplicate', 'duplicates'],
  ['stale', 'stale'],
  ['dropped_invalid', 'droppedInvalid'],
  ['dropped_forged', 'droppedForged'],
  ['dropped_refused', 'droppedRefused'],
  ['dropped_unknown_origin', 'droppedUnknownOrigin'],
  ['relay_dropped', 'relayDropped'],
  ['lost', 'lost'],
  ['handler_error', 'handlerErrors'],
];

const RPC_EVENTS: [string, string, keyof ChannelStats][] = [
  ['push', 'sent', 'pushesSent'],
  ['push', 'failed', 'pushesFailed'],
  ['push', 'refused', 'pushesRefused'],
  ['pull', 'sent', 'pullsSent'],
  ['pull', 'failed', 'pullsFailed'],
  ['pull', 'served', 'pullsServed'],
];

const GAUGES: [string, string, keyof ChannelStats][] = [
  ['g2g_channel_queue_messages', 'Messages waiting to be pushed.', 'queued'],
  ['g2g_channel_queue_bytes', 'Bytes waiting to be pushed.', 'queuedBytes'],
  ['g2g_channel_inflight_bytes', 'Bytes of pushes awaiting an answer.', 'inFlightBytes'],
  ['g2g_channel_publishers_waiting', 'Publishes waiting for room in the outbound queue (backpressure).', 'publishersWaiting'],
  ['g2g_channel_retained_messages', 'Messages kept to answer repair pulls.', 'retainedMessages'],
  ['g2g_channel_retained_bytes', 'Bytes of messages kept to answer repair pulls.', 'retainedBytes'],
  ['g2g_channel_origins', 'Origins this node tracks (dedup windows).', 'origins'],
];

/**
 * The gossip channel's counters and gauges, read from the channel's own stats at scrape time
 * (the channel stays free of prom-client): `g2g_channel_messages_total{event}`,
 * `g2g_channel_rpcs_total{rpc,result}` and a gauge per buffer.
 */
export function registerChannelMetrics(registry: Registry, stats: () => ChannelStats | undefined): void {
  new Counter({
    name: 'g2g_channel_messages_total',
    help: 'Gossip-channel messages by event: published, delivered (here, once each), received and repaired (others\', by push or pull), duplicate, stale, dropped_invalid, dropped_forged (signature did not verify), dropped_refused (client-mode origin), dropped_unknown_origin, relay_dropped (queue full), lost (given up in a gap), handler_error.',
    labelNames: ['event'],
    registers: [registry],
    collect() {
      const s = stats();
      if (!s) return;
      // Mirrors monotonic counts kept by the channel: reset, then set by increment.
      this.reset();
      for (const [event, key] of MESSAGE_EVENTS) this.inc({ event }, s[key]);
    },
  });
  new Counter({
    name: 'g2g_channel_rpcs_total',
    help: 'Gossip-channel calls: pushes sent, failed, refused (by this node, from a client-mode or unknown caller); pulls sent, failed, served.',
    labelNames: ['rpc', 'result'],
    registers: [registry],
    collect() {
      const s = stats();
      if (!s) return;
      this.reset();
      for (const [rpc, result, key] of RPC_EVENTS) this.inc({ rpc, result }, s[key]);
    },
  });
  for (const [name, help, key] of GAUGES) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const s = stats();
        if (s) this.set(s[key]);
      },
    });
  }
}
