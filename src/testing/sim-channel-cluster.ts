import { Channel } from '../channel/channel';
import { membershipMembers } from '../channel/membership-members';
import type { ChannelOptions } from '../channel/options';
import type { ChannelMembers, OriginFacts } from '../channel/transport';
import type { NodeMode } from '../membership/node-record';
import type { GossipTarget } from '../membership/transport';
import type { ChannelMessage } from '../channel/topic-channel';
import { EventScheduler } from './event-scheduler';
import { MemoryNetwork, type MemoryEndpoint, type MemoryNetworkOptions } from './memory-network';
import { SeededRandom } from './seeded-random';
import { SimAuthority } from './sim-authenticator';
import type { SimCluster, SimNode } from './sim-cluster';

export interface SimChannelClusterOptions extends MemoryNetworkOptions {
  seed: number;
  channel?: Partial<ChannelOptions>;
  startMs?: number;
}

export interface SimChannelNode {
  readonly id: string;
  /** How peers address it (one object, shared by every peer list). */
  readonly target: GossipTarget;
  readonly mode: NodeMode;
  readonly channel: Channel;
  readonly endpoint: MemoryEndpoint;
  readonly caCertPem: string;
  /** How often each message (`origin/epoch/seq`) reached this node's catch-all subscriber. */
  readonly deliveries: Map<string, number>;
}

/** The key deliveries are counted under. */
export function messageKey(m: Pick<ChannelMessage, 'origin' | 'epoch' | 'seq'>): string {
  return `${m.origin}/${m.epoch}/${m.seq}`;
}

/**
 * N channel nodes on one MemoryNetwork, scheduler and seed, over a converged membership: every
 * node's peers are the other server nodes that have not crashed and are on its side of a
 * partition (what membership converges to; the membership simulations show it does, in about
 * 15–20 intervals). Loss is the network's. For the channel over the real Membership protocol,
 * with its detection delays, see `attachChannel`.
 */
export class SimChannelCluster {
  readonly scheduler: EventScheduler;
  readonly network: MemoryNetwork;
  readonly authority: SimAuthority;
  readonly random: SeededRandom;
  readonly nodes: SimChannelNode[] = [];
  private readonly byId = new Map<string, SimChannelNode>();
  private readonly options: SimChannelClusterOptions;
  /** Bumped whenever the set of server peers changes, so per-node peer lists are rebuilt. */
  private generation = 0;
  /** Partition group of each node (absent: group 0), as given to `partition`. */
  private readonly groupOf = new Map<string, number>();

  constructor(options: SimChannelClusterOptions) {
    this.options = options;
    this.random = new SeededRandom(options.seed);
    this.scheduler = new EventScheduler(options.startMs ?? Date.UTC(2025, 0, 1));
    this.network = new MemoryNetwork(this.scheduler, this.random.fork(), options);
    this.authority = new SimAuthority(this.random.fork());
  }

  get seed(): number {
    return this.options.seed;
  }

  get intervalMs(): number {
    return this.nodes[0]?.channel.options.repairIntervalMs ?? this.options.channel?.repairIntervalMs ?? 1000;
  }

  /** Adds `n` nodes (not started: see `start`). */
  addNodes(n: number, opts: { mode?: NodeMode; channel?: Partial<ChannelOptions> } = {}): SimChannelNode[] {
    const added: SimChannelNode[] = [];
    for (let i = 0; i < n; i++) added.push(this.addNode(opts));
    return added;
  }

  addNode(opts: { mode?: NodeMode; channel?: Partial<ChannelOptions> } = {}): SimChannelNode {
    const identity = this.authority.createIdentity();
    const endpoint = this.network.endpoint(identity.nodeId);
    const mode = opts.mode ?? 'server';
    const channel = new Channel(
      {
        clock: endpoint.clock,
        random: this.random.fork(),
        transport: endpoint.channel,
        authenticator: this.authority.messageAuthenticatorFor(identity.nodeId),
        members: this.membersFor(identity.nodeId),
      },
      { nodeId: identity.nodeId, mode, epoch: 1 },
      { ...this.options.channel, ...opts.channel },
    );
    if (mode === 'server') endpoint.serveChannel(channel);
    const node: SimChannelNode = { id: identity.nodeId, target: { nodeId: identity.nodeId, addresses: [], gossipPort: 0 }, mode, channel, endpoint, caCertPem: identity.caCertPem, deliveries: new Map() };
    channel.subscribe('', (m) => node.deliveries.set(messageKey(m), (node.deliveries.get(messageKey(m)) ?? 0) + 1));
    this.nodes.push(node);
    this.byId.set(node.id, node);
    this.generation++;
    return node;
  }

