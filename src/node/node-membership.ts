import { GossipCounters, type GossipCountersView } from '../membership/gossip-counters';
import type { LocalHealthView, LoopLagSource } from '../membership/local-health';
import { EventLoopLag } from '../metrics/event-loop-lag';
import type { NodeCa } from '../identity/node-ca';
import type { Leaf } from '../identity/leaf';
import type { Logger } from '../log/logger';
import { Membership, type MemberView, type MembershipEvent } from '../membership/membership';
import type { Removal } from '../membership/removal';
import type { NodeMode, NodeRecord, RecordTag } from '../membership/node-record';
import { membershipOptions, type MembershipOptions } from '../membership/options';
import { CaRecordAuthenticator } from '../membership/record-authenticator';
import { targetOf, type GossipHandler } from '../membership/transport';
import type { AdmitOutcome, AdmitRequest } from '../register/register-service';
import type { ReadmitOutcome, ReadmitRequest } from '../register/rejoin-service';
import { NodeStateError } from '../errors';
import type { PushCertificateProvider } from '../transport/push-certificate-provider';
import { PeerClients, type PeerEndpoint } from '../transport/peer-clients';
import type { TrustStore } from '../transport/trust-store';
import type { TokenSyncClient } from '../proto/generated/g2g/v1/TokenSync';
import type { Clock } from '../util/clock';
import { ListenerSet } from '../util/listener-set';
import type { Random } from '../util/random';
import { repeatingTask, type RepeatingTask } from '../util/repeating-task';
import { Admission } from './admission';
import { departedChannelSweep } from './departed-channel-sweep';
import { grpcGossipTransports, type GossipTransportFactory } from './gossip-transport-factory';
import { KnownPeersSaver, restartVersion } from './known-peers-saver';
import { caPins, MembershipTrust } from './membership-trust';
import { StartUpJoin, type JoinSettings, type LastRun } from './start-up-join';

export { caPins } from './membership-trust';
export type { JoinSettings } from './start-up-join';

export interface NodeMembershipComponents {
  ca: NodeCa;
  cluster: string;
  mode: NodeMode;
  dataDir: string;
  /** Well-known addresses this node joins through (G2G_SERVICES): published in its record and
   *  handed to newcomers in the welcome, so the network learns its services from any member. */
  services: readonly string[];
  /** Our current leaf, presented on every channel to peers. */
  identity: PushCertificateProvider;
  trust: TrustStore;
  clock: Clock;
  random: Random;
  log: Logger;
  /** How membership reaches peers' gossip ports (default: gRPC over mutual TLS with `identity`). */
  transport?: GossipTransportFactory;
  /** RTT to a peer (ms) for spatial gossip, e.g. the client pool's EWMA; undefined when not measured. */
  distance?: (nodeId: string) => number | undefined;
  /** The event loop's delay for local health awareness; by default this process's (`EventLoopLag`), sampled while membership runs. */
  loopLag?: LoopLagSource;
  /**
   * `caRejoin`: whether a member whose node CA rotated out of our sight may prove it on
   * Register.Rejoin ('proof', the default) or needs a new ticket ('ticket').
   */
  caRejoin?: 'proof' | 'ticket';
  /** Periodic service joins (serviceJoinInterval, serviceJoinJitter); none when absent. */
  serviceJoin?: { intervalMs: number; jitter: number };
  /** `joinRetryTime`: how long joining retries nodes that answer RESOURCE_EXHAUSTED (default: no retry). */
  joinRetryWithinMs?: number;
  /** Our record's tags: name, software version, operator tags (config/node-tags.ts). */
  tags?: readonly RecordTag[];
}

/** How often the known-peer file is rewritten (intervals). */
const PERSIST_INTERVALS = 10;
/** Gossip intervals between sweeps of channels to departed peers. */
const SWEEP_INTERVALS = 5;

/**
 * The node's part in the network: its Membership over the gossip transport, and beside it, each
 * in its own file, the gossip port's trust kept in step with it (membership-trust.ts), admission
 * of newcomers on the register port (admission.ts), joining at start (start-up-join.ts), what
 * survives a restart (known-peers-saver.ts) and the sweep of departed peers' channels.
 */
