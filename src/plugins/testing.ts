import 'reflect-metadata';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { container as rootContainer } from 'tsyringe';
import { silentLogger, type Logger } from '../log/logger';
import { pluginMetrics } from '../metrics/plugin-metrics';
import type { ManualClock } from '../testing/manual-clock';
import type { Caller } from '../transport/caller-identity';
import type { G2gPlugin, PluginAuthorship, PluginChannel, PluginContext } from './contract';
import { FakeMembershipView } from './fakes/fake-membership';
import { FakeChannelError, FakeNetwork } from './fakes/fake-network';
import { FakePool } from './fakes/fake-pool';
import { FakePluginServer } from './fakes/fake-server';
import { FAKE_CALLER, stubClient } from './fakes/stub-client';
import { scopedChannel } from './scoped-channel';
import { registerContext } from './tokens';
import { readManifest } from './manifest';
import { resolvePluginConfig } from './plugin-config';
import { loadPluginProtos } from './plugin-protos';

/**
 * The plugin testing kit: a {@link PluginContext} with everything in memory, so a plugin's unit
 * tests run without sockets, certificates or real time.
 *
 * ```ts
 * const network = new FakeNetwork();                         // optional: share it between nodes
 * const a = createFakeContext({ name: 'kv', services: ['kv.v1.Kv'], network, config: { maxValueBytes: 1024 } });
 * const b = createFakeContext({ name: 'kv', services: ['kv.v1.Kv'], network });
 * const pa = await a.start(KvPlugin);                         // construct, register, start
 * await b.start(KvPlugin);
 * await a.context.channel.publish('put', bytes);              // reaches b's subscribers too
 * await network.settle();                                     // every delivery has run
 * network.clock.advance(5_000);                               // timers of both plugins fire
 * const client = a.pool.client(b.nodeId);                     // in-process stub of b's handlers
 * await a.dispose(); await b.dispose();                       // abort, stop, remove data dirs
 * ```
 *
 * The channel delivers on microtasks in publish order, to every alive server-mode member's
 * subscribers (the publisher's included); a context started after messages were published gets
 * the retained ones after its `start()` (`FakeNetwork` `retention`, the node's defaults); `network.partition(...)` holds messages back and
 * `network.heal()` delivers them. Membership lists the other members of the network.
 */
export interface FakeContextOptions<Config> {
  /**
   * The plugin's folder: its `g2g-plugin.json` supplies the name, the services and the config
   * schema, and `config` is then validated against the schema with its defaults filled in, as
   * the host does (a bad value throws ERR_PLUGIN_CONFIG).
   */
  pluginDir?: string;
  /** The plugin's name (topic prefix, logger field); default `test` (or the manifest's). */
  name?: string;
  /** This fake node's id; default `node-1`, `node-2`, … in the network. */
  nodeId?: string;
  /** The services the plugin's manifest declares (first = default for pool clients); default the manifest's. */
  services?: readonly string[];
  /** The plugin's config section: as the host would hand it over, or (with `pluginDir`) settings to validate. */
  config?: Partial<Config>;
  /** Share one network between several contexts (nodes); default a new one. */
  network?: FakeNetwork;
  mode?: 'server' | 'client';
  /** Default: a new temporary directory, removed by `dispose()`. */
  dataDir?: string;
  /** Default: silent. */
  log?: Logger;
  /** What `callerOf` answers for calls that did not come through the kit's stub clients. */
  caller?: Caller;
}

export interface FakeContext<Config> {
  readonly context: PluginContext<Config>;
  readonly nodeId: string;
  readonly network: FakeNetwork;
  /** What the plugin last said with `context.setServing` (true until it says otherwise). */
  serving(): boolean;
  /** The network's clock (shared by every context on it). */
  readonly clock: ManualClock;
  /** The node-level channel (full topics): publish as another plugin or watch everything. */
  readonly nodeChannel: PluginChannel;
  readonly members: FakeMembershipView;
  readonly pool: FakePool;
  /** What the plugin added in `register`. */
  readonly server: FakePluginServer;
  /** Constructs the plugin with this context, runs `register` (on `server`) and `start`. */
  start<P extends G2gPlugin>(plugin: new (context: PluginContext<Config>) => P): Promise<P>;
  /** Aborts the context's signal (as the host does when the plugin is stopping). */
  abort(reason?: unknown): void;
  /** Aborts, stops the plugins started here (reverse order) and removes the temporary data dir. */
  dispose(): Promise<void>;
}

let unnamed = 0;

