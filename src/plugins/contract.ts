import type * as grpc from '@grpc/grpc-js';
import type { DependencyContainer } from 'tsyringe';
import type { ChannelMessage } from '../channel/topic-channel';
import type { Logger } from '../log/logger';
import type { Caller } from '../transport/caller-identity';
import type { Clock } from '../util/clock';

/**
 * The plugin contract: everything a plugin author touches. A plugin is a folder
 * with `g2g-plugin.json` (a {@link PluginManifest}), its protos, and an entry module whose
 * default export is a {@link PluginClass}. No decorators are needed.
 */

/** `g2g-plugin.json`. Paths are relative to the plugin folder. */
export interface PluginManifest {
  /** Lower-case name, `[a-z][a-z0-9-]{0,62}`; also the config section and the topic prefix. */
  name: string;
  /** The plugin's own version (semver). */
  version: string;
  /** The g2g versions it works with, a semver range (e.g. `^0.1.0`). */
  host: string;
  /** The compiled entry module (CommonJS or ESM with a default export). */
  entry: string;
  /** Proto files, loaded with the plugin folder as the include root. */
  protos: string[];
  /** Fully-qualified services the plugin serves (each must be defined in `protos`). */
  services: string[];
  /** A convict schema for the plugin's config section `plugins.<name>` (optional). */
  config?: Record<string, unknown>;
  /** One line for `g2g plugins` and the docs. */
  description?: string;
}

export type { PluginMetrics, PluginCounter, PluginGauge, PluginHistogram, MetricOptions, MetricLabels } from '../metrics/plugin-metrics';
import type { PluginMetrics } from '../metrics/plugin-metrics';

/** What a plugin's class is constructed with. */
export interface PluginContext<Config = Record<string, unknown>> {
  /** The plugin's name (from the manifest). */
  readonly name: string;
  /** This node's id. */
  readonly nodeId: string;
  /** The validated config section `plugins.<name>` (file, `G2G_PLUGIN_<NAME>_<KEY>` env, flags). */
  readonly config: Readonly<Config>;
  /** A logger whose lines carry `plugin: <name>`. Never log secrets. */
  readonly log: Logger;
  /** A directory private to this plugin inside the node's data dir (created, mode 0700). */
  readonly dataDir: string;
  /** The network-wide gossip channel, scoped to the topic prefix `<name>/`. */
  readonly channel: PluginChannel;
  /** The latency-ordered pool of clients to peers. */
  readonly pool: PluginPool;
  /** A read-only view of the membership with change events. */
  readonly members: MembershipView;
  /** Injected time: use it rather than Date.now/setTimeout so tests can drive it. */
  readonly clock: Clock;
  /** Aborted when the plugin is stopping: end streams and loops on it. */
  readonly signal: AbortSignal;
  /** The plugin's own tsyringe child container (of the host's container, never the global one). */
  readonly container: DependencyContainer;
  /**
   * Metrics exported on the node's metrics port, named `<plugin>_<name>` (e.g. `kv_writes_total`).
   * Create them once (in the constructor or start), then update them.
   */
  readonly metrics: PluginMetrics;
  /** Who is calling: a member (by nodeId) or an operator, from the verified client certificate. */
  callerOf(call: Pick<grpc.ServerUnaryCall<unknown, unknown>, 'getPeer' | 'getAuthContext'>): Caller | undefined;
  /**
   * Says whether this plugin can serve now (health of each of its services on the gossip port).
   * The host sets SERVING when `start` returns; a plugin that cannot do its job for a while (its
   * storage refuses writes) says `false`, and `true` when it can again. Ignored before start and
   * after stop.
   */
  setServing(serving: boolean): void;
  /** Signatures by nodes of the network, for data that outlives a channel message (replicated state). */
  readonly authorship: PluginAuthorship;
}

/**
 * Signing as this node and checking that bytes were signed by a given node, with the node CA keys
 * that membership records and channel messages are signed with. What a plugin signs is prefixed
 * with a domain naming the plugin, so a plugin's signature can never pass as a record's, a
 * channel message's, or another plugin's.
 */
export interface PluginAuthorship {
  /** Signs `bytes` as this node (RSA-SHA256 under the node CA key; runs off the event loop). */
  sign(bytes: Uint8Array): Promise<Uint8Array>;
  /**
   * `valid` when `signature` over `bytes` was made by this plugin on node `nodeId` with any CA key
   * membership knows for it (its current CA, the one before, every CA of its lineage, so data
   * signed before a CA rotation still verifies); `invalid` when none made it; `unknown` when this
   * node knows no CA of `nodeId` (not a member it has heard of).
   */
  verify(nodeId: string, bytes: Uint8Array, signature: Uint8Array): 'valid' | 'invalid' | 'unknown';
}

/** Where a plugin adds its services in `register` (before the gossip port listens). */
export interface PluginServer {
  /**
   * Serves `service` (one of the manifest's fully-qualified names) with `implementation`. The
   * host adds it to the gossip (mTLS) server only, with the host's authorisation and metrics
   * interceptors, reflection and per-service health.
   */
  addService(service: string, implementation: grpc.UntypedServiceImplementation): void;
}

/** The default export of a plugin's entry module. Every method is optional. */
export interface G2gPlugin {
  /** Add services. Runs before the gossip port listens. */
  register?(server: PluginServer): void | Promise<void>;
  /** Start background work. Runs after the port listens and the node has joined. */
  start?(): void | Promise<void>;
  /** Stop (bounded in time by the host; `context.signal` is already aborted). */
  stop?(): void | Promise<void>;
}

export type PluginClass<Config = Record<string, unknown>> = new (context: PluginContext<Config>) => G2gPlugin;