export class NodeMembership {
  readonly options: MembershipOptions;
  private membership: Membership | undefined;
  private readonly clients: PeerClients;
  private readonly auth: CaRecordAuthenticator;
  private readonly transports: GossipTransportFactory;
  private readonly memberTrust: MembershipTrust;
  private readonly admission: Admission;
  private readonly joining: StartUpJoin;
  private readonly saver: KnownPeersSaver;
  /** Saves known peers (and checks whether a rotated CA left us cut off) every few intervals. */
  private readonly upkeep: RepeatingTask;
  private readonly sweep: RepeatingTask;
  private lastRun: LastRun = { peers: [], hadPeers: false };
  private readonly log: Logger;
  private readonly listeners: ListenerSet<[MembershipEvent]>;
  private readonly selfRemovalListeners = new Set<(removal: Removal) => void>();
  /** Plugin services this node serves, published in its record after the well-known addresses. */
  private advertised: readonly string[] = [];
  /** Our current node CA (a CA rotation replaces it; the node id never changes). */
  private ca: NodeCa;
  private readonly loopLag: LoopLagSource & { start?(): void; stop?(): void };

  constructor(private readonly c: NodeMembershipComponents, profile: 'lan' | 'wan' | 'local', overrides: Partial<MembershipOptions> = {}) {
    this.options = membershipOptions(overrides, profile);
    this.log = c.log;
    this.clients = new PeerClients(c.identity);
    this.auth = new CaRecordAuthenticator(c.ca.keyPem);
    this.transports = c.transport ?? grpcGossipTransports(c.identity);
    this.ca = c.ca;
    this.loopLag = c.loopLag ?? new EventLoopLag();
    this.listeners = new ListenerSet((error) => this.log.warn({ err: (error as Error).message }, 'membership listener threw'));
    const started = () => this.membership;
    const running = () => this.running();
    this.memberTrust = new MembershipTrust({
      trust: c.trust,
      clock: c.clock,
      clients: this.clients,
      recordOf: (nodeId) => this.membership?.member(nodeId)?.record,
      tombstoneTtlMs: this.options.tombstoneTtlMs,
    });
    this.admission = new Admission({
      nodeId: c.ca.nodeId,
      services: c.services,
      caRejoin: c.caRejoin,
      membership: running,
      auth: this.auth,
      trust: c.trust,
      memberTrust: this.memberTrust,
      transport: this.transports,
      log: this.log,
    });
    this.joining = new StartUpJoin({
      cluster: c.cluster,
      mode: c.mode,
      ca: () => this.ca,
      membership: running,
      started,
      trust: c.trust,
      memberTrust: this.memberTrust,
      clock: c.clock,
      random: c.random,
      log: this.log,
      options: this.options,
      serviceJoin: c.serviceJoin,
      joinRetryWithinMs: c.joinRetryWithinMs,
    });
    this.saver = new KnownPeersSaver({ dataDir: c.dataDir, clock: c.clock, log: this.log, membership: started });
    this.upkeep = repeatingTask(
      c.clock,
      () => {
        this.joining.checkIsolation();
        return this.saver.save();
      },
      this.options.intervalMs * PERSIST_INTERVALS,
      { onError: (error) => this.log.warn({ err: (error as Error).message }, 'saving known peers failed') },
    );
    this.sweep = departedChannelSweep({ clock: c.clock, log: this.log, clients: this.clients, membership: started }, SWEEP_INTERVALS * this.options.intervalMs);
  }

  /** Serves the gossip port before membership exists (it answers UNAVAILABLE-style refusals until then). */
  readonly handler: GossipHandler = {
    handleExchange: (from, request) => this.running().handleExchange(from, request),
    handlePing: (from, request) => this.running().handlePing(from, request),
    handlePingVia: (from, request) => this.running().handlePingVia(from, request),
  };

