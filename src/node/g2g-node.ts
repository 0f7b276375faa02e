import fs from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import type { G2gConfig } from '../config';
import { NodeStateError } from '../errors';
import { loadOrCreateNodeCa } from '../identity/identity-store';
import type { Leaf } from '../identity/leaf';
import { LeafRotator } from '../identity/leaf-rotator';
import { LeafExpiryGuard } from '../identity/leaf-expiry-guard';
import { CaRotator, type CaRotationResult } from '../identity/ca-rotator';
import { certFingerprint, certNotAfter } from '../identity/cert-info';
import type { NodeCa } from '../identity/node-ca';
import type { Logger } from '../log/logger';
import { NodeMetrics } from '../metrics/metrics';
import { MetricsServer } from '../metrics/metrics-server';
import { clientMetricsInterceptor } from '../metrics/client-metrics-interceptor';
import { pluginMetrics } from '../metrics/plugin-metrics';
import { EventJournal } from '../events/event-journal';
import { logEvents } from '../events/event-log';
import { memberEvent } from '../events/membership-events';
import type { LiveViewSource } from '../metrics/live-view-source';
import { liveSnapshot } from '../metrics/live-snapshot';
import { TopicTraffic } from '../metrics/topic-traffic';
import { adminHandlers } from '../admin/admin-service';
import { watchEventsService, type WatchEventsService } from '../admin/watch-events';
import { TokenAdminDeniedError, tokenAdminHandlers } from '../tokens/token-admin-service';
import { TokenStore } from '../tokens/token-store';
import { seedBootstrapToken } from '../tokens/bootstrap-token';
import { TokenSyncer, tokenSyncHandlers } from '../tokens/token-sync';
import { gossipHandlers, type KnownMembers } from '../gossip/gossip-service';
import { REGISTER_SERVER_OPTIONS, registerService, type RegisterService } from '../register/register-service';
import { recordToWire } from '../transport/gossip-wire';
import { caPins, NodeMembership } from './node-membership';
import { NodeChannel } from './node-channel';
import type { Channel } from '../channel/channel';
import { channelHandlers } from '../channel/channel-service';
import { PeerPool } from '../pool/peer-pool';
import { g2gPackageDefinition, g2gProto, healthPackageDefinition, SERVICE_NAMES } from '../proto/protos';
import type { StatusResponse } from '../proto/generated/g2g/v1/StatusResponse';
import type { LeafInfo__Output as LeafInfo } from '../proto/generated/g2g/v1/LeafInfo';
import { ActiveCalls } from '../transport/active-calls';
import { authorizationInterceptor } from '../transport/authorization-interceptor';
import { metricsInterceptor } from '../transport/metrics-interceptor';
import { PushCertificateProvider } from '../transport/push-certificate-provider';
import { mutualTlsServerCredentials, tlsServerCredentials } from '../transport/server-credentials';
import { TrustStore } from '../transport/trust-store';
import { systemClock, type Clock } from '../util/clock';
import { systemRandom, type Random } from '../util/random';
import { VERSION } from '../version';
import { advertisedAddresses, leafDnsNames, leafIpAddresses } from './advertised-addresses';
import { buildPortServer, listenPort, shutdownServer, type PortServer } from './node-servers';
import { connectionCounters, portLimits, type PortLimits } from './port-limits';
import type { GuardedPort } from '../transport/guarded-port';
import { malformedRequestInterceptor, tolerantServer } from '../transport/malformed-request';
import { usefulCallInterceptor } from '../transport/useful-call-interceptor';
import type { ConnectionCounters } from '../transport/connection-guard';
import { DEFAULT_JOIN_THROTTLE } from '../register/join-throttle';
import { removeRuntimeFacts, writeRuntimeFacts } from './runtime-file';
import { lockDataDir, type DataDirLock } from './data-dir-lock';
import { DataDirNotADirectoryError, PortInUseError } from './errors';
import { recordTags } from '../config/node-tags';
import { sendRemovalNotice, type RemovalNotice } from './removal-notice';
import { PluginHost, type PluginInfo } from '../plugins/plugin-host';
import { REFLECTION_SERVICES } from '../transport/reflection';
import { membershipTimers } from '../membership/options';

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