  start(): void {
    for (const n of this.nodes) n.channel.start();
  }

  node(id: string): SimChannelNode {
    const n = this.byId.get(id);
    if (!n) throw new RangeError(`no simulated channel node ${id}`);
    return n;
  }

  /** Crashes a node: its process is gone. Membership would drop it from every peer list; so does this view. */
  crash(id: string): void {
    this.node(id).channel.stop();
    this.network.crash(id);
    this.generation++;
  }

  /** Splits the network (see MemoryNetwork.partition); each side's membership drops the other. */
  partition(groups: readonly (readonly string[])[]): void {
    this.network.partition(groups);
    this.groupOf.clear();
    groups.forEach((g, i) => g.forEach((id) => this.groupOf.set(id, i + 1)));
    this.generation++;
  }

  /** Heals a partition; membership merges again. */
  heal(): void {
    this.network.heal();
    this.groupOf.clear();
    this.generation++;
  }

  live(): SimChannelNode[] {
    return this.nodes.filter((n) => !this.network.isCrashed(n.id));
  }

  async run(ms: number): Promise<void> {
    await this.scheduler.run(ms);
  }

  async runIntervals(n: number): Promise<void> {
    await this.scheduler.run(n * this.intervalMs);
  }

  /** Runs interval by interval until `done()` holds, at most `maxIntervals`; returns the intervals run, or -1. */
  async runUntil(done: () => boolean, maxIntervals: number): Promise<number> {
    for (let i = 1; i <= maxIntervals; i++) {
      await this.runIntervals(1);
      if (done()) return i;
    }
    return -1;
  }

  /**
   * Checks exactly-once delivery: every node in `nodes` got each key in `keys` exactly once and
   * nothing else. Returns a description of the first few violations ([] when it holds).
   */
  deliveryProblems(keys: readonly string[], nodes = this.live()): string[] {
    const problems: string[] = [];
    const expected = new Set(keys);
    for (const n of nodes) {
      for (const k of keys) {
        const c = n.deliveries.get(k) ?? 0;
        if (c !== 1) problems.push(`${n.id} got ${k} ${c} times`);
      }
      for (const k of n.deliveries.keys()) if (!expected.has(k)) problems.push(`${n.id} got unexpected ${k}`);
      if (problems.length > 10) break;
    }
    return problems;
  }

  /** Nodes among `nodes` that have every key. */
  countComplete(keys: readonly string[], nodes = this.live()): number {
    let n = 0;
    for (const node of nodes) if (keys.every((k) => node.deliveries.has(k))) n++;
    return n;
  }

  /** The converged-membership view of `self`: every non-crashed server on its side but itself. */
  private membersFor(self: string): ChannelMembers {
    let built = -1;
    let peers: GossipTarget[] = [];
    return {
      peers: () => {
        if (built !== this.generation) {
          built = this.generation;
          peers = [];
          const side = this.groupOf.get(self) ?? 0;
          for (const n of this.nodes) {
            if (n.id !== self && n.mode === 'server' && !this.network.isCrashed(n.id) && (this.groupOf.get(n.id) ?? 0) === side) peers.push(n.target);
          }
        }
        return peers;
      },
      member: (id): OriginFacts | undefined => {
        const n = this.byId.get(id);
        return n && { mode: n.mode, caCertPem: n.caCertPem };
      },
    };
  }
}

/**
 * A channel on a node of a membership SimCluster, its peers and origins taken from that node's
 * Membership (as the real node wires it). Started; served if the node is a server.
 */
export function attachChannel(cluster: SimCluster, node: SimNode, options: Partial<ChannelOptions> = {}): Channel {
  const channel = new Channel(
    {
      clock: node.endpoint.clock,
      random: cluster.random.fork(),
      transport: node.endpoint.channel,
      authenticator: cluster.authority.messageAuthenticatorFor(node.id),
      members: membershipMembers(node.membership, node.endpoint.clock),
    },
    { nodeId: node.id, mode: node.mode, epoch: 1 },
    options,
  );
  if (node.mode === 'server') node.endpoint.serveChannel(channel);
  channel.start();
  return channel;
}
