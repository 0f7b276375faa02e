import 'reflect-metadata';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { G2gConfig } from '../config/schema';
import { ConfigError, G2gError } from '../errors';
import { CaPublicKeys } from '../identity/ca-public-keys';
import type { Logger } from '../log/logger';
import { callerOf } from '../transport/connection-identity';
import type { Clock } from '../util/clock';
import type { G2gPlugin, PluginChannel, PluginContext, PluginManifest, PluginMetrics, PluginServer } from './contract';
import { pluginMetrics } from '../metrics/plugin-metrics';
import type { DescriptorCatalog } from './descriptor-catalog';
import { discoverPluginFolders, PACKAGE_PLUGINS_DIR } from './discovery';
import { describe as describeError, PluginConfigError, PluginError, PluginLifecycleError, PluginRegisterError, PluginTimeoutError, type PluginPhase } from './errors';
import { CallTracker, guardHandlers } from './guarded-handlers';
import { loadPluginClass } from './plugin-entry';
import { membershipView, type MembershipSource } from './plugin-membership';
import { pluginPool, type PoolSource } from './plugin-pool';
import { NO_AUTHORSHIP, pluginAuthorship, type AuthorshipSource } from './plugin-authorship';
import { validatePlugins, type ValidatedPlugin } from './plugin-validation';
import { scopedChannel, type ScopableChannel } from './scoped-channel';
import { registerContext } from './tokens';

/**
 * Where a plugin is in its life. `disabled` and `invalid` plugins never ran any code; `failed`
 * ones threw (or timed out) in construct, register or start and serve nothing.
 */
export type PluginState = 'disabled' | 'invalid' | 'loaded' | 'registered' | 'starting' | 'running' | 'failed' | 'stopping' | 'stopped';

/** One plugin as `g2g plugins` and Admin.Plugins show it. */
export interface PluginInfo {
  name: string;
  version: string;
  description: string;
  directory: string;
  state: PluginState;
  /** Services on the gossip port (declared ones for plugins that never registered). */
  services: string[];
  /** `ERR_…: message` of the last problem, or ''. */
  error: string;
}

/** One service a plugin added, ready for the gossip server. */
export interface PluginServiceEntry {
  name: string;
  definition: grpc.ServiceDefinition;
  handlers: grpc.UntypedServiceImplementation;
}

export interface ServingHealth {
  set(service: string, status: 'SERVING' | 'NOT_SERVING'): void;
}

export type PluginHostSettings = Pick<
  G2gConfig,
  'dataDir' | 'pluginsDir' | 'pluginsEnabled' | 'pluginsDisabled' | 'pluginsFailOnError' | 'pluginsStartTimeout' | 'pluginsStopTimeout' | 'plugins'
>;

export interface PluginHostComponents {
  nodeId: string;
  settings: PluginHostSettings;
  hostVersion: string;
  /** Services the host itself serves (plugins may not take their names). */
  hostServices: readonly string[];
  /** The host's package definitions (for type clashes and merged reflection). */
  hostDefinitions: readonly PackageDefinition[];
  /** The node-level gossip channel; undefined while the node has none (calls then fail with a coded error). */
  channel(): ScopableChannel | undefined;
  pool: PoolSource;
  members: MembershipSource;
  clock: Clock;
  log: Logger;
  /** The package's own plugins directory (tests point it elsewhere). */
  packagePluginsDir?: string;
  /** The node's CA keys for plugin signatures (`context.authorship`); none: signing fails, every writer is unknown. */
  authorship?: AuthorshipSource;
  /** Each plugin's metrics (prefixed with its name, on the node's registry); default: kept apart, not exported. */
  metrics?: (pluginName: string) => PluginMetrics;
}

/** Start-up refused because plugins failed and `pluginsFailOnError` is set. */
export class PluginsFailedError extends G2gError {
  readonly code = 'ERR_PLUGINS_FAILED';
  constructor(readonly failures: PluginError[]) {
    super(`plugins failed (pluginsFailOnError is set):\n${failures.map((f) => `  - ${f.code}: ${f.message}`).join('\n')}`);
  }
}

/** The gossip channel has not been wired into this node (yet). */
export class ChannelUnavailableError extends G2gError {
  readonly code = 'ERR_CHANNEL_UNAVAILABLE';
}