export interface BoundPorts {
  register: number;
  gossip: number;
  health: number | null;
  metrics: number | null;
}

/** The pool pings every peer once per this many gossip intervals for RTT samples. */
const POOL_PING_INTERVALS = 5;

/** How long trust-bundle changes are collected before the bundle is rebuilt (see TrustStore). */
const TRUST_DEBOUNCE_MS = 25;

/** Register-port methods whose handlers turn an undecodable message into a counted, logged handshake refusal themselves. */
const HANDSHAKE_PATHS: ReadonlySet<string> = new Set(['/g2g.v1.Register/Join', '/g2g.v1.Register/Rejoin']);

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
  private tokenSyncer: TokenSyncer | undefined;
  private pool: PeerPool | undefined;
  private plugins: PluginHost | undefined;
  private rotator: LeafRotator | undefined;
  private expiryGuard: LeafExpiryGuard | undefined;
  private caRotator: CaRotator | undefined;
  private register: PortServer | undefined;
  private gossip: PortServer | undefined;
  private plainHealth: grpc.Server | undefined;
  private limits: PortLimits | undefined;
  private listeners: GuardedPort[] = [];
  private plainHealthWatch: PortServer['watch'];
  private metricsServer: MetricsServer | undefined;
  /** Admin.WatchEvents streams, ended at stop (an open stream would hold the gossip port's drain). */
  private readonly watches: WatchEventsService;
  private ports: BoundPorts | undefined;
  private startedAt = 0;
  private addresses: string[] = [];
  private dataDirLock: DataDirLock | undefined;
  private removedNotice: RemovalNotice | undefined;

  constructor(private readonly deps: NodeDependencies) {
    this.log = deps.log.child({ component: 'node' });
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? systemRandom;
    this.metrics = new NodeMetrics({
      processMetrics: true,
      now: () => this.clock.now(),
      rotationStats: () => this.rotator?.stats() ?? { rotations: 0, failures: 0 },
    });
    this.events = new EventJournal(
      { observer: () => this.ca?.nodeId ?? '', now: () => this.clock.now(), onListenerError: (error) => this.log.warn({ err: (error as Error).message }, 'event listener threw') },
      deps.config.eventBacklog,
    );
    logEvents(this.events, deps.log.child({ component: 'events' }));
    this.watches = watchEventsService(this.events);
    this.trust = new TrustStore(this.trustProvider, { clock: this.clock, debounceMs: TRUST_DEBOUNCE_MS });
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
    if (!this.ports) throw new NodeStateError('the node is not listening');
    return this.ports;
  }

  /** The network-wide gossip channel; the plugin host hands each plugin a view scoped to its name. */
  get channel(): Channel {
    if (!this.channelNode) throw new NodeStateError('the node has not started');
    return this.channelNode.channel;
  }

  /** The latency-ordered client pool; undefined until the node has joined. */
  get peerPool(): PeerPool | undefined {
    return this.pool;
  }

  currentLeaf(): Leaf {
    const leaf = this.rotator?.current();
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

  private async doStart(): Promise<void> {
    this.state = 'starting';
    const { config } = this.deps;
    await makeDataDir(config.dataDir);
    // Before anything reads or writes the data dir: a second node on it would rewrite the live
    // one's files (kv snapshot and log, membership, runtime.json).
    this.dataDirLock = await lockDataDir(config.dataDir);
    const { ca, created, rotation } = await loadOrCreateNodeCa(config.dataDir, {
      now: new Date(this.clock.now()),
      caLifetimeMs: config.caLifetime,
      log: this.deps.log.child({ component: 'identity' }),
    });
    this.ca = ca;
    this.log.info({ nodeId: ca.nodeId, created, caFingerprint: ca.fingerprint }, created ? 'created node identity' : 'loaded node identity');
    this.addresses = advertisedAddresses(config.host, config.advertise);
    this.tokenStore = await TokenStore.open({ dataDir: config.dataDir, origin: ca.nodeId, clock: this.clock, log: this.deps.log.child({ component: 'tokens' }) });
    // Before the register port listens: identical pods admit each other with the token they join with.
    if (config.token) await seedBootstrapToken(this.tokenStore, config.token, { origin: ca.nodeId, clock: this.clock, log: this.deps.log.child({ component: 'tokens' }) });
    this.caRotator = new CaRotator(ca, rotation, {
      dataDir: config.dataDir,
      clock: this.clock,
      log: this.deps.log.child({ component: 'ca-rotator' }),
      caLifetimeMs: config.caLifetime,
      graceMs: config.caRotationGrace,
      switchBeforeEndMs: config.maxConnectionAge,
      renewBeforeMs: Math.max(2 * config.caRotationGrace, config.caLifetime / 10),
      keyBits: this.deps.keyBits,
      onStarted: (next, previous) => this.caRotationStarted(next, previous.certPem),
      onSwitched: (current) => this.caRotationSwitched(current),
      onRetired: (current) => this.caRotationRetired(current),
    });
    const caRotator = this.caRotator;

    this.rotator = new LeafRotator({
      ca: caRotator.issuing(),
      clock: this.clock,
      random: this.random,
      log: this.deps.log.child({ component: 'leaf-rotator' }),
      lifetimeMs: config.leafLifetime,
      renewFraction: config.leafRenewFraction,
      jitterFraction: config.leafRenewJitter,
      ips: () => leafIpAddresses(this.addresses),
      dnsNames: () => leafDnsNames(this.addresses),
      keyBits: this.deps.keyBits,
    });
    this.expiryGuard = new LeafExpiryGuard({
      clock: this.clock,
      log: this.deps.log.child({ component: 'leaf-expiry' }),
      marginMs: config.maxConnectionAge,
      onExpiring: () => this.withdrawLeaf(),
      onRecovered: () => this.setHealth(this.state === 'running' ? 'SERVING' : 'NOT_SERVING'),
    });
    this.rotator.onLeaf((leaf) => this.installLeaf(leaf));
    await this.rotator.start();
    this.trust.set(ca.nodeId, caPins({ caCertPem: ca.certPem, previousCaCertPem: caRotator.previousCertPem() }));
    this.trust.flush();
    this.network = new NodeMembership(
      {
        ca,
        cluster: config.cluster,
        mode: config.mode,
        dataDir: config.dataDir,
        services: config.services,
        identity: this.identity,
        trust: this.trust,
        clock: this.clock,
        random: this.random,
        log: this.deps.log.child({ component: 'membership' }),
        // The pool starts after membership (it needs the members): read it lazily.
        distance: (nodeId) => this.pool?.rttOf(nodeId),
        caRejoin: config.caRejoin,
        serviceJoin: { intervalMs: config.serviceJoinInterval, jitter: config.serviceJoinJitter },
        joinRetryWithinMs: config.joinRetryTime,
        tags: recordTags(config.nodeName, VERSION, config.tags),
      },
      config.profile,
      membershipTimers(config),
    );
    const network = this.network;
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
    this.channelNode = await NodeChannel.open(
      { nodeId: ca.nodeId, caKeyPem: ca.keyPem, mode: config.mode, dataDir: config.dataDir, network, metrics: this.metrics, clock: this.clock, random: this.random, log: this.deps.log.child({ component: 'channel' }) },
      config,
    );
    this.registerService = registerService({
      nodeId: ca.nodeId,
      cluster: config.cluster,
      caCertPem: () => caRotator.issuing().certPem,
      caLineage: () => caRotator.current().lineage ?? [],
      selfRecord: () => recordToWire(network.localRecord()!),
      tokens: this.tokenStore,
      currentLeafFingerprint: () => this.currentLeaf().fingerprint,
      admit: (request) => network.admit(request),
      readmit: (request) => network.readmit(request),
      onOutcome: (outcome) => {
        this.metrics.joinAttempts.inc({ result: outcome.admitted ? 'admitted' : 'refused', code: outcome.code ?? '' });
        this.events.record({
          type: outcome.admitted ? 'join_admitted' : 'join_refused',
          nodeId: outcome.nodeId ?? '',
          detail: `${outcome.handshake} from ${outcome.peer}`,
          ...(outcome.code ? { code: outcome.code } : {}),
        });
      },
      clock: this.clock,
      log: this.deps.log.child({ component: 'register' }),
    }, {
      maxConcurrentHandshakes: config.joinHandshakes,
      maxHandshakesPerSource: config.joinHandshakesPerSource,
      helloTimeoutMs: config.joinHelloTimeout,
      throttle: { ...DEFAULT_JOIN_THROTTLE, globalBurst: config.joinFailureBudget, globalRefillMs: 60_000 / config.joinFailureBudget },
    });
    this.limits = portLimits(config, this.clock);
    const limits = this.limits;
    this.log.info(
      { descriptorLimit: limits.descriptors.soft, descriptorLimitFrom: limits.descriptors.source, connectionBudget: limits.budget.total },
      'incoming connections budgeted below the open-file limit',
    );

    const definitions = [g2gPackageDefinition(), healthPackageDefinition()];
    const proto = g2gProto();
    // Plugins are validated, constructed and registered before the gossip port listens.
    this.plugins = new PluginHost({
      nodeId: ca.nodeId,
      settings: config,
      hostVersion: VERSION,
      hostServices: [...Object.values(SERVICE_NAMES), ...REFLECTION_SERVICES],
      hostDefinitions: definitions,
      channel: () => this.channelNode?.channel,
      pool: {
        pool: () => this.pool,
        // A suspect may well answer (fan-out skips it if not); dead and departed members cannot.
        serves: (nodeId, service) => {
          const member = network.member(nodeId);
          return member !== undefined && (member.state === 'alive' || member.state === 'suspect') && member.record.services.includes(service);
        },
      },
      members: network,
      clock: this.clock,
      log: this.deps.log,
      authorship: {
        signingKeyPem: () => this.nodeCa.keyPem,
        casOf: (nodeId) => {
          if (nodeId === this.nodeCa.nodeId) return [this.nodeCa.certPem, caRotator.previousCertPem() ?? '', ...(caRotator.current().lineage ?? []).map((e) => e.caCertPem)].filter(Boolean);
          const record = network.member(nodeId)?.record;
          return record ? [record.caCertPem, record.previousCaCertPem ?? '', ...(record.caLineage ?? []).map((e) => e.caCertPem)].filter(Boolean) : [];
        },
      },
      metrics: (name) => pluginMetrics(name, this.metrics.registry),
    });
    await this.plugins.load();
    this.register = buildPortServer({
      entries: [{ name: SERVICE_NAMES.register, definition: this.registerService.definition, handlers: this.registerService.handlers }],
      definitions,
      // Metrics innermost, so it counts the INVALID_ARGUMENT the malformed-request layer answers.
      interceptors: [metricsInterceptor(this.metrics, 'register'), usefulCallInterceptor(limits.register), malformedRequestInterceptor(HANDSHAKE_PATHS)],
      channelOptions: { ...REGISTER_SERVER_OPTIONS, ...limits.registerOptions },
      watchLimits: limits.watch,
    });
    this.gossip = buildPortServer({
      entries: [
        { name: SERVICE_NAMES.gossip, definition: proto.g2g.v1.Gossip.service, handlers: gossipHandlers({ handler: network.handler, members: knownMembers(network), log: this.deps.log.child({ component: 'gossip' }), now: () => this.clock.now() }) },
        {
          name: SERVICE_NAMES.channel,
          definition: proto.g2g.v1.Channel.service,
          handlers: channelHandlers({ handler: this.channelNode.channel, log: this.deps.log.child({ component: 'channel' }), now: () => this.clock.now() }),
        },
        {
          name: SERVICE_NAMES.tokenSync,
          definition: proto.g2g.v1.TokenSync.service,
          handlers: tokenSyncHandlers({ tokens: this.tokenStore, modeOf: (id) => network.modeOf(id), log: this.deps.log.child({ component: 'token-sync' }), now: () => this.clock.now() }),
        },
        {
          name: SERVICE_NAMES.admin,
          definition: proto.g2g.v1.Admin.service,
          handlers: {
            ...adminHandlers({
              status: () => this.status(),
              rotate: (reason) => this.rotate(reason),
              rotateCa: (reason) => this.rotateCa(reason),
              members: () => ({ self: network.localRecord(), peers: network.members() }),
              verifiedLeaf: (nodeId) => network.peerClients.verifiedLeaf(nodeId),
              pool: () => this.pool?.describe(),
              plugins: () => this.plugins?.describe() ?? [],
              // Itself too: removing itself is refused by membership with its own reason.
              knows: (nodeId) => nodeId === ca.nodeId || network.member(nodeId) !== undefined,
              remove: (nodeId, reason, caller) => {
                // A server-mode member tells us it removed us (see removal-notice.ts).
                if (nodeId === ca.nodeId && caller?.kind === 'member') {
                  this.removed({ by: caller.nodeId, atMs: this.clock.now(), reason });
                  return { nodeId, removedBy: caller.nodeId, issuedAtUnixMs: this.clock.now(), wasKnown: true };
                }
                // The notice goes out first, on the channel the removal is about to close.
                const channel = nodeId === ca.nodeId ? undefined : network.peerChannel(nodeId);
                if (channel) void sendRemovalNotice(channel, nodeId, reason);
                const { removal, wasKnown } = network.remove(nodeId);
                return { nodeId, removedBy: ca.nodeId, issuedAtUnixMs: removal.issuedAtMs, wasKnown };
              },
              // Removal is for people and server-mode members; applications (client mode) may not.
              authorizeRemoval: (caller) =>
                caller?.kind === 'member' && network.modeOf(caller.nodeId) !== 'server' ? `member ${caller.nodeId} is not a server-mode member and may not remove members` : undefined,
              log: this.log,
            }),
            ...this.watches.handlers,
            ...tokenAdminHandlers({
              tokens: this.tokenStore,
              ticketFacts: () => ({
                addresses: this.addresses.map((host) => ({ host, port: this.boundPorts.register })),
                caFingerprint: this.nodeCa.fingerprint,
                cluster: config.cluster,
              }),
              // Applications (client-mode members) must not mint tokens; people and servers may.
              authorize: (caller) =>
                caller?.kind === 'member' && network.modeOf(caller.nodeId) === 'client'
                  ? new TokenAdminDeniedError(`client-mode member ${caller.nodeId} may not manage tokens`)
                  : undefined,
              clock: this.clock,
              log: this.deps.log.child({ component: 'token-admin' }),
            }),
          },
        },
        ...this.plugins.entries().map((entry) => ({ ...entry, ownHealth: true })),
      ],
      // The merged descriptors first: reflection keeps the first file of each name.
      definitions: [...this.plugins.reflectionDefinitions(), ...definitions],
      // Order matters: grpc-js wraps later interceptors around earlier ones, so metrics (first)
      // sees the status of calls that authorisation (outermost) refuses.
      interceptors: [
        metricsInterceptor(this.metrics, 'gossip'),
        usefulCallInterceptor(limits.gossip, { onRequest: true }),
        malformedRequestInterceptor(),
        authorizationInterceptor({
          authority: this.trust,
          clock: this.clock,
          log: this.deps.log.child({ component: 'authz' }),
          calls: this.activeCalls,
          issuesOperators: (nodeId) => this.network?.modeOf(nodeId) === 'server',
        }),
      ],
      channelOptions: limits.gossipOptions,
      watchLimits: limits.watch,
    });
    this.plugins.attachHealth(this.gossip.health);

    const registerListener = await listenPort(this.register.server, config.host, config.registerPort, tlsServerCredentials(this.identity), limits.register, '--register-port');
    this.listeners.push(registerListener);
    const registerPort = registerListener.port;
    // A client-mode member serves nothing to the network: its gossip port (Admin for local tools)
    // listens on loopback only, and its record is never offered to others as a target.
    const gossipHost = config.mode === 'client' ? '127.0.0.1' : config.host;
    const gossipListener = await listenPort(this.gossip.server, gossipHost, config.gossipPort, mutualTlsServerCredentials(this.identity, this.trustProvider), limits.gossip, '--gossip-port');
    this.listeners.push(gossipListener);
    const gossipPort = gossipListener.port;
    let healthPort: number | null = null;
    if (config.healthPort !== null) {
      this.plainHealth = new grpc.Server({ ...limits.healthOptions, interceptors: [usefulCallInterceptor(limits.health), malformedRequestInterceptor()] });
      this.plainHealthWatch = this.gossip.health.addToServer(tolerantServer(this.plainHealth), limits.watch);
      const healthListener = await listenPort(this.plainHealth, config.healthHost, config.healthPort, grpc.ServerCredentials.createInsecure(), limits.health, '--health-port');
      this.listeners.push(healthListener);
      healthPort = healthListener.port;
    }
    let metricsPort: number | null = null;
    if (config.metricsPort !== null) {
      const traffic = new TopicTraffic();
      this.channelNode.channel.subscribe('', (message) => traffic.count(message.topic, message.data.byteLength));
      this.metricsServer = new MetricsServer(this.metrics.registry, { live: this.liveViewSource(traffic) });
      metricsPort = await this.metricsServer.start(config.metricsHost, config.metricsPort).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EADDRINUSE') throw error;
        throw new PortInUseError(`${config.metricsHost}:${config.metricsPort} is already in use (another node or program listens there): choose another --metrics-port, or 0 to let the OS pick`, { cause: error });
      });
    }
    this.ports = { register: registerPort, gossip: gossipPort, health: healthPort, metrics: metricsPort };
    this.startedAt = this.clock.now();
    await writeRuntimeFacts(config.dataDir, {
      pid: process.pid,
      nodeId: ca.nodeId,
      cluster: config.cluster,
      host: config.host,
      registerPort,
      gossipPort,
      healthPort,
      healthHost: config.healthHost,
      metricsPort,
      caFingerprint: ca.fingerprint,
      startedAt: new Date(this.startedAt).toISOString(),
      version: VERSION,
    });
    // Peers dial what the record says: the advertised port when a mapping or proxy sits in front.
    const previousCaCertPem = caRotator.previousCertPem();
    await network.start({ addresses: this.addresses, registerPort, gossipPort: config.advertiseGossipPort ?? gossipPort, leaf: this.currentLeaf(), ...(previousCaCertPem ? { previousCaCertPem } : {}) });
    caRotator.start();
    const joined = await network.joinAtStart({ ticket: config.join, services: config.services, token: config.token });
    this.log.info({ via: joined.via, failures: joined.failures }, 'joined the network');
    this.channelNode.start();
    this.pool = new PeerPool(
      {
        clients: network.peerClients,
        members: () => network.serverEndpoints(),
        clock: this.clock,
        log: this.deps.log.child({ component: 'pool' }),
        interceptors: [clientMetricsInterceptor(this.metrics)],
        onRtt: (ms) => this.metrics.pingRtt.observe(ms / 1000),
      },
      { pingIntervalMs: network.options.intervalMs * POOL_PING_INTERVALS, pingTimeoutMs: network.options.probeTimeoutMs * 4 },
    );
    this.pool.start();
    const pool = this.pool;
    network.onEvent((event) => {
      if (event.type === 'dead' || event.type === 'left' || event.type === 'removed') pool.membersChanged();
    });
    if (config.mode === 'server') {
      this.tokenSyncer = new TokenSyncer(
        {
          tokens: this.tokenStore,
          serverPeers: () => network.serverPeers(),
          clientFor: (id) => network.tokenSyncClient(id),
          clock: this.clock,
          random: this.random,
          log: this.deps.log.child({ component: 'token-sync' }),
        },
        network.options.pushPullIntervalMs,
        network.options.exchangeTimeoutMs * 4,
      );
      this.tokenSyncer.start();
    }
    this.setHealth(this.expiryGuard.expiring() ? 'NOT_SERVING' : 'SERVING');
    // After the port listens and the node has joined; each plugin's services go SERVING as it
    // starts, and the record advertises the ones that run.
    await this.plugins.start();
    network.advertiseServices(this.plugins.runningServices());
    this.state = 'running';
    this.log.info({ nodeId: ca.nodeId, ports: this.ports, addresses: this.addresses }, 'node serving');
  }

  /** What the live page at `/` of the metrics port reads. */
  private liveViewSource(traffic: TopicTraffic): LiveViewSource {
    return {
      snapshot: () =>
        liveSnapshot({
          cluster: this.deps.config.cluster,
          now: this.clock.now(),
          self: this.network?.localRecord(),
          members: this.network?.members() ?? [],
          pool: this.pool?.describe(),
          topics: traffic.snapshot(),
        }),
      follow: (listener, afterSeq) => this.events.follow(listener, afterSeq),
    };
  }

  /** Validated leaves only reach here (the rotator checks them); the provider checks the pair again. */
  private installLeaf(leaf: Leaf): void {
    this.identity.setIdentity(leaf.certPem, leaf.keyPem);
    this.expiryGuard?.track(leaf);
    this.metrics.setLeafNotAfter(leaf.notAfter);
    this.network?.leafChanged(leaf);
    // The rotator logged the new leaf already (with its reason and next renewal): one line per rotation.
    this.log.debug({ fingerprint: leaf.fingerprint }, 'leaf installed on both ports');
    if (this.ca) this.events.record({ type: 'leaf_rotated', nodeId: this.ca.nodeId, leafNotAfterMs: leaf.notAfter.getTime(), detail: leaf.fingerprint });
  }

  /** A node-CA rotation began: publish the new CA (endorsed) and trust both; leaves stay on the old one for now. */
  private caRotationStarted(next: NodeCa, previousCertPem: string): void {
    this.ca = next;
    this.events.record({ type: 'ca_rotation_started', nodeId: next.nodeId, detail: next.fingerprint });
    this.trust.set(next.nodeId, caPins({ caCertPem: next.certPem, previousCaCertPem: previousCertPem }));
    this.network?.caChanged(next, previousCertPem);
    this.channelNode?.caChanged(next.keyPem);
  }

  /** maxConnectionAge before the grace period ends: every member has had time to learn the new CA; issue leaves from it. */
  private caRotationSwitched(current: NodeCa): void {
    this.events.record({ type: 'ca_rotation_switched', nodeId: current.nodeId, detail: current.fingerprint });
    this.rotator?.setCa(current);
    this.rotator?.rotateNow('node CA rotation: leaves move to the new CA').catch((error: unknown) =>
      this.log.error({ err: (error as Error).message }, 'could not issue a leaf from the new node CA; retrying on schedule'),
    );
  }

  /** The grace period ended: the previous CA is no longer published or trusted. */
  private caRotationRetired(current: NodeCa): void {
    this.events.record({ type: 'ca_rotation_retired', nodeId: current.nodeId, detail: current.fingerprint });
    this.trust.set(current.nodeId, current.certPem);
    this.network?.caChanged(current, undefined);
  }

  /** Starts a node-CA rotation now (`g2g rotate --ca`). */
  async rotateCa(reason: string): Promise<CaRotationResult> {
    if (this.state !== 'running' || !this.caRotator) throw new NodeStateError('the node is not running');
    return this.caRotator.rotate(reason);
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
  get portCounters(): Record<'register' | 'gossip' | 'health', ConnectionCounters & { held: number; watchRefused: number }> {
    if (!this.limits) throw new NodeStateError('the node is not listening');
    const counters = connectionCounters(this.limits);
    const watchRefused = { register: this.register?.watch?.refused ?? 0, gossip: this.gossip?.watch?.refused ?? 0, health: this.plainHealthWatch?.refused ?? 0 };
    const held = { register: this.limits.register.held(), gossip: this.limits.gossip.held(), health: this.limits.health.held() };
    return {
      register: { ...counters.register, held: held.register, watchRefused: watchRefused.register },
      gossip: { ...counters.gossip, held: held.gossip, watchRefused: watchRefused.gossip },
      health: { ...counters.health, held: held.health, watchRefused: watchRefused.health },
    };
  }

  /** Every plugin found, with its state (Admin.Plugins, `g2g plugins`). */
  pluginInfo(): PluginInfo[] {
    return this.plugins?.describe() ?? [];
  }

  async rotate(reason: string): Promise<{ previous: LeafInfo; current: LeafInfo }> {
    if (this.state !== 'running' || !this.rotator) throw new NodeStateError('the node is not running');
    const previous = leafInfo(this.currentLeaf());
    const leaf = await this.rotator.rotateNow(reason);
    return { previous, current: leafInfo(leaf) };
  }

  status(): Omit<StatusResponse, 'caller'> {
    const ca = this.nodeCa;
    const ports = this.boundPorts;
    const stats = this.rotator?.stats();
    return {
      nodeId: ca.nodeId,
      cluster: this.deps.config.cluster,
      mode: this.deps.config.mode === 'client' ? 'NODE_MODE_CLIENT' : 'NODE_MODE_SERVER',
      addresses: this.addresses,
      registerPort: ports.register,
      gossipPort: ports.gossip,
      leaf: leafInfo(this.currentLeaf()),
      caFingerprint: ca.fingerprint,
      uptimeMs: Math.max(0, this.clock.now() - this.startedAt),
      services: this.gossip?.services ?? [],
      version: VERSION,
      rotations: stats?.rotations ?? 0,
      rotationFailures: stats?.failures ?? 0,
      healthPort: ports.health ?? 0,
      metricsPort: ports.metrics ?? 0,
      lastRotationError: stats?.lastError ?? '',
      consecutiveRotationFailures: stats?.consecutiveFailures ?? 0,
      previousCaFingerprint: certFingerprintOrEmpty(this.caRotator?.previousCertPem()),
      caNotAfterUnixMs: certNotAfter(ca.certPem).getTime(),
      nextRenewalUnixMs: stats?.nextRenewalAt ?? 0,
      leafExpiring: this.expiryGuard?.expiring() ?? false,
      expiryMarginMs: this.deps.config.maxConnectionAge,
      tags: recordTags(this.deps.config.nodeName, VERSION, this.deps.config.tags),
      removedBy: this.removedNotice?.by ?? '',
      removedAtUnixMs: this.removedNotice?.atMs ?? 0,
    };
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
    this.register?.health.setAll('NOT_SERVING');
    this.gossip?.health.setAll('NOT_SERVING');
    // Plugins first, while the pool, membership and ports they use are still up: NOT_SERVING,
    // then in reverse order abort, stop (bounded) and end the streams each left open.
    await this.plugins?.stop();
    this.registerService?.stop();
    this.tokenSyncer?.stop();
    this.pool?.stop();
    this.channelNode?.stop();
    // Tell peers we are going (they drop us at once), within the drain budget.
    await Promise.race([this.network?.leave(), new Promise((r) => setTimeout(r, this.deps.config.drainTimeout).unref())]).catch(() => undefined);
    this.network?.stop();
    this.rotator?.stop();
    this.caRotator?.stop();
    this.expiryGuard?.stop();
    this.watches.endAll();
    const drainMs = this.deps.config.drainTimeout;
    for (const listener of this.listeners) listener.stopAccepting();
    const results = await Promise.all([
      this.gossip ? shutdownServer(this.gossip.server, drainMs) : undefined,
      this.register ? shutdownServer(this.register.server, drainMs) : undefined,
      this.plainHealth ? shutdownServer(this.plainHealth, drainMs) : undefined,
    ]);
    // Connections the servers never took over (TLS handshakes in progress) would keep the process alive.
    for (const listener of this.listeners) listener.destroyAll();
    await this.metricsServer?.stop();
    // Only the lock's owner may touch the data dir (a refused second start never got here with a lock).
    if (this.dataDirLock) {
      await removeRuntimeFacts(this.deps.config.dataDir, process.pid).catch(() => undefined);
      await this.dataDirLock.release();
    }
    this.state = 'stopped';
    this.log.info({ drain: results.filter(Boolean) }, 'node stopped');
  }
}

/** Creates the data dir (0700) if missing; a path that is not a directory is one clear line. */
async function makeDataDir(dataDir: string): Promise<void> {
  try {
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new DataDirNotADirectoryError(`data dir ${dataDir} is not a directory (a file is in the way): give --data-dir (G2G_DATA_DIR) a directory`, { cause: error });
    }
    throw error;
  }
}

/** PingVia's targets: members this node holds (a member that left is no longer pinged). */
function knownMembers(network: NodeMembership): KnownMembers {
  return {
    targetOf(nodeId) {
      const member = network.member(nodeId);
      if (!member || member.state === 'left') return undefined;
      return { nodeId, addresses: member.record.addresses, gossipPort: member.record.gossipPort };
    },
  };
}

function leafInfo(leaf: Leaf): LeafInfo {
  return { fingerprint: leaf.fingerprint, notAfterUnixMs: leaf.notAfter.getTime() };
}

function certFingerprintOrEmpty(pem: string | undefined): string {
  return pem ? certFingerprint(pem) : '';
}