/**
 * The kit's `context.authorship`: an HMAC keyed by node id and plugin name stands in for the node
 * CA's RSA signature (same contract: only the node itself makes a signature that verifies as its
 * own; a node the network does not hold is unknown).
 */
function fakeAuthorship(network: FakeNetwork, nodeId: string, plugin: string): PluginAuthorship {
  const mac = (id: string, bytes: Uint8Array) => createHmac('sha256', `g2g-fake-node-key:${id}:${plugin}`).update(bytes).digest();
  return {
    sign: (bytes) => Promise.resolve(mac(nodeId, bytes)),
    verify(id, bytes, signature) {
      if (!network.has(id)) return 'unknown';
      const expected = mac(id, bytes);
      return signature.length === expected.length && timingSafeEqual(expected, signature) ? 'valid' : 'invalid';
    },
  };
}

export function createFakeContext<Config = Record<string, unknown>>(options: FakeContextOptions<Config> = {}): FakeContext<Config> {
  const manifest = options.pluginDir === undefined ? undefined : readManifest(options.pluginDir);
  const name = options.name ?? manifest?.name ?? 'test';
  const config = (manifest ? resolvePluginConfig(manifest, { file: { [manifest.name]: { ...options.config } }, env: {}, flags: {} }) : { ...options.config }) as Config;
  const network = options.network ?? new FakeNetwork();
  let nodeId = options.nodeId;
  if (nodeId === undefined) {
    let n = 1;
    while (network.has(`node-${n}`)) n++;
    nodeId = `node-${n}`;
  }
  const services = options.services ?? manifest?.services ?? [];
  // As on a node, the record advertises the plugin's services once its start() has returned.
  network.addMember({ nodeId, mode: options.mode, services: [] });
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), `g2g-plugin-${name}-${++unnamed}-`));
  const controller = new AbortController();
  const nodeChannel = network.channelOf(nodeId);
  const members = new FakeMembershipView(network, nodeId);
  const pool = new FakePool(network, nodeId, services);
  const log = (options.log ?? silentLogger()).child({ plugin: name });
  const server = new FakePluginServer(name, options.services ?? manifest?.services, log);
  network.attachServer(nodeId, server);
  // With the plugin's protos, stub clients know each method's streaming shape instead of guessing it from the arguments.
  if (manifest) server.setDefinitions(loadPluginProtos(options.pluginDir!, manifest).services);
  const container = rootContainer.createChildContainer();
  let servingNow = true;
  const context: PluginContext<Config> = {
    name,
    nodeId,
    config: Object.freeze(config),
    log,
    dataDir,
    channel: scopedChannel(nodeChannel, name),
    pool,
    members,
    clock: network.clock,
    signal: controller.signal,
    container,
    callerOf: (call) => (call as { [FAKE_CALLER]?: Caller })[FAKE_CALLER] ?? options.caller,
    setServing: (serving) => {
      servingNow = serving;
    },
    authorship: fakeAuthorship(network, nodeId, name),
    // A registry of the fake node's own: a test reads it with `context.metrics` objects' values.
    metrics: pluginMetrics(name),
  };
  registerContext(container, context);
  const started: G2gPlugin[] = [];
  let disposed = false;
  return {
    context,
    nodeId,
    network,
    clock: network.clock,
    serving: () => servingNow,
    nodeChannel,
    members,
    pool,
    server,
    async start<P extends G2gPlugin>(plugin: new (context: PluginContext<Config>) => P): Promise<P> {
      const instance = new plugin(context);
      await instance.register?.(server);
      await instance.start?.();
      started.push(instance);
      // As on a node that starts later: what the network retained reaches the subscriptions start() made.
      if (network.has(nodeId)) network.replayBacklog(nodeId);
      if (network.has(nodeId)) network.update(nodeId, { services: [...new Set([...(network.member(nodeId)?.services ?? []), ...services])] });
      return instance;
    },
    abort(reason) {
      controller.abort(reason);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      controller.abort(new Error('disposed'));
      for (const plugin of started.reverse()) await plugin.stop?.();
      if (network.has(nodeId)) network.setState(nodeId, 'left');
      await container.dispose();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export { FakeChannelError, FakeMembershipView, FakeNetwork, FakePluginServer, FakePool, stubClient };
export { ManualClock } from '../testing/manual-clock';
export type { FakeRetention } from './fakes/fake-network';
export type { StreamKind } from './fakes/stub-streams';
export type { MethodKinds } from './fakes/stub-client';