interface Runtime {
  validated: ValidatedPlugin;
  manifest?: PluginManifest;
  state: PluginState;
  error?: PluginError;
  instance?: G2gPlugin;
  controller: AbortController;
  container?: DependencyContainer;
  log: Logger;
  /** Services added in register, in order. */
  entries: PluginServiceEntry[];
  calls: CallTracker;
  /** Unsubscribe functions of the plugin's channel and membership listeners, run when it stops. */
  listeners: Set<() => void>;
  /** What the plugin last said with `context.setServing` (its services are SERVING only while running and this holds). */
  serving: boolean;
}

/**
 * The plugin host. Owns the order of things:
 *
 * 1. `load()` — before the gossip port listens: discover and validate every plugin (no plugin
 *    code runs until all checks pass), then per plugin: load the entry module, construct the
 *    class with its context, run `register`. Each plugin gets its own tsyringe child container of
 *    the host's child container, never the global one.
 * 2. The node builds the gossip server from `entries()` and `reflectionDefinitions()`, then calls
 *    `attachHealth()`.
 * 3. `start()` — after the port listens and the node has joined: `start` in order; a plugin's
 *    services go SERVING when its start returns.
 * 4. `stop()` — on shutdown: NOT_SERVING, then per plugin in reverse order: abort its signal,
 *    `stop` (bounded), end the streams it left open.
 *
 * A plugin that throws or times out is reported with its name and does not affect the others;
 * `pluginsFailOnError` decides whether load/start then reject.
 */
export class PluginHost {
  private readonly container = rootContainer.createChildContainer();
  private readonly caKeys = new CaPublicKeys();
  private readonly runtimes: Runtime[] = [];
  private catalog: DescriptorCatalog | undefined;
  private health: ServingHealth | undefined;
  private readonly log: Logger;
  private loaded = false;
  private stopPromise: Promise<void> | undefined;
  /** Plugins' pool-change listeners (fed by the node's pool and membership once start() runs). */
  private readonly peersListeners = new Set<() => void>();
  private readonly poolReady: Promise<void>;
  private poolIsReady!: () => void;

  constructor(private readonly c: PluginHostComponents) {
    this.log = c.log.child({ component: 'plugins' });
    this.poolReady = new Promise((resolve) => (this.poolIsReady = resolve));
  }

