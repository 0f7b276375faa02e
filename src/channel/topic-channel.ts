/*
 * What the gossip channel hands its users: delivered messages, and publish/subscribe over full
 * topics. The plugin contract re-exports the message type, and a plugin's channel is this
 * interface scoped to the plugin's prefix (src/plugins/scoped-channel.ts).
 */

/** A message on the gossip channel, as delivered to subscribers. */
export interface ChannelMessage {
  /** The full topic (with the plugin's prefix, e.g. `kv/put`). */
  topic: string;
  data: Uint8Array;
  /** The member that published it (its signature was verified). */
  origin: string;
  /**
   * The origin's run: each start of the origin's node begins a new, higher epoch. `(origin,
   * epoch, seq)` names a message uniquely.
   */
  epoch: number;
  /** Sequence number within (origin, epoch): starts at 1, increases by 1 per message. */
  seq: number;
  /** The origin's clock when it published (ms since the epoch; informational). */
  publishedAtMs: number;
}

/** Publish and subscribe over full topics (`kv/put`): the node-level channel. */
export interface TopicChannel {
  /**
   * Publishes to every live server-mode member (this node's own subscribers included). Resolves
   * once the message is queued for dissemination; waits while the outbound queue is full.
   */
  publish(topic: string, data: Uint8Array): Promise<ChannelMessage>;
  /** Calls `handler` once per message whose topic is `topic` or lies under it; returns the unsubscribe function. */
  subscribe(topic: string, handler: (message: ChannelMessage) => void): () => void;
}
