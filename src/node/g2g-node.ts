import type { G2gConfig } from '../config';
import { NodeStateError } from '../errors';
import { loadOrCreateNodeCa } from '../identity/identity-store';
import type { Leaf } from '../identity/leaf';
import type { CaRotationResult } from '../identity/ca-rotator';
import type { CaRotationState } from '../identity/ca-rotation-store';
import { certNotAfter } from '../identity/cert-info';
import type { NodeCa } from '../identity/node-ca';
import type { Logger } from '../log/logger';
import { NodeMetrics } from '../metrics/metrics';
import { EventJournal } from '../events/event-journal';
import { logEvents } from '../events/event-log';
import { memberEvent } from '../events/membership-events';
import { watchEventsService, type WatchEventsService } from '../admin/watch-events';
import { TokenStore } from '../tokens/token-store';
import { seedBootstrapToken } from '../tokens/bootstrap-token';
import type { RegisterService } from '../register/register-service';
import { caPins, NodeMembership } from './node-membership';
import { NodeChannel } from './node-channel';
import type { Channel } from '../channel/channel';
import { PeerPool } from '../pool/peer-pool';
import { g2gPackageDefinition, healthPackageDefinition } from '../proto/protos';
import type { StatusResponse } from '../proto/generated/g2g/v1/StatusResponse';
import type { LeafInfo__Output as LeafInfo } from '../proto/generated/g2g/v1/LeafInfo';
import { ActiveCalls } from '../transport/active-calls';
import { PushCertificateProvider } from '../transport/push-certificate-provider';
import { TrustStore } from '../transport/trust-store';
import { systemClock, type Clock } from '../util/clock';
import { systemRandom, type Random } from '../util/random';
import { VERSION } from '../version';
import { advertisedAddresses } from './advertised-addresses';
import type { PortServer } from './node-servers';
import { portCounters, type PortCounters, type PortLimits } from './port-limits';
import { writeRuntimeFacts } from './runtime-file';
import { recordTags } from '../config/node-tags';
import type { RemovalNotice } from './removal-notice';
import type { PluginHost, PluginInfo } from '../plugins/plugin-host';
import type { PackageDefinition } from '@grpc/proto-loader';
import { gossipPortServices } from './gossip-port-services';
import { nodePluginHost } from './node-plugin-host';
import { StartedParts, type Startable } from './startable';
import { leafInfo, nodeStatus } from './node-status';
import { dataDirPart } from './data-dir-part';
import { listeningPorts, type BoundPorts, type ListeningPorts } from './listening-ports';
import { nodeRegisterService } from './node-register-service';
import { nodeRotations, type NodeRotations } from './node-rotations';
import { nodePortServers } from './node-port-servers';
import { membershipPart, nodeNetwork } from './node-network';
import { poolPart, tokenSyncPart } from './peer-parts';
import { liveView } from './live-view';

export interface NodeDependencies {
  config: G2gConfig;
  log: Logger;
  clock?: Clock;
  random?: Random;
  /** RSA modulus for leaves (tests use 1024 to go faster). */
  keyBits?: number;
  /** Called once when a member removes this node from the network (`g2g start` exits unless told to stay). */
  onRemoved?: (notice: RemovalNotice) => void;
}

export type { BoundPorts } from './listening-ports';

/** How long trust-bundle changes are collected before the bundle is rebuilt (see TrustStore). */
const TRUST_DEBOUNCE_MS = 25;

type State = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * One g2g node: its identity, its two ports (and the optional plain health and metrics ports).
 * The node owns the order of start and stop; start is idempotent, stop runs in reverse order,
 * is idempotent, and a failed start cleans up what it had started.
 */
