import { ManualClock } from '../../testing/manual-clock';
import type { ChannelMessage, MembershipEventView, PluginChannel, PluginMember } from '../contract';
import { topicMatches } from '../scoped-channel';
import type { FakePluginServer } from './fake-server';

type State = PluginMember['state'];

interface FakeNode {
  member: PluginMember;
  subscribers: Set<{ filter: string; handler: (m: ChannelMessage) => void }>;
  seq: number;
  /** Partition group; nodes only hear nodes of their own group. */
  group: number;
  /** Messages published while this node was cut off, delivered on heal (pull repair). */
  missed: ChannelMessage[];
  listeners: Set<(event: MembershipEventView) => void>;
  /** Services this node's plugin registered (the testing kit's in-process peers). */
  server?: FakePluginServer;
  /** How much of the network's log this node had seen when it joined (the rest reaches it live). */
  joinedAt: number;
  backlogReplayed: boolean;
}

/** What the network keeps for late joiners, as each node's retention buffer does (defaults: the node's). */
export interface FakeRetention {
  /** Default 10,000 (channelRetentionMessages). */
  maxMessages?: number;
  /** Default 10 minutes (channelRetention), on the network's clock. */
  maxAgeMs?: number;
}

/** A publish refused by the fake channel (same conditions as the real one; codes may differ). */
export class FakeChannelError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'FakeChannelError';
  }
}

/**
 * Several fake nodes that share one gossip channel and see each other as members: what the
 * testing kit's contexts run on. Deterministic: one ManualClock, deliveries in publish order on
 * microtasks (so `await channel.publish(...)` returns after local delivery), partitions that hold
 * messages back and deliver them on `heal()` (as the real channel's pull repair does).
 */
export class FakeNetwork {
  readonly clock: ManualClock;
  private readonly nodes = new Map<string, FakeNode>();
  private readonly log: ChannelMessage[] = [];
  private pending = 0;
  private handlerErrors: unknown[] = [];

  private readonly retention: Required<FakeRetention>;

  constructor(options: { clock?: ManualClock; retention?: FakeRetention } = {}) {
    this.clock = options.clock ?? new ManualClock(0);
    this.retention = { maxMessages: options.retention?.maxMessages ?? 10_000, maxAgeMs: options.retention?.maxAgeMs ?? 10 * 60_000 };
  }

  /**
   * Delivers to `nodeId`'s subscribers the retained messages published before it joined, in
   * publish order, as the real channel's repair pull does for a node that starts later (within
   * the retention limits: the newest `maxMessages`, none older than `maxAgeMs`). The kit calls it
   * once, after the plugin's `start()`, when its subscriptions exist. Returns how many.
   */
  replayBacklog(nodeId: string): number {
    const node = this.node(nodeId);
    if (node.backlogReplayed) return 0;
    node.backlogReplayed = true;
    if (node.member.mode !== 'server') return 0;
    const oldest = this.clock.now() - this.retention.maxAgeMs;
    const backlog = this.log.slice(Math.max(0, node.joinedAt - this.retention.maxMessages), node.joinedAt).filter((m) => m.origin !== nodeId && m.publishedAtMs >= oldest);
    for (const message of backlog) this.deliver(node, message);
    return backlog.length;
  }

  /** Adds a member (a node with a plugin under test, or a bare peer). Others see `joined`. */
  addMember(init: { nodeId: string; mode?: 'server' | 'client'; services?: readonly string[]; addresses?: readonly string[]; gossipPort?: number }): void {
    if (this.nodes.has(init.nodeId)) throw new Error(`fake network: ${init.nodeId} is already a member`);
    const member: PluginMember = {
      nodeId: init.nodeId,
      mode: init.mode ?? 'server',
      state: 'alive',
      addresses: init.addresses ?? ['127.0.0.1'],
      gossipPort: init.gossipPort ?? 7401,
      services: init.services ?? [],
    };
    this.nodes.set(init.nodeId, { member, subscribers: new Set(), seq: 0, group: 0, missed: [], listeners: new Set(), joinedAt: this.log.length, backlogReplayed: false });
    this.emitToOthers(init.nodeId, 'joined');
  }

  has(nodeId: string): boolean {
    return this.nodes.has(nodeId);
  }

  /** Changes a member's state (suspect, dead, left, back to alive); the others get the event. */
  setState(nodeId: string, state: State): void {
    const node = this.node(nodeId);
    node.member = { ...node.member, state };
    this.emitToOthers(nodeId, state === 'alive' ? 'alive' : state);
  }

  /** Changes a member's advertised services or addresses; the others get `updated`. */
  update(nodeId: string, changes: Partial<Pick<PluginMember, 'services' | 'addresses' | 'gossipPort' | 'mode'>>): void {
    const node = this.node(nodeId);
    node.member = { ...node.member, ...changes };
    this.emitToOthers(nodeId, 'updated');
  }