  /** Validates, loads, constructs and registers every plugin. Rejects only with pluginsFailOnError (or on a bad `--plugin-*` flag). */
  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const { settings } = this.c;
    const folders = discoverPluginFolders(settings.pluginsDir, this.c.packagePluginsDir ?? PACKAGE_PLUGINS_DIR);
    const result = validatePlugins({
      folders,
      enabled: settings.pluginsEnabled,
      disabled: settings.pluginsDisabled,
      hostVersion: this.c.hostVersion,
      hostServices: this.c.hostServices,
      hostDefinitions: this.c.hostDefinitions,
      settings: settings.plugins,
    });
    this.catalog = result.catalog;
    if (result.unusedEnv.length > 0) this.log.warn({ env: result.unusedEnv }, 'environment variables set no key of any plugin found');
    for (const name of Object.keys(settings.plugins.file)) {
      if (!result.plugins.some((p) => p.name === name)) this.log.warn({ plugin: name }, 'config file has a section for a plugin that was not found');
    }
    for (const validated of result.plugins) {
      const name = validated.name;
      const runtime: Runtime = {
        validated,
        manifest: validated.manifest,
        state: validated.status === 'valid' ? 'loaded' : validated.status,
        error: validated.status === 'invalid' ? validated.error : undefined,
        controller: new AbortController(),
        log: this.c.log.child({ component: `plugin:${name}`, plugin: name }),
        entries: [],
        calls: new CallTracker(),
        listeners: new Set(),
        serving: true,
      };
      this.runtimes.push(runtime);
      if (runtime.error) this.log.error({ plugin: name, code: runtime.error.code, dir: validated.dir }, runtime.error.message);
      else if (runtime.state === 'disabled') this.log.info({ plugin: name, dir: validated.dir }, 'plugin disabled by configuration');
    }
    // A bad value in a plugin's config section is a config error like a host one (exit 2),
    // whatever pluginsFailOnError says: the operator typed it, and a node serving on without the
    // plugin hides it.
    const badConfig = this.runtimes.filter((r) => r.error instanceof PluginConfigError).map((r) => r.error!.message);
    if (badConfig.length > 0) throw new ConfigError(badConfig);
    for (const runtime of this.runtimes) {
      if (runtime.validated.status !== 'valid') continue;
      await this.construct(runtime, runtime.validated);
      if (runtime.state === 'loaded') await this.register(runtime, runtime.validated);
    }
    this.failIfAsked();
    for (const r of this.runtimes) {
      if (r.state !== 'failed' && r.state !== 'invalid') continue;
      const services = r.manifest?.services ?? [];
      this.log.warn(
        { plugin: r.validated.name, services },
        `plugin ${r.validated.name} is not running (${r.error ? describeError(r.error) : r.state}): its services answer UNIMPLEMENTED and report NOT_SERVING; \`g2g plugins\` shows why (set pluginsFailOnError to refuse to start instead)`,
      );
    }
  }

  /** Services to add to the gossip server: every service a plugin registered, guarded. */
  entries(): PluginServiceEntry[] {
    return this.runtimes.flatMap((r) => r.entries);
  }

  /**
   * Definitions for the gossip port's reflection: the merged descriptor files first (see
   * DescriptorCatalog), then each registered plugin's definitions.
   */
  reflectionDefinitions(): PackageDefinition[] {
    if (!this.catalog) return [];
    const plugins = this.runtimes.filter((r) => r.entries.length > 0 && r.validated.status === 'valid');
    return [this.catalog.reflectionEntry(), ...plugins.map((r) => (r.validated as Extract<ValidatedPlugin, { status: 'valid' }>).protos.definition)];
  }

  /** Where plugin services' health is set (each starts NOT_SERVING). */
  attachHealth(health: ServingHealth): void {
    this.health = health;
    for (const entry of this.entries()) health.set(entry.name, 'NOT_SERVING');
    // A plugin that failed to load or register is NOT_SERVING by name (not unknown), so a probe
    // of its service says it is down rather than that it never existed.
    for (const r of this.runtimes) {
      if (r.state === 'failed' || r.state === 'invalid') for (const service of r.manifest?.services ?? []) health.set(service, 'NOT_SERVING');
    }
  }

  /** Starts every registered plugin in order. Rejects only with pluginsFailOnError. */
  async start(): Promise<void> {
    await this.awaitPool();
    for (const runtime of this.runtimes) {
      if (runtime.state !== 'registered') continue;
      runtime.state = 'starting';
      try {
        await this.bounded(runtime, 'start', this.c.settings.pluginsStartTimeout, () => runtime.instance!.start?.());
        // stop() may have begun while start ran.
        if (runtime.state !== 'starting') continue;
        runtime.state = 'running';
        this.setHealth(runtime, runtime.serving ? 'SERVING' : 'NOT_SERVING');
        runtime.log.info({ services: runtime.entries.map((e) => e.name) }, 'plugin running');
      } catch (error) {
        await this.fail(runtime, error as PluginError);
      }
    }
    this.failIfAsked();
  }

  /**
   * The peers a plugin finds in `start()` are the ones the pool measured (a plugin used
   * to start with an empty query order although the node had joined). Bounded by the pool's ping
   * deadlines; a node without a pool (not joined) starts its plugins at once.
   */
  private async awaitPool(): Promise<void> {
    const pool = this.c.pool.pool();
    if (pool) {
      await pool.ready();
      pool.onChange(() => this.peersChanged());
    }
    this.c.members.onEvent((event) => {
      if (event.type !== 'suspect' && event.type !== 'alive') this.peersChanged();
    });
    this.poolIsReady();
  }

  private peersChanged(): void {
    for (const listener of [...this.peersListeners]) {
      try {
        listener();
      } catch (error) {
        this.log.error({ err: error }, 'a plugin\'s peers-changed listener threw');
      }
    }
  }

  /** NOT_SERVING, then in reverse order: abort, stop (bounded), end leftover streams. Idempotent. */
  stop(): Promise<void> {
    this.stopPromise ??= this.doStop();
    return this.stopPromise;
  }

  private async doStop(): Promise<void> {
    for (const runtime of this.runtimes) this.setHealth(runtime, 'NOT_SERVING');
    for (const runtime of [...this.runtimes].reverse()) {
      if (!runtime.instance) continue;
      const wasFailed = runtime.state === 'failed';
      if (!wasFailed) runtime.state = 'stopping';
      runtime.controller.abort(new Error('the node is stopping'));
      try {
        await this.bounded(runtime, 'stop', this.c.settings.pluginsStopTimeout, () => runtime.instance!.stop?.());
      } catch (error) {
        runtime.error = error as PluginError;
        runtime.log.error({ code: (error as PluginError).code }, (error as Error).message);
      }
      for (const unsubscribe of [...runtime.listeners]) unsubscribe();
      const ended = runtime.calls.endAll({ code: grpc.status.UNAVAILABLE, details: `plugin ${runtime.validated.name} stopped` });
      if (ended > 0) runtime.log.warn({ streams: ended }, 'ended streams the plugin left open');
      if (!wasFailed) runtime.state = 'stopped';
      await runtime.container?.dispose();
    }
    await this.container.dispose();
  }

  /** Every plugin found, with its state. */
  describe(): PluginInfo[] {
    return this.runtimes.map((r) => ({
      name: r.validated.name,
      version: r.manifest?.version ?? '',
      description: r.manifest?.description ?? '',
      directory: r.validated.dir,
      state: r.state,
      services: r.entries.length > 0 ? r.entries.map((e) => e.name) : [...(r.manifest?.services ?? [])],
      error: r.error ? `${r.error.code}: ${r.error.message}` : '',
    }));
  }

  /** Services whose plugin is running now (what the node's record advertises). */
  runningServices(): string[] {
    return this.runtimes.filter((r) => r.state === 'running').flatMap((r) => r.entries.map((e) => e.name));
  }

  private async construct(runtime: Runtime, plugin: Extract<ValidatedPlugin, { status: 'valid' }>): Promise<void> {
    try {
      const Plugin = await loadPluginClass(plugin.name, plugin.entryFile);
      const context = await this.context(runtime, plugin);
      try {
        runtime.instance = new Plugin(context);
      } catch (error) {
        throw new PluginLifecycleError(plugin.name, 'construct', error);
      }
    } catch (error) {
      await this.fail(runtime, error as PluginError);
    }
  }

  private async register(runtime: Runtime, plugin: Extract<ValidatedPlugin, { status: 'valid' }>): Promise<void> {
    const added = new Map<string, grpc.UntypedServiceImplementation>();
    // The staging server enforces the manifest; nothing reaches the gossip server unless register succeeds.
    const server: PluginServer = {
      addService(service, implementation) {
        if (!plugin.protos.services.has(service)) {
          throw new PluginRegisterError(plugin.name, `service ${service} is not declared in the manifest (declared: ${[...plugin.protos.services.keys()].join(', ')})`);
        }
        if (added.has(service)) throw new PluginRegisterError(plugin.name, `service ${service} was added twice`);
        if (typeof implementation !== 'object' || implementation === null) {
          throw new PluginRegisterError(plugin.name, `service ${service}: the implementation must be an object of handlers`);
        }
        added.set(service, implementation);
      },
    };
    try {
      await this.bounded(runtime, 'register', this.c.settings.pluginsStartTimeout, () => runtime.instance!.register?.(server));
    } catch (error) {
      await this.fail(runtime, error as PluginError);
      return;
    }
    const target = {
      name: plugin.name,
      serving: () => runtime.state === 'running',
      state: () => runtime.state,
      log: runtime.log,
    };
    for (const [service, implementation] of added) {
      const definition = plugin.protos.services.get(service)!;
      const missing = Object.entries(definition)
        .filter(([name, m]) => typeof implementation[name] !== 'function' && !(m.originalName && typeof implementation[m.originalName] === 'function'))
        .map(([name]) => name);
      if (missing.length > 0) runtime.log.warn({ service, methods: missing }, 'methods without a handler answer UNIMPLEMENTED');
      runtime.entries.push({ name: service, definition, handlers: guardHandlers(target, definition, implementation, runtime.calls) });
    }
    const unused = [...plugin.protos.services.keys()].filter((s) => !added.has(s));
    if (unused.length > 0) runtime.log.warn({ services: unused }, 'declared services not added in register are not served');
    runtime.state = 'registered';
  }

  private async context(runtime: Runtime, plugin: Extract<ValidatedPlugin, { status: 'valid' }>): Promise<PluginContext> {
    const dataDir = path.join(this.c.settings.dataDir, 'plugins', plugin.name);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await chmod(dataDir, 0o700);
    const container = this.container.createChildContainer();
    runtime.container = container;
    const channel = this.scopedChannel(plugin.name);
    const members = membershipView(this.c.nodeId, this.c.members, (error) => runtime.log.error({ err: error }, 'membership listener threw'));
    // Listeners a plugin leaves behind are removed when it stops: no plugin code runs after its stop.
    const tracked = (unsubscribe: () => void): (() => void) => {
      const once = () => {
        runtime.listeners.delete(once);
        unsubscribe();
      };
      runtime.listeners.add(once);
      return once;
    };
    const context: PluginContext = {
      name: plugin.name,
      nodeId: this.c.nodeId,
      config: deepFreeze(plugin.config),
      log: runtime.log,
      dataDir,
      channel: {
        publish: (topic, data) => channel.publish(topic, data),
        subscribe: (topic, handler) => tracked(channel.subscribe(topic, handler)),
      },
      pool: pluginPool(this.c.pool, plugin.protos.services, {
        ready: () => this.poolReady,
        onPeersChanged: (listener) => {
          this.peersListeners.add(listener);
          return tracked(() => this.peersListeners.delete(listener));
        },
      }),
      members: { self: members.self, list: () => members.list(), get: (id) => members.get(id), onChange: (listener) => tracked(members.onChange(listener)) },
      clock: this.c.clock,
      signal: runtime.controller.signal,
      container,
      callerOf: (call) => callerOf(call, this.c.clock.now()),
      setServing: (serving) => {
        runtime.serving = serving;
        if (runtime.state === 'running') this.setHealth(runtime, serving ? 'SERVING' : 'NOT_SERVING');
      },
      authorship: pluginAuthorship(plugin.name, this.c.authorship ?? NO_AUTHORSHIP, this.caKeys),
      metrics: this.c.metrics?.(plugin.name) ?? pluginMetrics(plugin.name),
    };
    registerContext(container, context);
    return context;
  }

  /** The plugin's view of the node's channel, resolved when used (the channel may come later). */
  private scopedChannel(name: string): PluginChannel {
    let node: ScopableChannel | undefined;
    let scoped: PluginChannel | undefined;
    const current = (): PluginChannel => {
      const now = this.c.channel();
      if (!now) throw new ChannelUnavailableError('the gossip channel is not available on this node');
      if (now !== node) {
        node = now;
        scoped = scopedChannel(now, name);
      }
      return scoped!;
    };
    return {
      publish: (topic, data) => {
        try {
          return current().publish(topic, data);
        } catch (error) {
          return Promise.reject(error);
        }
      },
      subscribe: (topic, handler) => current().subscribe(topic, handler),
    };
  }

  /** Runs a plugin method, turning a throw, a rejection or a timeout into a coded error. */
  private async bounded(runtime: Runtime, phase: PluginPhase, timeoutMs: number, run: () => unknown): Promise<void> {
    const name = runtime.validated.name;
    let timer: { cancel(): void } | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(run),
        new Promise<never>((_, reject) => {
          timer = this.c.clock.setTimeout(() => reject(new PluginTimeoutError(name, phase, timeoutMs)), timeoutMs);
        }),
      ]);
    } catch (error) {
      throw error instanceof PluginTimeoutError ? error : new PluginLifecycleError(name, phase, error);
    } finally {
      timer?.cancel();
    }
  }

  /** Marks a plugin failed: logged with its name, signal aborted, services NOT_SERVING, best-effort stop. */
  private async fail(runtime: Runtime, error: PluginError): Promise<void> {
    const wasStarted = runtime.state === 'starting';
    runtime.state = 'failed';
    runtime.error = error instanceof PluginError ? error : new PluginLifecycleError(runtime.validated.name, 'start', error);
    runtime.log.error({ code: runtime.error.code }, runtime.error.message);
    runtime.controller.abort(error);
    this.setHealth(runtime, 'NOT_SERVING');
    for (const unsubscribe of [...runtime.listeners]) unsubscribe();
    // A plugin whose start failed may hold what it opened so far; give it its stop to let go.
    if (wasStarted && runtime.instance?.stop) {
      await this.bounded(runtime, 'stop', this.c.settings.pluginsStopTimeout, () => runtime.instance!.stop?.()).catch((e: PluginError) =>
        runtime.log.warn({ code: e.code }, `stop after a failed start: ${describeError(e)}`),
      );
    }
  }

  private setHealth(runtime: Runtime, status: 'SERVING' | 'NOT_SERVING'): void {
    if (!this.health) return;
    for (const entry of runtime.entries) this.health.set(entry.name, status);
  }

  private failIfAsked(): void {
    if (!this.c.settings.pluginsFailOnError) return;
    const failures = this.runtimes.filter((r) => (r.state === 'failed' || r.state === 'invalid') && r.error).map((r) => r.error!);
    if (failures.length > 0) throw new PluginsFailedError(failures);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