  /** Creates and starts membership with our record; restores what the last run knew. */
  async start(local: { addresses: string[]; registerPort: number; gossipPort: number; leaf: Leaf; previousCaCertPem?: string }): Promise<void> {
    const known = await this.saver.load();
    this.lastRun = { peers: known.peers, hadPeers: known.hadPeers || known.corrupt !== undefined };
    const transport = this.transports.shared(this.clients, (id) => this.memberTrust.caOf(id));
    this.loopLag.start?.();
    this.membership = new Membership(
      { clock: this.c.clock, random: this.c.random, transport, authenticator: this.auth, log: this.log, distance: this.c.distance, loopLag: this.loopLag },
      {
        nodeId: this.c.ca.nodeId,
        cluster: this.c.cluster,
        mode: this.c.mode,
        addresses: local.addresses,
        registerPort: local.registerPort,
        gossipPort: local.gossipPort,
        caCertPem: this.ca.certPem,
        ...(this.ca.lineage ? { caLineage: this.ca.lineage } : {}),
        ...(local.previousCaCertPem ? { previousCaCertPem: local.previousCaCertPem } : {}),
        leaf: { fingerprint: local.leaf.fingerprint, notAfterMs: local.leaf.notAfter.getTime() },
        services: [...this.c.services, ...this.advertised],
        tags: this.c.tags ?? [],
        // A restart publishes a newer version than anything of ours still in circulation.
        version: restartVersion(known, this.c.clock.now()),
      },
      this.options,
    );
    this.membership.onEvent((event) => this.reactTo(event));
    this.membership.onRemoval((removal) => this.onRemoval(removal));
    this.membership.restoreRemovals(known.removals ?? []);
    this.membership.start();
    this.upkeep.start();
    this.sweep.start();
  }

  /**
   * Joins the network at start: through the peers the last run knew, else the ticket, else the
   * services. Partial success is success; having nothing to join through is not an error (a
   * first node). Throws only when every configured way in failed.
   */
  joinAtStart(settings: JoinSettings): Promise<{ via: string; failures: string[] }> {
    this.running();
    return this.joining.joinAtStart(settings, this.lastRun);
  }

  /** Register-port admission of a newcomer that proved its token (see Admission.admit). */
  admit(request: AdmitRequest): Promise<AdmitOutcome> {
    return this.admission.admit(request);
  }

  /** Register.Rejoin of a member that proved its node-CA rotation (see Admission.readmit). */
  readmit(request: ReadmitRequest): Promise<ReadmitOutcome> {
    return this.admission.readmit(request);
  }

  /**
   * Removes a member from the network (`g2g remove`): signed by us, applied here at once (its CA
   * untrusted, its open calls ended) and gossiped. Throws MembershipStateError for a client-mode
   * node or for our own id.
   */
  remove(nodeId: string): { removal: Removal; wasKnown: boolean } {
    const membership = this.running();
    const wasKnown = membership.member(nodeId) !== undefined;
    return { removal: membership.remove(nodeId), wasKnown };
  }

  /**
   * A node-CA rotation started or ended: records are signed with the new CA key from now on and
   * ours publishes the new CA, its lineage and, during the grace period, the previous CA.
   */
  caChanged(ca: NodeCa, previousCaCertPem: string | undefined): void {
    this.ca = ca;
    this.auth.useSigningKey(ca.keyPem);
    this.membership?.updateLocal({ caCertPem: ca.certPem, caLineage: ca.lineage ?? [], previousCaCertPem: previousCaCertPem ?? '' });
  }

  /** Our leaf changed: publish its fingerprint and expiry (peers recycle their channels to us). */
  leafChanged(leaf: Leaf): void {
    this.membership?.updateLocal({ leaf: { fingerprint: leaf.fingerprint, notAfterMs: leaf.notAfter.getTime() } });
  }

  /** Local health awareness (score, multiplier, loop lag); undefined until membership runs. */
  localHealth(): LocalHealthView | undefined {
    return this.membership?.localHealth();
  }

  /** Gossip's messages, bytes and decisions since start (empty until membership started). */
  readonly counters: GossipCountersView = {
    snapshot: () => this.membership?.counters.snapshot() ?? new GossipCounters().snapshot(),
  };

  members(): MemberView[] {
    return this.membership?.members() ?? [];
  }

  /** One peer as membership holds it (any state), or undefined. */
  member(nodeId: string): MemberView | undefined {
    return this.membership?.member(nodeId);
  }