  /** Drops a member from every view (`removed`). */
  remove(nodeId: string): void {
    this.node(nodeId);
    this.emitToOthers(nodeId, 'removed');
    this.nodes.delete(nodeId);
  }

  /** Members as `viewer` sees them (itself excluded). */
  membersSeenBy(viewer: string): PluginMember[] {
    return [...this.nodes.values()].filter((n) => n.member.nodeId !== viewer).map((n) => n.member);
  }

  member(nodeId: string): PluginMember | undefined {
    return this.nodes.get(nodeId)?.member;
  }

  onChange(viewer: string, listener: (event: MembershipEventView) => void): () => void {
    const node = this.node(viewer);
    node.listeners.add(listener);
    return () => node.listeners.delete(listener);
  }

  /** Cuts the network into groups; a node in no group is alone. Messages across are held back. */
  partition(...groups: string[][]): void {
    let next = 1;
    for (const node of this.nodes.values()) node.group = -1 - next++;
    groups.forEach((ids, i) => {
      for (const id of ids) this.node(id).group = i;
    });
  }

  /** Joins every group again and delivers what each node missed, in publish order. */
  heal(): void {
    for (const node of this.nodes.values()) {
      node.group = 0;
      const missed = node.missed.splice(0);
      for (const message of missed) this.deliver(node, message);
    }
  }

  /** The node-level channel of `nodeId` (full topics); the kit scopes it per plugin. */
  channelOf(nodeId: string): PluginChannel {
    return {
      publish: (topic, data) => this.publish(nodeId, topic, data),
      subscribe: (filter, handler) => {
        const entry = { filter, handler };
        const node = this.node(nodeId);
        node.subscribers.add(entry);
        return () => node.subscribers.delete(entry);
      },
    };
  }

  /** Every message published on the network so far, in order. */
  published(): readonly ChannelMessage[] {
    return this.log;
  }

  /**
   * Resolves once every delivery scheduled so far (and any they caused) has run. Rejects with the
   * first error a subscriber threw since the last settle (the real channel logs and carries on;
   * a test should hear about it).
   */
  async settle(): Promise<void> {
    while (this.pending > 0) await new Promise((resolve) => setImmediate(resolve));
    const [first] = this.handlerErrors.splice(0);
    if (first !== undefined) throw first;
  }

  /** Where the kit records the services a node's plugin registered, for in-process peer clients. */
  attachServer(nodeId: string, server: FakePluginServer): void {
    this.node(nodeId).server = server;
  }

  serverOf(nodeId: string): FakePluginServer | undefined {
    return this.nodes.get(nodeId)?.server;
  }

  private publish(origin: string, topic: string, data: Uint8Array): Promise<ChannelMessage> {
    const from = this.node(origin);
    if (from.member.mode !== 'server') {
      return Promise.reject(new FakeChannelError('ERR_CHANNEL_CLIENT_MODE', `${origin} is a client-mode member: only server-mode members publish`));
    }
    if (from.member.state !== 'alive') {
      return Promise.reject(new FakeChannelError('ERR_CHANNEL_NOT_RUNNING', `${origin} is ${from.member.state}`));
    }
    const message: ChannelMessage = { topic, data: Uint8Array.from(data), origin, epoch: 1, seq: ++from.seq, publishedAtMs: this.clock.now() };
    this.log.push(message);
    for (const node of this.nodes.values()) {
      if (node.member.mode !== 'server' || node.member.state === 'dead' || node.member.state === 'left') continue;
      if (node.group !== from.group) node.missed.push(message);
      else this.deliver(node, message);
    }
    return Promise.resolve(message);
  }

  private deliver(node: FakeNode, message: ChannelMessage): void {
    for (const entry of node.subscribers) {
      if (!topicMatches(entry.filter, message.topic)) continue;
      this.pending++;
      queueMicrotask(() => {
        try {
          // A handler that unsubscribed meanwhile gets nothing more.
          if (node.subscribers.has(entry)) entry.handler(message);
        } catch (error) {
          this.handlerErrors.push(error);
        } finally {
          this.pending--;
        }
      });
    }
  }

  private emitToOthers(nodeId: string, type: MembershipEventView['type']): void {
    for (const node of this.nodes.values()) {
      if (node.member.nodeId === nodeId) continue;
      for (const listener of node.listeners) listener({ type, nodeId });
    }
  }

  private node(nodeId: string): FakeNode {
    const node = this.nodes.get(nodeId);
    if (!node) throw new Error(`fake network: no member ${nodeId}`);
    return node;
  }
}
