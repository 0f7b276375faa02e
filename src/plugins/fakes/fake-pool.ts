import * as grpc from '@grpc/grpc-js';
import { CallCancellation } from '../../pool/call-cancellation';
import type { FanOutCancel, FanOutOutcome, PeerStatsView, PluginPool } from '../contract';
import { deadlineExceeded } from '../deadline-exceeded';
import { fanOutFailure } from '../fan-out-failure';
import type { FakeNetwork } from './fake-network';
import { stubClient } from './stub-client';

/**
 * The testing kit's {@link PluginPool}. By default the query order is every alive server-mode
 * peer in the order they joined the network, in one group; tests set an order, groups, stats and
 * clients. A context alone on its network has an empty pool, and gains peers as other contexts
 * (or `network.addMember`) join: `onPeersChanged` listeners hear of it, as on a node.
 *
 * As on a node, a peer serves a service once its record advertises it: a kit context advertises
 * its manifest's services when its `start()` has returned. `client()` returns, in this order: a
 * client set with `setClient`, else (for a peer advertising the service) an in-process stub of
 * the peer's plugin handlers, else undefined. `fanOut` follows the host's rules: query order over
 * the peers that serve the service, skip a peer that fails or passes its deadline (on the kit
 * clock) and try the next, partial results as a value.
 */
export class FakePool implements PluginPool {
  private order: string[] | undefined;
  private groupList: { id: number; labelMs: number; members: string[] }[] | undefined;
  private readonly statsOf = new Map<string, PeerStatsView>();
  private readonly clients = new Map<string, grpc.Client>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly network: FakeNetwork,
    private readonly self: string,
    /** The plugin's services (manifest order); the first is the default for `client`/`fanOut`. */
    private readonly services: readonly string[],
  ) {
    network.onChange(self, () => {
      for (const listener of [...this.listeners]) listener();
    });
  }

  /** Fixes the query order (node ids); `undefined` goes back to the default. */
  setOrder(order: string[] | undefined): void {
    this.order = order;
  }

  setGroups(groups: { id: number; labelMs: number; members: string[] }[] | undefined): void {
    this.groupList = groups;
  }

  setStats(nodeId: string, stats: PeerStatsView): void {
    this.statsOf.set(nodeId, stats);
  }

  /** The client `client(nodeId, service)` returns (any object with the generated client's methods). */
  setClient(nodeId: string, client: object, service = this.services[0] ?? ''): void {
    this.clients.set(`${nodeId}\u0000${service}`, client as grpc.Client);
  }

  queryOrder(limit?: number): string[] {
    const order = this.order ?? this.network.membersSeenBy(this.self).filter((m) => m.mode === 'server' && m.state === 'alive').map((m) => m.nodeId);
    return limit === undefined ? [...order] : order.slice(0, limit);
  }

  /** The kit's order does not rotate: the same as `queryOrder`. */
  peekOrder(limit?: number): string[] {
    return this.queryOrder(limit);
  }

  peersServing(service = this.services[0] ?? ''): string[] {
    return this.queryOrder().filter((id) => this.serves(id, service));
  }

  /** The kit measures nothing: ready at once. */
  ready(): Promise<void> {
    return Promise.resolve();
  }

  onPeersChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  groups(): { id: number; labelMs: number; members: string[] }[] {
    return this.groupList ?? [{ id: 0, labelMs: 1, members: this.queryOrder() }];
  }

  stats(nodeId: string): PeerStatsView | undefined {
    return this.statsOf.get(nodeId);
  }

  client<C extends grpc.Client = grpc.Client>(nodeId: string, service = this.services[0] ?? ''): C | undefined {
    const set = this.clients.get(`${nodeId}\u0000${service}`);
    if (set) return set as C;
    if (!this.serves(nodeId, service)) return undefined;
    const server = this.network.serverOf(nodeId);
    const implementation = server?.implementation(service);
    if (!implementation) return undefined;
    return stubClient(service, implementation, { kind: 'member', nodeId: this.self }, server!.kindsOf(service)) as C;
  }

  async fanOut<T, C extends grpc.Client = grpc.Client>(
    k: number,
    call: (client: C, nodeId: string, deadline: Date, cancel: FanOutCancel) => Promise<T>,
    options: { deadlineMs: number; service?: string },
  ): Promise<FanOutOutcome<T>> {
    const service = options.service ?? this.services[0] ?? '';
    // Peers with a client set by the test count as serving (the test said so).
    const order = this.queryOrder().filter((id) => this.clients.has(`${id}\u0000${service}`) || this.serves(id, service));
    const out: FanOutOutcome<T> = { results: [], errors: [] };
    const running = new Set<FakeCancel>();
    let next = 0;
    const clock = this.network.clock;
    const worker = async (): Promise<void> => {
      while (out.results.length < k && next < order.length) {
        const nodeId = order[next++]!;
        const client = this.client<C>(nodeId, options.service);
        // As in the host, a peer that does not serve the service is not a candidate.
        if (!client) continue;
        const cancel = new FakeCancel();
        running.add(cancel);
        let timer: { cancel(): void } | undefined;
        try {
          const deadline = new Date(clock.now() + options.deadlineMs);
          const value = await Promise.race([
            call(client, nodeId, deadline, cancel),
            new Promise<never>((_, reject) => {
              timer = clock.setTimeout(() => {
                cancel.abandon();
                reject(deadlineExceeded(nodeId, options.deadlineMs));
              }, options.deadlineMs);
            }),
          ]);
          if (out.results.length < k) out.results.push({ nodeId, value });
          // k answers: as in the host, what still runs is no longer waited for.
          if (out.results.length >= k) for (const other of running) if (other !== cancel) other.abandon();
        } catch (error) {
          out.errors.push(fanOutFailure(nodeId, error));
        } finally {
          running.delete(cancel);
          timer?.cancel();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(0, Math.min(k, order.length)) }, worker));
    return out;
  }

  /** As the host: a live member whose record advertises `service`. */
  private serves(nodeId: string, service: string): boolean {
    const member = this.network.member(nodeId);
    return member !== undefined && (member.state === 'alive' || member.state === 'suspect') && member.services.includes(service);
  }
}

/** A kit fan-out call's cancellation, with a signal of its own made on first read. */
class FakeCancel extends CallCancellation implements FanOutCancel {
  private controller: AbortController | undefined;
  private ended = false;

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.ended) this.controller.abort();
    return this.controller.signal;
  }

  override abandon(): void {
    super.abandon();
    this.ended = true;
    this.controller?.abort();
  }
}