  /** Membership events (also for listeners added before membership starts). */
  onEvent(listener: (event: MembershipEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  /**
   * Publishes the plugin services this node serves in its record (after the well-known
   * addresses), so peers' pools know whom to ask. A version bump when it changes.
   */
  advertiseServices(services: readonly string[]): void {
    const same = services.length === this.advertised.length && services.every((s, i) => s === this.advertised[i]);
    this.advertised = [...services];
    if (!same && this.membership) this.membership.updateLocal({ services: [...this.c.services, ...this.advertised] });
  }

  localRecord(): NodeRecord | undefined {
    return this.membership?.localRecord();
  }

  heartbeat(): number {
    return this.membership?.heartbeat() ?? 0;
  }

  /** Alive server-mode peers (never client-mode members: they serve nothing). */
  serverPeers(): string[] {
    return this.members()
      .filter((m) => m.state === 'alive' && m.mode === 'server')
      .map((m) => m.nodeId);
  }

  /**
   * Where to reach every live server-mode peer, for the client pool. Suspects stay in: they may
   * only be slow, and dropping them would throw away their latency figures on every false alarm
   * (the pool asks peers that keep failing last).
   */
  serverEndpoints(): PeerEndpoint[] {
    // Suspect peers stay: a suspicion is not a verdict (it is often a slow or paused peer, which
    // refutes), and dropping it from the pool would turn a false suspicion into failed calls.
    return this.members()
      .filter((m) => (m.state === 'alive' || m.state === 'suspect') && m.mode === 'server')
      .map((m) => ({ ...targetOf(m.record), caCertPem: this.memberTrust.pinsOf(m.nodeId, caPins(m.record)) }));
  }

  /** The per-peer channels (shared by membership, token sync and the client pool). */
  get peerClients(): PeerClients {
    return this.clients;
  }

  /** A TokenSync client on the peer's pooled channel. */
  tokenSyncClient(nodeId: string): TokenSyncClient | undefined {
    const record = this.membership?.member(nodeId)?.record;
    return record ? this.clients.tokenSync({ ...targetOf(record), caCertPem: this.memberTrust.pinsOf(nodeId, caPins(record)) }) : undefined;
  }

  /** Calls `listener` when a removal of this node reaches it by gossip (it was removed by a member). */
  onRemovedSelf(listener: (removal: Removal) => void): void {
    this.selfRemovalListeners.add(listener);
  }

  /** The pooled channel to a member (created if needed), for a one-off call of another service on it. */
  peerChannel(nodeId: string): ReturnType<PeerClients['channelOf']> {
    return this.tokenSyncClient(nodeId) ? this.clients.channelOf(nodeId) : undefined;
  }

  modeOf(nodeId: string): NodeMode | undefined {
    if (nodeId === this.c.ca.nodeId) return this.c.mode;
    return this.membership?.member(nodeId)?.mode;
  }

  /** Graceful leave (peers drop us at once), bounded by the caller's drain. */
  async leave(): Promise<void> {
    // leave() takes the new ('left') version at once and then tells a few peers. Save that
    // version first: telling peers can outlast the shutdown's drain, and a node that comes back
    // at the version its peers hold as left is not heard (membership repairs it, a round later).
    const leaving = this.membership?.leave();
    await this.saver.save();
    const outcome = await leaving;
    if (outcome && outcome.told === 0 && outcome.peers > 0) this.log.warn(outcome, 'left, but no peer that stays took the leave: the others will see this node die');
    else if (outcome) this.log.info(outcome, 'left the network');
    this.shutdown();
  }

  /** Stops without telling anyone (a crash looks like this to the others). */
  stop(): void {
    this.membership?.stop();
    this.shutdown();
  }

  private shutdown(): void {
    this.loopLag.stop?.();
    this.joining.stop();
    this.sweep.stop();
    this.upkeep.stop();
    this.memberTrust.stop();
    this.clients.closeAll();
  }

  private running(): Membership {
    if (!this.membership) throw new NodeStateError('membership has not started');
    return this.membership;
  }

  private reactTo(event: MembershipEvent): void {
    this.memberTrust.onEvent(event);
    this.log.debug({ event: event.type, nodeId: event.nodeId, state: event.state, by: event.by }, 'membership event');
    this.listeners.emit(event);
  }

  /** A removal arrived (or we made one): the member is untrusted now, not after the tombstone time. */
  private onRemoval(removal: Removal): void {
    const id = removal.nodeId;
    if (id === this.c.ca.nodeId && !removal.reinstated) for (const listener of this.selfRemovalListeners) listener(removal);
    if (id === this.c.ca.nodeId || removal.reinstated) return;
    this.memberTrust.removed(id);
    void this.saver.save();
  }
}