/** A message on the gossip channel, as delivered to subscribers (defined by the channel). */
export type { ChannelMessage } from '../channel/topic-channel';

/** The gossip channel as a plugin sees it: topics are relative to the plugin's prefix. */
export interface PluginChannel {
  /**
   * Publishes to every live server-mode member (this node's own subscribers included). Resolves
   * once the message is queued for dissemination; waits while the outbound queue is full
   * (backpressure). Rejects with a coded error if the message is too large or the node is not a
   * server-mode member.
   */
  publish(topic: string, data: Uint8Array): Promise<ChannelMessage>;
  /**
   * Calls `handler` once per message whose topic is `topic` or starts with `topic + '/'`
   * (`''` means every topic of the plugin). Returns the unsubscribe function.
   */
  subscribe(topic: string, handler: (message: ChannelMessage) => void): () => void;
}

/** One member as plugins see it. */
export interface PluginMember {
  nodeId: string;
  mode: 'server' | 'client';
  state: 'alive' | 'suspect' | 'dead' | 'left';
  addresses: readonly string[];
  gossipPort: number;
  /** The services this member's record advertises (plugin services included). */
  services: readonly string[];
}

export interface MembershipEventView {
  type: 'joined' | 'updated' | 'suspect' | 'alive' | 'dead' | 'left' | 'removed';
  nodeId: string;
}

export interface MembershipView {
  readonly self: string;
  /** Members known now (self excluded). */
  list(): PluginMember[];
  get(nodeId: string): PluginMember | undefined;
  /** Subscribe to changes; returns the unsubscribe function. */
  onChange(listener: (event: MembershipEventView) => void): () => void;
}

export interface PeerStatsView {
  ewmaMs: number | null;
  meanMs: number | null;
  samples: number;
  errors: number;
  lastSuccessMs: number | undefined;
  inFlight: number;
}

export interface FanOutOutcome<T> {
  /** Answers, in the order they arrived. */
  results: { nodeId: string; value: T }[];
  /** Peers that failed or were too slow, with why. */
  errors: FanOutFailure[];
}

/** Why one peer of a fan-out gave no answer. */
export interface FanOutFailure {
  nodeId: string;
  /**
   * The gRPC status: the failed call's own; DEADLINE_EXCEEDED for a peer given up on at its
   * deadline; UNKNOWN for anything else your call function threw.
   */
  code: grpc.status;
  /**
   * A grpc-js `ServiceError` for a failed call (and for a peer given up on), or the Error your
   * call function threw (a thrown non-Error is wrapped, the original as its `cause`).
   */
  error: Error;
}

/** How a fan-out call is cancelled when the pool stops waiting for it: it has its k answers, or the call passed its deadline. */
export interface FanOutCancel {
  /** Cancels `call` (the grpc-js call you made, or anything with `cancel()`) then; at once if that has happened. */
  cancelOnEnd(call: { cancel(): void }): void;
  /** Aborted then; made on first read (prefer `cancelOnEnd` for a grpc-js call: it costs less). */
  readonly signal: AbortSignal;
}

export interface PluginPool {
  /**
   * Server-mode peers in the virtual query order (far, near, second far, …). Each call advances
   * the rotation within every latency group (client-side load balancing: repeated queries start
   * at different members of a group); use {@link peekOrder} to look without advancing. Lists
   * measured peers whatever they serve: {@link peersServing} filters by service.
   */
  queryOrder(limit?: number): string[];
  /** The order the next {@link queryOrder} call would give, without advancing the rotation. */
  peekOrder(limit?: number): string[];
  /**
   * Live server-mode peers whose record advertises `service` (default: the plugin's first
   * service): measured ones in the current query order (not advanced), then ones not measured yet.
   */
  peersServing(service?: string): string[];
  /**
   * Resolves once the pool has measured the peers the node had when it joined. The host awaits it
   * before calling `start()`, so in `start()` it is already resolved; before that it waits.
   */
  ready(): Promise<void>;
  /**
   * Calls `listener` when the pool's peers may have changed: a peer entered or left the query
   * order, or a member's record changed (e.g. it began serving a service). Read
   * {@link peersServing} or {@link queryOrder} again then. Returns the unsubscribe function;
   * the host removes listeners left when the plugin stops.
   */
  onPeersChanged(listener: () => void): () => void;
  /** Latency groups, nearest first. */
  groups(): { id: number; labelMs: number; members: string[] }[];
  stats(nodeId: string): PeerStatsView | undefined;
  /**
   * A client for `service` (default: the plugin's first service) on `nodeId`, over the pooled
   * mTLS channel (no new connection). Undefined when the peer is unknown or its record does not
   * advertise `service` (its plugin is not running there). Pass the client type generated for
   * your proto (`g2g plugin gen`) as `C`.
   */
  client<C extends grpc.Client = grpc.Client>(nodeId: string, service?: string): C | undefined;
  /**
   * Calls up to `k` peers in query order, each with its own deadline; a peer that fails or is
   * too slow is skipped and the next in order is tried. Partial results are a value; a peer that
   * missed its deadline is listed with a DEADLINE_EXCEEDED error. Hand the call you make to
   * `cancel.cancelOnEnd(call)` (or use `cancel.signal`) so that it is cancelled when the pool
   * stops waiting for it.
   */
  fanOut<T, C extends grpc.Client = grpc.Client>(
    k: number,
    call: (client: C, nodeId: string, deadline: Date, cancel: FanOutCancel) => Promise<T>,
    options: { deadlineMs: number; service?: string },
  ): Promise<FanOutOutcome<T>>;
}