export class G2gNode {
  readonly log: Logger;
  readonly metrics: NodeMetrics;
  /** Recent cluster events as this node saw them (Admin.WatchEvents, `g2g monitor`, the live page). */
  readonly events: EventJournal;
  /** Our current leaf, for both servers and for our own outgoing channels. */
  readonly identity = new PushCertificateProvider();
  /** The gossip port's trust bundle: member node CAs (only our own until membership lands). */
  readonly trust: TrustStore;
  private readonly trustProvider = new PushCertificateProvider();
  /** Calls in progress on the gossip port by member, so an untrusted member's open calls end at once. */
  readonly activeCalls = new ActiveCalls();
  private readonly clock: Clock;
  private readonly random: Random;
  private state: State = 'new';
  private startPromise: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;
  private ca: NodeCa | undefined;
  private tokenStore: TokenStore | undefined;
  private network: NodeMembership | undefined;
  private channelNode: NodeChannel | undefined;
  private registerService: RegisterService | undefined;
  private pool: PeerPool | undefined;
  private plugins: PluginHost | undefined;
  private rotations: NodeRotations | undefined;
  private register: PortServer | undefined;
  private gossip: PortServer | undefined;
  private limits: PortLimits | undefined;
  private listening: ListeningPorts | undefined;
  /** The protos the host serves (the plugin host checks plugins against them; reflection lists them). */
  private hostDefinitions: PackageDefinition[] = [];
  /** Admin.WatchEvents streams, ended at stop (an open stream would hold the gossip port's drain). */
  private readonly watches: WatchEventsService;
  private startedAt = 0;
  private addresses: string[] = [];
  private caRotation: CaRotationState | undefined;
  /** What the node started, in order; stopping it is the node's shutdown. */
  private readonly parts: StartedParts;
  private removedNotice: RemovalNotice | undefined;

  constructor(private readonly deps: NodeDependencies) {
    this.log = deps.log.child({ component: 'node' });
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? systemRandom;
    this.metrics = new NodeMetrics({
      processMetrics: true,
      now: () => this.clock.now(),
      rotationStats: () => this.rotations?.rotator.stats() ?? { rotations: 0, failures: 0 },
    });
    this.events = new EventJournal(
      { observer: () => this.ca?.nodeId ?? '', now: () => this.clock.now(), onListenerError: (error) => this.log.warn({ err: (error as Error).message }, 'event listener threw') },
      deps.config.eventBacklog,
    );
    logEvents(this.events, deps.log.child({ component: 'events' }));
    this.watches = watchEventsService(this.events);
    this.trust = new TrustStore(this.trustProvider, { clock: this.clock, debounceMs: TRUST_DEBOUNCE_MS });
    this.parts = new StartedParts((part, error) => this.log.warn({ part, err: (error as Error).message }, 'a part of the node failed to stop; stopping the others'));
    this.trust.onRemoved((nodeId) => {
      const ended = this.activeCalls.end(nodeId, `node ${nodeId} is no longer a member`);
      if (ended > 0) this.log.info({ nodeId, ended }, 'ended the open calls of a member that is no longer trusted');
    });
  }

  get nodeId(): string {
    if (!this.ca) throw new NodeStateError('the node has not started');
    return this.ca.nodeId;
  }

  get nodeCa(): NodeCa {
    if (!this.ca) throw new NodeStateError('the node has not started');
    return this.ca;
  }

  get boundPorts(): BoundPorts {
    const bound = this.listening?.bound;
    if (!bound) throw new NodeStateError('the node is not listening');
    return bound;
  }

  /** The network-wide gossip channel; plugins get it scoped (`channel.scoped(name)`). */
  get channel(): Channel {
    if (!this.channelNode) throw new NodeStateError('the node has not started');
    return this.channelNode.channel;
  }

  /** The latency-ordered client pool; undefined until the node has joined. */
  get peerPool(): PeerPool | undefined {
    return this.pool;
  }

  currentLeaf(): Leaf {
    const leaf = this.rotations?.rotator.current();
    if (!leaf) throw new NodeStateError('the node has no leaf yet');
    return leaf;
  }

