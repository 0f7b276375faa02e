import * as grpc from '@grpc/grpc-js';
import type { PeerPool } from '../pool/peer-pool';
import { PeerDeadlineError } from '../pool/errors';
import type { FanOutCancel, FanOutOutcome, PeerStatsView, PluginPool } from './contract';
import { deadlineExceeded } from './deadline-exceeded';
import { fanOutFailure } from './fan-out-failure';

/** What the plugin pool needs from the node. */
export interface PoolSource {
  /** The node's client pool; undefined before the node has joined (and after it stopped). */
  pool(): PeerPool | undefined;
  /** True when `nodeId` is a live (alive or suspect) member whose record advertises `service`. */
  serves(nodeId: string, service: string): boolean;
}

/** What the host adds: when the pool is ready for plugins, and its change events. */
export interface PoolEvents {
  /** Resolves once the host has waited for the pool's first measurement (see PluginPool.ready). */
  ready(): Promise<void>;
  onPeersChanged(listener: () => void): () => void;
}

const NO_EVENTS: PoolEvents = { ready: () => Promise.resolve(), onPeersChanged: () => () => undefined };

/**
 * The pool API of one plugin over the node's {@link PeerPool}: clients for the
 * plugin's own services on a peer, sharing the peer's pooled mutual-TLS channel (no new
 * connection, our current leaf presented, the peer's node CA pinned), and fan-out in the
 * virtual query order over the peers that advertise the service.
 */
export function pluginPool(source: PoolSource, services: ReadonlyMap<string, grpc.ServiceDefinition>, events: PoolEvents = NO_EVENTS): PluginPool {
  const first = services.keys().next().value as string | undefined;
  const constructors = new Map<string, grpc.ServiceClientConstructor>();
  const constructorFor = (service: string): grpc.ServiceClientConstructor => {
    let ctor = constructors.get(service);
    if (!ctor) {
      const definition = services.get(service);
      if (!definition) throw new RangeError(`${service} is not a service of this plugin (its services: ${[...services.keys()].join(', ')})`);
      ctor = grpc.makeClientConstructor(definition, service);
      constructors.set(service, ctor);
    }
    return ctor;
  };
  const client = <C extends grpc.Client>(nodeId: string, service = first ?? ''): C | undefined => {
    const ctor = constructorFor(service);
    // A peer whose record does not advertise the service would answer UNIMPLEMENTED (or, while
    // its plugin starts, UNAVAILABLE): refuse it here, as fanOut does.
    if (!source.serves(nodeId, service)) return undefined;
    // The pool's client rides a BorrowedChannel: a plugin closing it leaves the pooled channel open.
    return source.pool()?.client(nodeId, ctor as unknown as new (a: string, c: grpc.ChannelCredentials, o: grpc.ChannelOptions) => grpc.Client) as C | undefined;
  };
  return {
    queryOrder: (limit) => source.pool()?.queryOrder(limit) ?? [],
    peekOrder: (limit) => source.pool()?.peekOrder(limit) ?? [],
    peersServing(service = first ?? '') {
      constructorFor(service);
      const pool = source.pool();
      if (!pool) return [];
      const ordered = pool.peekOrder();
      const seen = new Set(ordered);
      const unmeasured = pool
        .allStats()
        .map((s) => s.nodeId)
        .filter((id) => !seen.has(id));
      return [...ordered, ...unmeasured].filter((id) => source.serves(id, service));
    },
    ready: () => events.ready(),
    onPeersChanged: (listener) => events.onPeersChanged(listener),
    groups: () => (source.pool()?.groups() ?? []).map((g) => ({ id: g.id, labelMs: g.labelMs, members: g.members.map((m) => m.id) })),
    stats(nodeId): PeerStatsView | undefined {
      const s = source.pool()?.statsOf(nodeId);
      return s && { ewmaMs: s.ewmaMs, meanMs: s.meanMs, samples: s.samples, errors: s.errors, lastSuccessMs: s.lastSuccessMs ?? undefined, inFlight: s.inFlight };
    },
    client,
    async fanOut<T, C extends grpc.Client = grpc.Client>(
      k: number,
      call: (client: C, nodeId: string, deadline: Date, cancel: FanOutCancel) => Promise<T>,
      options: { deadlineMs: number; service?: string },
    ): Promise<FanOutOutcome<T>> {
      const service = options.service ?? first ?? '';
      constructorFor(service);
      const pool = source.pool();
      if (!pool) return { results: [], errors: [] };
      const outcome = await pool.fanOut(
        k,
        (peer) => {
          const c = client<C>(peer.nodeId, service);
          if (!c) return Promise.reject(new Error(`${peer.nodeId} left the pool`));
          // The deadline is the plugin's to pass on; the pool gives up on a call that ignores it.
          return call(c, peer.nodeId, peer.deadline, peer);
        },
        { deadlineMs: options.deadlineMs, eligible: (nodeId) => source.serves(nodeId, service) },
      );
      // To a plugin, a peer the pool gave up on missed its deadline like any gRPC call.
      const errors = outcome.errors.map((e) => fanOutFailure(e.nodeId, e.error instanceof PeerDeadlineError ? deadlineExceeded(e.nodeId, options.deadlineMs) : e.error));
      return { results: outcome.results, errors };
    },
  };
}
