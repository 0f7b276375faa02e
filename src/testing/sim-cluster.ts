import { Membership } from '../membership/membership';
import type { NodeMode, NodeRecord } from '../membership/node-record';
import type { MembershipOptions } from '../membership/options';
import type { MembershipLog } from '../membership/membership-events';
import type { MemberState } from '../membership/transport';
import { EventScheduler } from './event-scheduler';
import { MemoryNetwork, type MemoryEndpoint, type MemoryNetworkOptions } from './memory-network';
import { SeededRandom } from './seeded-random';
import { SimAuthority } from './sim-authenticator';
import { gossipReport, sumSnapshots, type GossipRoundReport } from './sim-gossip-report';

export interface SimClusterOptions extends MemoryNetworkOptions {
  seed: number;
  /** Membership options for every node (on top of the `lan` preset). */
  membership?: Partial<MembershipOptions>;
  startMs?: number;
  cluster?: string;
}

export interface SimNode {
  readonly id: string;
  readonly membership: Membership;
  readonly endpoint: MemoryEndpoint;
  readonly mode: NodeMode;
}

/**
 * N membership nodes on one MemoryNetwork, one scheduler and one seed: the harness of the
 * simulation tests and benchmarks. Everything is reproducible from `seed`.
 */
export class SimCluster {
  readonly scheduler: EventScheduler;
  readonly network: MemoryNetwork;
  readonly authority: SimAuthority;
  readonly random: SeededRandom;
  readonly nodes: SimNode[] = [];
  private readonly byId = new Map<string, SimNode>();
  private readonly options: SimClusterOptions;

  constructor(options: SimClusterOptions) {
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
    return this.nodes[0]?.membership.options.intervalMs ?? this.options.membership?.intervalMs ?? 1000;
  }

  /** Creates and starts a node (it knows nobody until it joins or is bootstrapped). */
  addNode(opts: { mode?: NodeMode; membership?: Partial<MembershipOptions>; distance?: (nodeId: string) => number | undefined; log?: MembershipLog } = {}): SimNode {
    const identity = this.authority.createIdentity();
    const endpoint = this.network.endpoint(identity.nodeId);
    const mode = opts.mode ?? 'server';
    const index = this.nodes.length;
    const membership = new Membership(
      { clock: endpoint.clock, random: this.random.fork(), transport: endpoint.transport, authenticator: identity.authenticator, distance: opts.distance, log: opts.log },
      {
        nodeId: identity.nodeId,
        cluster: this.options.cluster ?? 'sim',
        mode,
        addresses: [`10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`],
        registerPort: 7946,
        gossipPort: 7947,
        caCertPem: identity.caCertPem,
        leaf: { fingerprint: `sha256:${'0'.repeat(64)}`, notAfterMs: this.scheduler.now() + 3600_000 },
      },
      { ...this.options.membership, ...opts.membership },
    );
    if (mode === 'server') endpoint.serve(membership);
    membership.start();
    const node: SimNode = { id: identity.nodeId, membership, endpoint, mode };
    this.nodes.push(node);
    this.byId.set(node.id, node);
    return node;
  }

  node(id: string): SimNode {
    const n = this.byId.get(id);
    if (!n) throw new RangeError(`no simulated node ${id}`);
    return n;
  }

  /**
   * Fills every table directly, as if the network had long converged: every node knows every
   * other (`sample` undefined), or a uniform random sample of `sample` peers each.
   */
  bootstrap(sample?: number): void {
    const records = this.nodes.map((n) => n.membership.localRecord());
    for (const n of this.nodes) {
      if (sample === undefined || sample >= records.length - 1) {
        for (const r of records) if (r.nodeId !== n.id) n.membership.admit(r);
      } else {
        const picked = new Set<number>();
        while (picked.size < sample) {
          const i = this.random.int(records.length);
          if (records[i]!.nodeId !== n.id) picked.add(i);
        }
        for (const i of picked) n.membership.admit(records[i]!);
      }
    }
  }

  async run(ms: number): Promise<void> {
    await this.scheduler.run(ms);
  }

  async runIntervals(n: number): Promise<void> {
    await this.scheduler.run(n * this.intervalMs);
  }