  start(): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') {
      return Promise.reject(new NodeStateError('a stopped node cannot be started again; create a new one'));
    }
    this.startPromise ??= this.doStart().catch(async (error: unknown) => {
      await this.shutdown();
      throw error;
    });
    return this.startPromise;
  }

  /**
   * The node is built and started as a list of steps, in order; a step that holds something
   * (a lock, a timer, a port) returns it as a part, and stop is the parts' start reversed.
   */
  private async doStart(): Promise<void> {
    this.state = 'starting';
    const builders: Array<() => Promise<Startable | void> | Startable | void> = [
      () => dataDirPart(this.deps.config.dataDir),
      () => this.loadIdentity(),
      () => this.leafPart(),
      () => this.buildMembership(),
      () => this.channelPart(),
      () => this.registerPart(),
      () => this.pluginsLoadedPart(),
      () => this.buildPortServers(),
      () => this.portsPart(),
      () => this.writeRuntimeFacts(),
      () => this.membershipPart(),
      () => this.caRotationPart(),
      () => this.joinNetwork(),
      () => ({ name: 'channel gossip', start: () => this.channelNode!.start(), stop: () => this.channelNode!.stop() }),
      () => this.poolPart(),
      () => this.tokenSyncPart(),
      () => this.healthPart(),
      () => this.pluginsPart(),
    ];
    for (const build of builders) {
      const part = await build();
      if (part) await this.parts.start(part);
    }
    this.state = 'running';
    this.log.info({ nodeId: this.nodeId, ports: this.boundPorts, addresses: this.addresses }, 'node serving');
  }

  private async loadIdentity(): Promise<void> {
    const { config } = this.deps;
    const { ca, created, rotation } = await loadOrCreateNodeCa(config.dataDir, {
      now: new Date(this.clock.now()),
      caLifetimeMs: config.caLifetime,
      log: this.deps.log.child({ component: 'identity' }),
    });
    this.ca = ca;
    this.caRotation = rotation;
    this.log.info({ nodeId: ca.nodeId, created, caFingerprint: ca.fingerprint }, created ? 'created node identity' : 'loaded node identity');
    this.addresses = advertisedAddresses(config.host, config.advertise);
    this.tokenStore = await TokenStore.open({ dataDir: config.dataDir, origin: ca.nodeId, clock: this.clock, log: this.deps.log.child({ component: 'tokens' }) });
    // Before the register port listens: identical pods admit each other with the token they join with.
    if (config.token) await seedBootstrapToken(this.tokenStore, config.token, { origin: ca.nodeId, clock: this.clock, log: this.deps.log.child({ component: 'tokens' }) });
  }

  /** The node CA's rotation schedule and our leaf: the first leaf is issued here, before any port listens. */
  private leafPart(): Startable {
    const ca = this.nodeCa;
    const rotations = nodeRotations({
      config: this.deps.config,
      ca,
      rotation: this.caRotation,
      addresses: () => this.addresses,
      keyBits: this.deps.keyBits,
      clock: this.clock,
      random: this.random,
      log: this.deps.log,
      onLeaf: (leaf) => this.installLeaf(leaf),
      events: this.events,
      trust: this.trust,
      onCaChanged: (next, previousCertPem) => {
        this.ca = next;
        this.network?.caChanged(next, previousCertPem);
        this.channelNode?.caChanged(next.keyPem);
      },
      onLeafExpiring: () => this.withdrawLeaf(),
      onLeafRecovered: () => this.setHealth(this.state === 'running' ? 'SERVING' : 'NOT_SERVING'),
    });
    this.rotations = rotations;
    return {
      name: 'leaf',
      start: async () => {
        await rotations.rotator.start();
        this.trust.set(ca.nodeId, caPins({ caCertPem: ca.certPem, previousCaCertPem: rotations.caRotator.previousCertPem() }));
        this.trust.flush();
      },
      stop: () => rotations.stop(),
    };
  }

  private buildMembership(): void {
    const { config } = this.deps;
    const ca = this.nodeCa;
    const network = nodeNetwork({
      config,
      ca,
      identity: this.identity,
      trust: this.trust,
      clock: this.clock,
      random: this.random,
      log: this.deps.log.child({ component: 'membership' }),
      distance: (nodeId) => this.pool?.rttOf(nodeId),
    });
    this.network = network;
    network.onEvent((event) => {
      this.metrics.memberEvents.inc({ event: event.type });
      this.events.record(memberEvent(event));
    });
    this.metrics.attachGossipCounters(network.counters);
    this.metrics.attachLocalHealth(() => network.localHealth());
    this.metrics.attach({
      identity: { version: VERSION, nodeId: ca.nodeId, cluster: config.cluster },
      members: () => network.members(),
      caNotAfterMs: () => certNotAfter(this.nodeCa.certPem).getTime(),
      tokens: () => this.tokenStore?.list({ includeInactive: true }) ?? [],
      plugins: () => this.plugins?.describe() ?? [],
      latencyGroups: () => this.pool?.describe().groups.length,
    });
    network.onRemovedSelf((removal) => this.removed({ by: removal.remover.nodeId, atMs: removal.issuedAtMs, reason: 'a signed removal reached this node by gossip' }));
  }

  private channelPart(): Startable {
    const { config } = this.deps;
    const ca = this.nodeCa;
    return {
      name: 'channel',
      start: async () => {
        this.channelNode = await NodeChannel.open(
          { nodeId: ca.nodeId, caKeyPem: ca.keyPem, mode: config.mode, dataDir: config.dataDir, network: this.membership(), metrics: this.metrics, clock: this.clock, random: this.random, log: this.deps.log.child({ component: 'channel' }) },
          config,
        );
      },
      stop: () => this.channelNode?.stop(),
    };
  }

  /** The register port's handshakes; they end first at stop (no newcomer is admitted into a node going away). */
  private registerPart(): Startable {
    const service = nodeRegisterService({
      config: this.deps.config,
      nodeId: this.nodeId,
      caRotator: this.rotations!.caRotator,
      network: this.membership(),
      tokens: this.tokenStore!,
      currentLeafFingerprint: () => this.currentLeaf().fingerprint,
      metrics: this.metrics,
      events: this.events,
      clock: this.clock,
      log: this.deps.log.child({ component: 'register' }),
    });
    this.registerService = service;
    return { name: 'register handshakes', start: () => undefined, beforeStop: () => service.stop(), stop: () => service.stop() };
  }

  /** Plugins are validated, constructed and registered before the gossip port listens. */
  private pluginsLoadedPart(): Startable {
    this.hostDefinitions = [g2gPackageDefinition(), healthPackageDefinition()];
    this.plugins = nodePluginHost({
      config: this.deps.config,
      nodeCa: () => this.nodeCa,
      caRotator: this.rotations!.caRotator,
      network: this.membership(),
      channel: () => this.channelNode?.channel,
      pool: () => this.pool,
      hostDefinitions: this.hostDefinitions,
      metrics: this.metrics,
      clock: this.clock,
      log: this.deps.log,
    });
    const plugins = this.plugins;
    return { name: 'plugins (loaded)', start: () => plugins.load(), stop: () => plugins.stop() };
  }

  private buildPortServers(): void {
    const { config } = this.deps;
    const servers = nodePortServers({
      config,
      clock: this.clock,
      metrics: this.metrics,
      trust: this.trust,
      activeCalls: this.activeCalls,
      issuesOperators: (nodeId) => this.network?.modeOf(nodeId) === 'server',
      register: this.registerService!,
      gossipServices: gossipPortServices({
        cluster: config.cluster,
        nodeCa: () => this.nodeCa,
        network: this.membership(),
        channel: this.channel,
        tokens: this.tokenStore!,
        watches: this.watches,
        status: () => this.status(),
        rotate: (reason) => this.rotate(reason),
        rotateCa: (reason) => this.rotateCa(reason),
        pool: () => this.pool,
        plugins: () => this.plugins?.describe() ?? [],
        removed: (notice) => this.removed(notice),
        registerAddresses: () => this.addresses.map((host) => ({ host, port: this.boundPorts.register })),
        clock: this.clock,
        nodeLog: this.log,
        log: this.deps.log,
      }),
      plugins: this.plugins!,
      definitions: this.hostDefinitions,
      log: this.log,
    });
    this.limits = servers.limits;
    this.register = servers.register;
    this.gossip = servers.gossip;
    this.metrics.attachPortCounters(() => (this.limits ? this.portCounters : undefined));
  }

  private portsPart(): Startable {
    this.listening = listeningPorts({
      config: this.deps.config,
      limits: this.limits!,
      register: this.register!,
      gossip: this.gossip!,
      identity: this.identity,
      trustProvider: this.trustProvider,
      watches: this.watches,
      registry: this.metrics.registry,
      liveView: () => liveView({ cluster: this.deps.config.cluster, clock: this.clock, network: () => this.network, pool: () => this.pool, channel: this.channel, events: this.events }),
    });
    return this.listening;
  }

  /** Where `g2g status` and the other local commands find the node (removed at stop with the lock). */
  private async writeRuntimeFacts(): Promise<void> {
    const { config } = this.deps;
    const { register: registerPort, gossip: gossipPort, health: healthPort, metrics: metricsPort } = this.boundPorts;
    this.startedAt = this.clock.now();
    const startedAt = new Date(this.startedAt).toISOString();
    const { cluster, host, healthHost } = config;
    await writeRuntimeFacts(config.dataDir, { pid: process.pid, nodeId: this.nodeId, cluster, host, registerPort, gossipPort, healthPort, healthHost, metricsPort, caFingerprint: this.nodeCa.fingerprint, startedAt, version: VERSION });
  }

  private membershipPart(): Startable {
    const { config } = this.deps;
    return membershipPart(
      this.membership(),
      () => {
        const ports = this.boundPorts;
        const previousCaCertPem = this.rotations!.caRotator.previousCertPem();
        // Peers dial what the record says: the advertised port when a mapping or proxy sits in front.
        return { addresses: this.addresses, registerPort: ports.register, gossipPort: config.advertiseGossipPort ?? ports.gossip, leaf: this.currentLeaf(), ...(previousCaCertPem ? { previousCaCertPem } : {}) };
      },
      config.drainTimeout,
    );
  }

  /** The node CA's rotation schedule runs once the node is in the network; at stop, no rotation starts while it leaves. */
  private caRotationPart(): Startable {
    const rotations = this.rotations!;
    return { name: 'rotation schedules', start: () => rotations.caRotator.start(), stop: () => rotations.stop() };
  }

  private async joinNetwork(): Promise<void> {
    const { config } = this.deps;
    const joined = await this.membership().joinAtStart({ ticket: config.join, services: config.services, token: config.token });
    this.log.info({ via: joined.via, failures: joined.failures }, 'joined the network');
  }

  private poolPart(): Startable {
    const part = poolPart({ network: this.membership(), metrics: this.metrics, clock: this.clock, log: this.deps.log.child({ component: 'pool' }) });
    this.pool = part.pool;
    return part;
  }

  private tokenSyncPart(): Startable | void {
    if (this.deps.config.mode !== 'server') return;
    return tokenSyncPart({ network: this.membership(), tokens: this.tokenStore!, clock: this.clock, random: this.random, log: this.deps.log.child({ component: 'token-sync' }) });
  }

  /** SERVING once joined; NOT_SERVING before anything stops, so load balancers and probes move away first. */
  private healthPart(): Startable {
    return {
      name: 'health',
      start: () => this.setHealth(this.rotations!.expiryGuard.expiring() ? 'NOT_SERVING' : 'SERVING'),
      beforeStop: () => {
        this.register?.health.setAll('NOT_SERVING');
        this.gossip?.health.setAll('NOT_SERVING');
      },
      stop: () => undefined,
    };
  }

  /**
   * After the port listens and the node has joined; each plugin's services go SERVING as it
   * starts, and the record advertises the ones that run. Plugins stop first, while the pool,
   * membership and ports they use are still up.
   */
  private pluginsPart(): Startable {
    const plugins = this.plugins!;
    return {
      name: 'plugins',
      start: async () => {
        await plugins.start();
        this.membership().advertiseServices(plugins.runningServices());
      },
      stop: () => plugins.stop(),
    };
  }

  private membership(): NodeMembership {
    if (!this.network) throw new NodeStateError('the node has not started');
    return this.network;
  }

  /** Validated leaves only reach here (the rotator checks them); the provider checks the pair again. */
  private installLeaf(leaf: Leaf): void {
    this.identity.setIdentity(leaf.certPem, leaf.keyPem);
    this.rotations?.expiryGuard.track(leaf);
    this.metrics.setLeafNotAfter(leaf.notAfter);
    this.network?.leafChanged(leaf);
    // The rotator logged the new leaf already (with its reason and next renewal): one line per rotation.
    this.log.debug({ fingerprint: leaf.fingerprint }, 'leaf installed on both ports');
    if (this.ca) this.events.record({ type: 'leaf_rotated', nodeId: this.ca.nodeId, leafNotAfterMs: leaf.notAfter.getTime(), detail: leaf.fingerprint });
  }

  /** Starts a node-CA rotation now (`g2g rotate --ca`). */
  async rotateCa(reason: string): Promise<CaRotationResult> {
    if (this.state !== 'running' || !this.rotations) throw new NodeStateError('the node is not running');
    return this.rotations.caRotator.rotate(reason);
  }

  /**
   * Expiry safety: the leaf is about to expire and renewal keeps failing. New handshakes on both
   * ports (and our channels to peers) stop presenting it; connections opened before are closed
   * by maxConnectionAge no later than its expiry. Health says NOT_SERVING, so load balancers and
   * probes move away; the rotator keeps retrying, and the next leaf restores both.
   */
  private withdrawLeaf(): void {
    this.identity.clearIdentity();
    this.setHealth('NOT_SERVING');
  }

  /**
   * A member removed this node: said once at error level with who did it, health NOT_SERVING for
   * good (load balancers and probes move away; it serves nothing the others would accept), and
   * `status` says so. Whether the process exits is the caller's choice (`onRemoved`).
   */
  private removed(notice: RemovalNotice): void {
    if (this.removedNotice) return;
    this.removedNotice = notice;
    this.log.error(
      { removedBy: notice.by, removedAt: new Date(notice.atMs).toISOString(), reason: notice.reason },
      `this node was removed from the network by ${notice.by}; it needs a new ticket to rejoin`,
    );
    this.setHealth('NOT_SERVING');
    this.deps.onRemoved?.(notice);
  }

  private setHealth(status: 'SERVING' | 'NOT_SERVING'): void {
    if (this.removedNotice) status = 'NOT_SERVING';
    this.register?.health.setAll(status);
    this.gossip?.health.setAll(status);
  }

  /** Sets the health of one service on the gossip port (tests; plugins' health is the plugin host's). */
  setServingStatus(service: string, status: 'SERVING' | 'NOT_SERVING'): void {
    if (!this.gossip) throw new NodeStateError('the node is not listening');
    this.gossip.health.set(service, status);
  }

  /**
   * What the open-port limits counted since start, per port: connections accepted, refused (per
   * source, port limit, budget) and closed unused, and Health.Watch streams refused.
   */
  get portCounters(): PortCounters {
    if (!this.limits) throw new NodeStateError('the node is not listening');
    return portCounters(this.limits, { register: this.register?.watch, gossip: this.gossip?.watch, health: this.listening?.plainHealthWatch });
  }

  /** Every plugin found, with its state (Admin.Plugins, `g2g plugins`). */
  pluginInfo(): PluginInfo[] {
    return this.plugins?.describe() ?? [];
  }

  async rotate(reason: string): Promise<{ previous: LeafInfo; current: LeafInfo }> {
    if (this.state !== 'running' || !this.rotations) throw new NodeStateError('the node is not running');
    const previous = leafInfo(this.currentLeaf());
    const leaf = await this.rotations.rotator.rotateNow(reason);
    return { previous, current: leafInfo(leaf) };
  }

  status(): Omit<StatusResponse, 'caller'> {
    const { config } = this.deps;
    return nodeStatus({
      ca: this.nodeCa,
      cluster: config.cluster,
      mode: config.mode,
      addresses: this.addresses,
      ports: this.boundPorts,
      leaf: this.currentLeaf(),
      uptimeMs: this.clock.now() - this.startedAt,
      services: this.gossip?.services ?? [],
      rotator: this.rotations?.rotator,
      caRotator: this.rotations?.caRotator,
      expiryGuard: this.rotations?.expiryGuard,
      expiryMarginMs: config.maxConnectionAge,
      tags: recordTags(config.nodeName, VERSION, config.tags),
      removed: this.removedNotice,
    });
  }

  /** NOT_SERVING first (load balancers stop sending), then a bounded drain, then forced close. */
  async stop(): Promise<void> {
    // A start in progress finishes (or fails and cleans up) first; its clean-up is this shutdown.
    await this.startPromise?.catch(() => undefined);
    await this.shutdown();
  }

  private shutdown(): Promise<void> {
    this.stopPromise ??= this.doShutdown();
    return this.stopPromise;
  }

  private async doShutdown(): Promise<void> {
    this.state = 'stopping';
    await this.parts.stop();
    this.state = 'stopped';
    this.log.info({ drain: this.listening?.drained ?? [] }, 'node stopped');
  }
}