  /**
   * The pausing workload: for `intervals` intervals, every running node starts a pause
   * of `pauseIntervals` with probability p each interval, at a random point inside it, so that
   * `share` of the nodes are paused at any moment: p·k / (1 + p·k) = share, k = pauseIntervals.
   * Returns how many pauses it made.
   */
  async runPausing(intervals: number, share = 0.1, pauseIntervals = 2): Promise<number> {
    const interval = this.intervalMs;
    const pausedUntil = new Map<string, number>();
    const p = share / (pauseIntervals * (1 - share));
    let pauses = 0;
    for (let i = 0; i < intervals; i++) {
      const now = this.scheduler.now();
      for (const [id, until] of pausedUntil) {
        if (until <= now) {
          this.network.resume(id);
          pausedUntil.delete(id);
        }
      }
      for (const node of this.nodes) {
        if (pausedUntil.has(node.id) || this.random.next() >= p) continue;
        const offset = this.random.int(interval);
        this.scheduler.setTimeout(() => this.network.pause(node.id), offset);
        pausedUntil.set(node.id, now + offset + pauseIntervals * interval);
        pauses++;
      }
      await this.runIntervals(1);
    }
    for (const id of pausedUntil.keys()) this.network.resume(id);
    return pauses;
  }

  /**
   * Blocks `id`'s event loop for `blockMs` out of every `everyMs` (a plugin's synchronous work, a
   * long GC) from now until the returned function is called. Each block is a pause whose backlog
   * runs timers first, as Node's loop does after a block inside an I/O callback: a call's deadline
   * fires before its answer, already waiting on the socket, is read.
   */
  blockLoop(id: string, blockMs: number, everyMs: number): () => void {
    if (!(blockMs > 0 && blockMs < everyMs)) throw new RangeError(`a loop blocked ${blockMs} ms of every ${everyMs} ms`);
    let stopped = false;
    const cycle = (): void => {
      if (stopped) return;
      this.network.pause(id, 'timers-first');
      this.scheduler.setTimeout(() => {
        if (stopped) return;
        this.network.resume(id);
        this.scheduler.setTimeout(cycle, everyMs - blockMs);
      }, blockMs);
    };
    cycle();
    return () => {
      stopped = true;
      this.network.resume(id);
    };
  }

  /**
   * Runs `rounds` intervals and reports what gossip cost meanwhile, per node per round, from the
   * nodes' own counters (`Membership.counters`): messages and bytes sent by RPC kind, and the
   * protocol decisions taken (probes, suspicions, refutations, deaths, ...).
   */
  async runWithReport(rounds: number, nodes: readonly SimNode[] = this.nodes): Promise<GossipRoundReport> {
    const before = sumSnapshots(nodes.map((n) => n.membership.counters.snapshot()));
    await this.runIntervals(rounds);
    const after = sumSnapshots(nodes.map((n) => n.membership.counters.snapshot()));
    return gossipReport(before, after, nodes.length, rounds);
  }

  /** Runs interval by interval until `done()` holds (checked after each), at most `maxIntervals`; returns the intervals run, or -1. */
  async runUntil(done: () => boolean, maxIntervals: number): Promise<number> {
    for (let i = 1; i <= maxIntervals; i++) {
      await this.runIntervals(1);
      if (done()) return i;
    }
    return -1;
  }

  /** Crashes a node: its process is gone (no leave). */
  crash(id: string): void {
    this.node(id).membership.stop();
    this.network.crash(id);
  }

  /** Nodes that are neither crashed nor stopped. */
  live(): SimNode[] {
    return this.nodes.filter((n) => !this.network.isCrashed(n.id) && (n.membership.running || this.network.isPaused(n.id)));
  }

  /** How `observer` sees `subject` (undefined: not in its table). */
  stateAt(observer: string, subject: string): MemberState | undefined {
    return this.node(observer).membership.stateOf(subject);
  }

  /** Nodes among `observers` that see `subject` in `state` (or any of `state`). */
  countSeeing(subject: string, state: MemberState | undefined | (MemberState | undefined)[], observers = this.live()): number {
    const want: (MemberState | undefined)[] = Array.isArray(state) ? state : [state];
    let n = 0;
    for (const o of observers) if (o.id !== subject && want.includes(this.stateAt(o.id, subject))) n++;
    return n;
  }

  /** True when every live node lists every other live node as alive (a full, converged view). */
  converged(nodes = this.live()): boolean {
    for (const o of nodes) if (o.membership.peerCount < nodes.length - 1) return false;
    for (const o of nodes) {
      for (const s of nodes) if (s.id !== o.id && o.membership.stateOf(s.id) !== 'alive') return false;
    }
    return true;
  }

  /** Record of `id` as `observer` holds it. */
  recordAt(observer: string, id: string): NodeRecord | undefined {
    return this.node(observer).membership.member(id)?.record;
  }
}
