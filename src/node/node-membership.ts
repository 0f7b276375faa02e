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
import { describeFailure, joinTargets, joinWithTicket, type SeedIdentity } from '../register/join-client';
import type { JoinWelcomeResult } from '../register/join-handshake';
import { identifyService, serviceJoinTargets } from '../register/service-client';
import { anotherNodeAnswered, ServiceJoiner, type ServiceJoinOutcome } from './service-joiner';
import { caSigner } from '../register/join-handshake';
import type { AdmitOutcome, AdmitRequest } from '../register/register-service';
import type { ReadmitOutcome, ReadmitRequest } from '../register/rejoin-service';
import { rejoinTargets, type RejoinTarget } from '../register/rejoin-client';
import { InvalidRecordError, JoinFailedError, RejoinNeedsTicketError, RejoinRefusedError } from '../register/errors';
import { formatTicketAddress } from '../tokens/join-ticket';
import { NodeStateError } from '../errors';
import { isServiceAddress } from '../config/formats';
import { certFingerprint, joinPemBundle, splitPemBundle } from '../identity/cert-info';
import { GrpcGossipTransport } from '../transport/gossip-transport';
import { recordFromWire, recordToWire } from '../transport/gossip-wire';
import type { PushCertificateProvider } from '../transport/push-certificate-provider';
import { PeerClients, type PeerEndpoint } from '../transport/peer-clients';
import type { TrustStore } from '../transport/trust-store';
import type { TokenSyncClient } from '../proto/generated/g2g/v1/TokenSync';
import type { Clock, TimerHandle } from '../util/clock';
import type { Random } from '../util/random';
import { KNOWN_PEERS_FILE, readKnownPeers, writeKnownPeers } from './known-peers';
import { AdmissionRefusedError, JoinConnectBackError } from './errors';

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

export interface JoinSettings {
  /** A join ticket (used only when no known peer answers: a ticket is usually single-use). */
  ticket: string;
  /** Well-known register addresses, joined with `token` (at start, then periodically). */
  services: readonly string[];
  token: string;
}

/** Attempts per service address and round while it routes us to ourselves or to nothing. */
const SERVICE_ATTEMPTS = 3;
/** Most service addresses tried per round (ours first, then those members publish). */
const MAX_SERVICES_PER_ROUND = 4;
/**
 * Refusals that another node of the same network would repeat (a token it does not accept, another
 * cluster, a proxy that terminates TLS, our gossip port unreachable from it): a node that meets
 * one with no peer yet must not start a network of its own, or it would be an island that never
 * merges. Busy, throttled and timed-out answers are transient, like no answer at all.
 */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['ERR_JOIN_UNREACHABLE', 'ERR_JOIN_BUSY', 'ERR_JOIN_THROTTLED', 'ERR_JOIN_TIMEOUT', 'GRPC_RESOURCE_EXHAUSTED', 'GRPC_UNAVAILABLE', 'GRPC_DEADLINE_EXCEEDED']);

/** Peers handed to a newcomer in its welcome. */
const WELCOME_SAMPLE = 32;
/**
 * Deadline of the connect-back ping, which opens a new TLS connection (RSA handshakes) to a
 * newcomer: once per join, so generous, to hold on a loaded machine or a slow link.
 */
const CONNECT_BACK_TIMEOUT_MS = 5000;
/** How often the known-peer file is rewritten (intervals). */
const PERSIST_INTERVALS = 10;
/**
 * A node whose CA rotated and that has had no exchange with anyone for this many intervals tries
 * Register.Rejoin at its peers (at most once per this many intervals): its peers may never have
 * heard of its new CA (it was cut off for the whole grace period).
 */
const ISOLATION_INTERVALS = 30;

/**
 * The node's part in the network: its Membership over gRPC, kept in step with the gossip port's
 * trust (a member's CA is trusted while the member is known, and for the tombstone time after it
 * is dropped, so that it can come back through its known peers), admission of newcomers on the
 * register port (with connect-back), joining at start, and what survives a restart.
 */
/** Gossip intervals between sweeps of channels to departed peers. */
const SWEEP_INTERVALS = 5;

export class NodeMembership {
  readonly options: MembershipOptions;
  private membership: Membership | undefined;
  private readonly clients: PeerClients;
  private readonly auth: CaRecordAuthenticator;
  /** CAs we must be able to call before membership holds their record (seeds, newcomers). */
  private readonly pendingCas = new Map<string, string>();
  private readonly untrustTimers = new Map<string, TimerHandle>();
  private persistTimer: TimerHandle | undefined;
  private sweepTimer: TimerHandle | undefined;
  private persisted: NodeRecord[] = [];
  /** The last run knew peers (membership.json listed some, or was unreadable). */
  private hadPeers = false;
  private readonly log: Logger;
  private readonly listeners = new Set<(event: MembershipEvent) => void>();
  private readonly selfRemovalListeners = new Set<(removal: Removal) => void>();
  /** Plugin services this node serves, published in its record after the well-known addresses. */
  private advertised: readonly string[] = [];
  /** Our current node CA (a CA rotation replaces it; the node id never changes). */
  private ca: NodeCa;
  /**
   * CAs members proved on Register.Rejoin while we hold an older or equal version of their record
   * (they restarted from an older save): trusted beside the record's until a record naming them
   * arrives (their first exchange hands them our copy, and they publish a newer version).
   */
  private readonly rejoinedCas = new Map<string, string>();
  private rejoining = false;
  private lastRejoinAttemptMs = 0;
  private serviceJoiner: ServiceJoiner | undefined;
  private readonly loopLag: LoopLagSource & { start?(): void; stop?(): void };

  constructor(private readonly c: NodeMembershipComponents, profile: 'lan' | 'wan' | 'local', overrides: Partial<MembershipOptions> = {}) {
    this.options = membershipOptions(overrides, profile);
    this.log = c.log;
    this.clients = new PeerClients(c.identity);
    this.auth = new CaRecordAuthenticator(c.ca.keyPem);
    this.ca = c.ca;
    this.loopLag = c.loopLag ?? new EventLoopLag();
  }

  /** Serves the gossip port before membership exists (it answers UNAVAILABLE-style refusals until then). */
  readonly handler: GossipHandler = {
    handleExchange: (from, request) => this.running().handleExchange(from, request),
    handlePing: (from, request) => this.running().handlePing(from, request),
    handlePingVia: (from, request) => this.running().handlePingVia(from, request),
  };

  /** Creates and starts membership with our record; restores what the last run knew. */
  async start(local: { addresses: string[]; registerPort: number; gossipPort: number; leaf: Leaf; previousCaCertPem?: string }): Promise<void> {
    const known = await readKnownPeers(this.c.dataDir, () => this.c.clock.now());
    this.persisted = known.peers;
    this.hadPeers = known.hadPeers || known.corrupt !== undefined;
    if (known.corrupt) {
      this.log.warn(
        { file: KNOWN_PEERS_FILE, movedTo: known.corrupt.movedTo, reason: known.corrupt.reason },
        `${KNOWN_PEERS_FILE} in the data dir is unreadable (${known.corrupt.reason})${known.corrupt.movedTo ? `; moved it to ${known.corrupt.movedTo}` : ''}: the peers of the last run are lost, so this node joins through its ticket or services, and without either it runs alone`,
      );
    }
    const transport = new GrpcGossipTransport({ clients: this.clients, caOf: (id) => this.caOf(id) });
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
        // A restart publishes a newer version than anything of ours still in circulation. With the
        // file lost, the last version is unknown: the clock (ms) is past any count of changes.
        version: known.corrupt ? Math.max(known.version + 1, Math.floor(this.c.clock.now())) : known.version + 1,
      },
      this.options,
    );
    this.membership.onEvent((event) => this.reactTo(event));
    this.membership.onRemoval((removal) => this.onRemoval(removal));
    this.membership.restoreRemovals(known.removals ?? []);
    this.membership.start();
    this.schedulePersist();
    this.scheduleSweep();
  }

  /**
   * Joins the network at start: through the peers the last run knew, else the ticket, else the
   * services. Partial success is success; having nothing to join through is not an error (a
   * first node). Throws only when every configured way in failed.
   */
  async joinAtStart(settings: JoinSettings): Promise<{ via: string; failures: string[] }> {
    const failures: string[] = [];
    const membership = this.running();
    // Periodic joins whatever happens at start: they are how islands merge later.
    const joiner = this.startServiceJoins(settings);
    const known = this.persisted.filter((r) => r.nodeId !== this.c.ca.nodeId && r.cluster === this.c.cluster && !membership.removalOf(r.nodeId));
    if (known.length > 0) {
      for (const record of known) this.c.trust.set(record.nodeId, caPins(record));
      this.c.trust.flush();
      const result = await membership.join(known);
      if (result.joined.length > 0) return { via: `known peers (${result.joined.length} answered)`, failures };
      failures.push(`none of ${known.length} known peers answered`);
      // Our CA rotated: maybe while they never heard of it (we were away for the whole grace
      // period), so their gossip ports refuse our leaves. Prove it on their register ports.
      if (this.caRotated()) {
        const via = await this.rejoin(known, failures);
        if (via) return { via, failures };
      }
    }
    if (settings.ticket) {
      try {
        const success = await joinWithTicket(settings.ticket, this.joinOptions());
        await this.welcomed(success.welcome);
        return { via: `ticket (${success.address})`, failures };
      } catch (error) {
        failures.push(`ticket: ${(error as Error).message}`);
      }
    }
    if (joiner && settings.services.length > 0 && (settings.token || membership.members().length > 0)) {
      const round = await joiner.round();
      const landed = round.outcomes.find(({ outcome }) => outcome.kind === 'joined' || outcome.kind === 'exchanged');
      if (landed) return { via: `service ${landed.address}`, failures };
      for (const { address, outcome } of round.outcomes) failures.push(`service ${address}: ${describeOutcome(outcome)}`);
      // Nothing but ourselves (or nothing ready) behind the services: with a token we were given,
      // we are the first node (kubeadm init --token). The periodic joins find the others later.
      if (settings.token && !anotherNodeAnswered(round) && membership.members().length === 0) {
        this.log.info({ services: settings.services, failures, retryEveryMs: joiner.options.intervalMs }, 'no other node answered at the services: starting as the first node, and joining them periodically');
        return { via: 'none (first node; services answered by no other node)', failures };
      }
    }
    if (failures.length > 0 && membership.members().length === 0) {
      throw new JoinConnectBackError(`could not join the network: ${failures.join('; ')}`);
    }
    if (this.hadPeers && membership.members().length === 0) {
      // Not a first node: the peers it had are gone from the file (or none could be used), and
      // nothing else was configured. The rest of the network may be listing it as left.
      this.log.warn(
        { file: KNOWN_PEERS_FILE },
        'this node had peers before but found none to rejoin through and has no ticket (--join) or services (--services): it runs alone, split from its network',
      );
      return { via: 'none (had peers before; running alone)', failures };
    }
    return { via: 'none (first node)', failures };
  }

  /**
   * Creates and starts the periodic service joins (the first round is the caller's, at start).
   * They run even with no service configured: members may publish services (the seed's exchange
   * of service lists). Undefined when periodic joins are off (no serviceJoin settings).
   */
  private startServiceJoins(settings: JoinSettings): ServiceJoiner | undefined {
    const options = this.c.serviceJoin;
    if (!options || this.serviceJoiner) return this.serviceJoiner;
    this.serviceJoiner = new ServiceJoiner(
      {
        clock: this.c.clock,
        random: this.c.random,
        log: this.log,
        services: () => this.serviceAddresses(settings.services),
        attempt: (address) => this.attemptService(address, settings.token),
      },
      { ...options, attemptsPerService: SERVICE_ATTEMPTS, maxServicesPerRound: MAX_SERVICES_PER_ROUND },
    );
    this.serviceJoiner.start();
    return this.serviceJoiner;
  }

  /** Ours first, then the well-known addresses members publish in their records (the seed's service exchange). */
  private serviceAddresses(own: readonly string[]): string[] {
    const published = this.members()
      .filter((m) => m.state === 'alive')
      .flatMap((m) => m.record.services)
      .filter(isServiceAddress);
    return [...new Set([...own, ...published])];
  }

  /**
   * One attempt at a service address: WhoAmI says who answered; ourselves, a member (one exchange
   * with it over the gossip port), or a node we do not know (the register handshake with our
   * token at its own register addresses, then its sample of peers: two networks of the cluster
   * merge).
   */
  private async attemptService(address: string, token: string): Promise<ServiceJoinOutcome> {
    const membership = this.membership;
    if (!membership?.running) return { kind: 'failed', answered: false, code: 'ERR_NODE_STATE', message: 'membership is not running' };
    try {
      const node = await identifyService(address);
      if (node.nodeId === this.c.ca.nodeId) return { kind: 'self' };
      if (node.cluster !== this.c.cluster) return { kind: 'failed', answered: true, code: 'ERR_CLUSTER_MISMATCH', message: `node ${node.nodeId} behind ${address} is in cluster "${node.cluster}", not "${this.c.cluster}"` };
      if (membership.removalOf(node.nodeId)) return { kind: 'skipped', nodeId: node.nodeId, reason: 'it was removed from the network' };
      const member = membership.member(node.nodeId);
      if (member) {
        const result = await membership.join([member.record]);
        if (result.joined.length > 0) return { kind: 'exchanged', nodeId: node.nodeId };
        const error = result.failures[0]?.error as Error | undefined;
        return { kind: 'failed', answered: false, code: 'ERR_EXCHANGE_FAILED', message: `exchange with member ${node.nodeId}: ${error?.message ?? 'no answer'}` };
      }
      if (!token) return { kind: 'skipped', nodeId: node.nodeId, reason: 'a node this one does not know, and no token (G2G_TOKEN) to join it with' };
      const success = await joinTargets(serviceJoinTargets(address, node), token, this.joinOptions());
      await this.welcomed(success.welcome);
      return { kind: 'joined', nodeId: node.nodeId };
    } catch (error) {
      // Of several addresses, the refusal that says most (the service address may reach another node).
      const failures = error instanceof JoinFailedError ? error.failures : [describeFailure(address, error)];
      const failure = failures.find((f) => !TRANSIENT_CODES.has(f.code)) ?? failures[failures.length - 1]!;
      return { kind: 'failed', answered: !TRANSIENT_CODES.has(failure.code), code: failure.code, message: failure.message };
    }
  }

  private joinOptions() {
    return {
      cluster: this.c.cluster,
      record: recordToWire(this.running().localRecord()),
      sign: caSigner(this.ca.keyPem),
      clock: this.c.clock,
      random: this.c.random,
      retryWithinMs: this.c.joinRetryWithinMs ?? 0,
      log: this.log,
      // The node connects back to our gossip port before welcoming a server: trust it first.
      onNodeProven: (node: SeedIdentity) => {
        this.pendingCas.set(node.nodeId, node.caCertPem);
        this.c.trust.set(node.nodeId, node.caCertPem);
        this.c.trust.flush();
      },
    };
  }

  /** Takes in a welcome: the node and its sample of peers, and our address as it saw us. */
  private async welcomed(welcome: JoinWelcomeResult): Promise<void> {
    const membership = this.running();
    if (welcome.connectBackError && this.c.mode === 'server') {
      throw new JoinConnectBackError(`the node could not reach our gossip port: ${welcome.connectBackError}`);
    }
    const local = membership.localRecord();
    if (welcome.observedAddress && !local.addresses.includes(welcome.observedAddress)) {
      this.log.info({ observed: welcome.observedAddress, advertised: local.addresses }, 'adding the address the network sees us at');
      membership.updateLocal({ addresses: [...local.addresses, welcome.observedAddress] });
    }
    const seeds = [welcome.server, ...welcome.peers].map(recordFromWire);
    for (const seed of seeds) this.pendingCas.set(seed.nodeId, caPins(seed));
    await membership.join(seeds);
  }

  /**
   * Register-port admission of a newcomer that proved its token: check its record, connect back
   * to a server-mode newcomer's gossip port (its advertised addresses, then the address we see
   * it at), and add it to membership.
   */
  async admit(request: AdmitRequest): Promise<AdmitOutcome> {
    const membership = this.running();
    const record = recordFromWire(request.record);
    if (!this.auth.verifyRecord(record)) return { refused: new AdmissionRefusedError("the newcomer's record is not signed by its node CA") };
    const removal = membership.removalOf(record.nodeId);
    if (removal) {
      // A removed node rejoins only with a ticket issued after its removal: its old tokens are refused.
      if (!(request.tokenIssuedAtMs > removal.issuedAtMs)) return { refused: new AdmissionRefusedError(removedNotice(removal)) };
      membership.reinstate(record.nodeId);
      this.log.info({ nodeId: record.nodeId, tokenId: request.tokenId }, 'a removed node was admitted again with a newer ticket: reinstated');
    }
    if (membership.isTombstoned(record.nodeId, record.version)) {
      return { refused: new AdmissionRefusedError(`node ${record.nodeId} was removed from the network`) };
    }
    this.pendingCas.set(record.nodeId, caPins(record));
    this.c.trust.set(record.nodeId, caPins(record));
    let connectBackError: string | undefined;
    if (request.mode === 'server') {
      // Reachable only at the address we see it at is fine: it learns that address from the
      // welcome and publishes it in its next record version.
      const reached = await this.connectBack(record, request.observedAddress, request.signal);
      if (reached === undefined) {
        connectBackError = `no answer on the gossip port ${record.gossipPort} at ${[...record.addresses, request.observedAddress].join(', ')}`;
      }
    }
    if (connectBackError) {
      this.pendingCas.delete(record.nodeId);
      if (!membership.member(record.nodeId)) this.c.trust.remove(record.nodeId);
      return { peers: [], services: [], admittedMode: 'client', connectBackError };
    }
    const outcome = membership.admit(record, { announce: true });
    if (outcome === 'invalid' || outcome === 'tombstoned' || outcome === 'rejected') {
      return { refused: new AdmissionRefusedError(`membership refused the newcomer's record (${outcome})`) };
    }
    // Its first exchange follows the welcome: its CA must be in our TLS bundle by then. Waiting
    // for the debounced rebuild, rather than forcing one per newcomer, keeps a burst of
    // registrations from rebuilding the bundle (a secure context over every member CA) each time.
    await this.c.trust.settled();
    const peers = this.welcomePeers(record.nodeId);
    // Records also advertise plugin services by name; a newcomer joins through addresses only.
    const services = [...new Set([...this.c.services, ...membership.members().flatMap((m) => m.record.services)])].filter(isServiceAddress).slice(0, WELCOME_SAMPLE);
    return { peers, services, admittedMode: request.mode };
  }

  /**
   * Register.Rejoin: a member proved that its node CA rotated (its lineage, from its node id) and
   * that it holds the new key. Take its record if it is a member we know (in membership, or still
   * trusted after it was dropped), not removed, its lineage continues the CA we know for it, and it
   * does not promote itself from client to server; then the gossip port trusts its new CA at once.
   */
  async readmit(request: ReadmitRequest): Promise<ReadmitOutcome> {
    if (this.c.caRejoin === 'ticket') {
      return { refused: new RejoinNeedsTicketError('this node lets a member whose node CA changed back in only with a new ticket (caRejoin = ticket)') };
    }
    const membership = this.running();
    const record = recordFromWire(request.record);
    const id = record.nodeId;
    if (id === this.c.ca.nodeId) return { refused: new RejoinRefusedError('a node does not rejoin itself') };
    if (!this.auth.verifyRecord(record)) return { refused: new InvalidRecordError("the member's record is not signed by the node CA its lineage proves") };
    const removal = membership.removalOf(id);
    if (removal) return { refused: new RejoinRefusedError(removedNotice(removal)) };
    const held = membership.member(id)?.record;
    const knownPins = held ? caPins(held) : this.c.trust.caOf(id);
    if (!knownPins) return { refused: new RejoinRefusedError(`node ${id} is not a member this node knows; a newcomer joins with a ticket`) };
    const known = new Set(splitPemBundle(knownPins).map(certFingerprint));
    const lineage = record.caLineage?.length ? record.caLineage.map((e) => e.caCertPem) : [record.caCertPem];
    if (!lineage.some((pem) => known.has(certFingerprint(pem)))) {
      return { refused: new RejoinRefusedError(`node ${id}'s CA lineage does not pass through the CA this node knows for it`) };
    }
    if (held?.mode === 'client' && record.mode === 'server') {
      return { refused: new RejoinRefusedError(`node ${id} is a client-mode member and may not come back as a server`) };
    }
    const outcome = membership.admit(record, { announce: true });
    if (outcome === 'invalid' || outcome === 'tombstoned' || outcome === 'rejected') {
      return { refused: new RejoinRefusedError(`membership refused node ${id}'s record (${outcome})`) };
    }
    if (outcome !== 'added' && outcome !== 'updated') {
      // We hold a version at least as new (it restarted from an older save): trust the CA it
      // proved beside the one our copy names, until its newer record arrives.
      this.rejoinedCas.set(id, caPins(record));
      this.c.trust.set(id, this.pinsOf(id, caPins(held ?? record)));
    }
    await this.c.trust.settled();
    this.log.info({ nodeId: id, caFingerprint: certFingerprint(record.caCertPem), outcome }, 'a member proved its node-CA rotation on the register port: its new CA is trusted');
    return { peers: this.welcomePeers(id) };
  }

  /** Up to WELCOME_SAMPLE alive members other than `newcomer`, for its welcome. */
  private welcomePeers(newcomer: string) {
    return this.running()
      .members()
      .filter((m) => m.state === 'alive' && m.nodeId !== newcomer)
      .slice(0, WELCOME_SAMPLE)
      .map((m) => recordToWire(m.record));
  }

  /**
   * Our CA rotated out of our peers' sight: Register.Rejoin at the register ports of `records`
   * (peers we knew) until one takes our record, then gossip through it and its sample. Returns how
   * we got in, or undefined (each failure is added to `failures`).
   */
  private async rejoin(records: readonly NodeRecord[], failures: string[]): Promise<string | undefined> {
    const targets: RejoinTarget[] = records
      .filter((r) => r.mode === 'server' && r.registerPort > 0 && r.nodeId !== this.c.ca.nodeId)
      .flatMap((r) => r.addresses.map((host) => ({ address: formatTicketAddress({ host, port: r.registerPort }), identity: { nodeId: r.nodeId, caCertPem: caPins(r) } })));
    if (targets.length === 0) return undefined;
    this.rejoining = true;
    this.lastRejoinAttemptMs = this.c.clock.now();
    try {
      const success = await rejoinTargets(targets, {
        cluster: this.c.cluster,
        record: recordToWire(this.running().localRecord()),
        sign: caSigner(this.ca.keyPem),
        log: this.log,
      });
      const seeds = [success.welcome.server, ...success.welcome.peers].map(recordFromWire);
      for (const seed of seeds) this.pendingCas.set(seed.nodeId, caPins(seed));
      const joined = await this.running().join(seeds);
      this.log.warn({ via: success.address, nodeId: success.nodeId, gossipedWith: joined.joined.length }, 'rejoined after a node-CA rotation our peers had not heard of (proved on the register port)');
      return `rejoin at ${success.address} (our node CA changed while we were away)`;
    } catch (error) {
      failures.push(`rejoin: ${(error as Error).message}`);
      return undefined;
    } finally {
      this.rejoining = false;
    }
  }

  /** Whether our node CA was ever rotated (then our peers may not know the current one). */
  private caRotated(): boolean {
    return (this.ca.lineage?.length ?? 0) > 1;
  }

  /** Called every few intervals: a node cut off since its CA rotated proves it at its peers' register ports. */
  private checkIsolation(): void {
    const membership = this.membership;
    if (!membership?.running || this.rejoining || !this.caRotated()) return;
    const now = this.c.clock.now();
    const quiet = ISOLATION_INTERVALS * this.options.intervalMs;
    if (now - membership.lastContactMs() < quiet || now - this.lastRejoinAttemptMs < quiet) return;
    const peers = membership.members().filter((m) => !membership.removalOf(m.nodeId)).map((m) => m.record);
    if (peers.length === 0) return;
    const failures: string[] = [];
    void this.rejoin(peers, failures).then((via) => {
      if (!via) this.log.warn({ failures }, 'cut off since our node CA rotated, and no peer took our proof on its register port; retrying later');
    });
  }

  /** The CA pins for `nodeId`: its record's, plus a CA it proved on Register.Rejoin that its record does not name yet. */
  private pinsOf(nodeId: string, recordPins: string): string {
    const proven = this.rejoinedCas.get(nodeId);
    if (!proven) return recordPins;
    const have = new Set(splitPemBundle(recordPins).map(certFingerprint));
    if (splitPemBundle(proven).every((pem) => have.has(certFingerprint(pem)))) {
      this.rejoinedCas.delete(nodeId);
      return recordPins;
    }
    return joinPemBundle([...splitPemBundle(recordPins), ...splitPemBundle(proven)]);
  }

  /** The first of the newcomer's addresses (advertised, then observed) whose gossip port answers. */
  private async connectBack(record: NodeRecord, observed: string, signal: AbortSignal): Promise<string | undefined> {
    const transport = new GrpcGossipTransport({ clients: new PeerClients(this.c.identity), caOf: () => caPins(record) });
    const candidates = [...new Set([...record.addresses, observed].filter(Boolean))];
    try {
      for (const address of candidates) {
        if (signal.aborted) return undefined;
        try {
          const pong = await transport.ping({ nodeId: record.nodeId, addresses: [address], gossipPort: record.gossipPort }, { nonce: 1 }, { timeoutMs: CONNECT_BACK_TIMEOUT_MS });
          if (pong.nodeId === record.nodeId) return address;
        } catch {
          // Try the next address.
        }
      }
      return undefined;
    } finally {
      transport.close();
    }
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

  /** Gossip's messages, bytes and decisions since start (empty until membership started). */
  /** Local health awareness (score, multiplier, loop lag); undefined until membership runs. */
  localHealth(): LocalHealthView | undefined {
    return this.membership?.localHealth();
  }

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
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
      .map((m) => ({ ...targetOf(m.record), caCertPem: this.pinsOf(m.nodeId, caPins(m.record)) }));
  }

  /** The per-peer channels (shared by membership, token sync and the client pool). */
  get peerClients(): PeerClients {
    return this.clients;
  }

  /** A TokenSync client on the peer's pooled channel. */
  tokenSyncClient(nodeId: string): TokenSyncClient | undefined {
    const record = this.membership?.member(nodeId)?.record;
    return record ? this.clients.tokenSync({ ...targetOf(record), caCertPem: this.pinsOf(nodeId, caPins(record)) }) : undefined;
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
    await this.persist();
    const outcome = await leaving;
    if (outcome && outcome.told === 0 && outcome.peers > 0) this.log.warn(outcome, 'left, but no peer that stays took the leave: the others will see this node die');
    else if (outcome) this.log.info(outcome, 'left the network');
    this.shutdown();
  }

  /** Stops without telling anyone (a crash looks like this to the others). */
  stop(): void {
    this.membership?.stop();
    this.loopLag.stop?.();
    this.shutdown();
  }

  /**
   * Every SWEEP_INTERVALS gossip intervals, closes channels to peers that left or were removed
   * (see PeerClients.sweep). Dead peers keep theirs: membership still tries to reconnect to them.
   */
  private scheduleSweep(): void {
    this.sweepTimer = this.c.clock.setTimeout(() => {
      const membership = this.membership;
      if (!membership) return;
      const closed = this.clients.sweep((nodeId) => {
        const state = membership.stateOf(nodeId);
        return state === 'left' || (state === undefined && membership.isTombstoned(nodeId));
      });
      if (closed > 0) this.log.debug({ closed }, 'closed channels to departed peers');
      this.scheduleSweep();
    }, SWEEP_INTERVALS * this.options.intervalMs);
  }

  private shutdown(): void {
    this.serviceJoiner?.stop();
    this.sweepTimer?.cancel();
    this.persistTimer?.cancel();
    for (const timer of this.untrustTimers.values()) timer.cancel();
    this.untrustTimers.clear();
    this.clients.closeAll();
  }

  private running(): Membership {
    if (!this.membership) throw new NodeStateError('membership has not started');
    return this.membership;
  }

  private caOf(nodeId: string): string | undefined {
    const record = this.membership?.member(nodeId)?.record;
    return record ? this.pinsOf(nodeId, caPins(record)) : this.pendingCas.get(nodeId);
  }

  private reactTo(event: MembershipEvent): void {
    const { nodeId, record } = event;
    switch (event.type) {
      case 'joined':
      case 'updated':
      case 'alive':
      case 'suspect':
        this.untrustTimers.get(nodeId)?.cancel();
        this.untrustTimers.delete(nodeId);
        this.pendingCas.delete(nodeId);
        this.c.trust.set(nodeId, this.pinsOf(nodeId, caPins(record)));
        // A rotated leaf: our channel to it moves to a fresh connection that verifies it.
        if (event.type === 'updated') this.clients.leafChanged(nodeId, record.leaf.fingerprint);
        break;
      case 'dead':
      case 'left':
        this.clients.drop(nodeId);
        break;
      case 'removed':
        this.clients.drop(nodeId);
        // Still trusted for the tombstone time: a node that left or died can come back through
        // its known peers with a newer record, without a new ticket.
        this.untrustTimers.get(nodeId)?.cancel();
        this.untrustTimers.set(
          nodeId,
          this.c.clock.setTimeout(() => {
            this.untrustTimers.delete(nodeId);
            if (!this.membership?.member(nodeId)) this.c.trust.remove(nodeId);
          }, this.options.tombstoneTtlMs),
        );
        break;
    }
    this.log.debug({ event: event.type, nodeId, state: event.state, by: event.by }, 'membership event');
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log.warn({ err: (error as Error).message }, 'membership listener threw');
      }
    }
  }

  /** A removal arrived (or we made one): the member is untrusted now, not after the tombstone time. */
  private onRemoval(removal: Removal): void {
    const id = removal.nodeId;
    if (id === this.c.ca.nodeId && !removal.reinstated) for (const listener of this.selfRemovalListeners) listener(removal);
    if (id === this.c.ca.nodeId || removal.reinstated) return;
    this.rejoinedCas.delete(id);
    this.untrustTimers.get(id)?.cancel();
    this.untrustTimers.delete(id);
    this.pendingCas.delete(id);
    this.clients.drop(id);
    this.c.trust.remove(id);
    void this.persist();
  }

  private schedulePersist(): void {
    this.persistTimer = this.c.clock.setTimeout(() => {
      this.checkIsolation();
      this.persist().finally(() => this.membership?.running && this.schedulePersist());
    }, this.options.intervalMs * PERSIST_INTERVALS);
  }

  private async persist(): Promise<void> {
    const membership = this.membership;
    if (!membership) return;
    // Dead members too: a node that was cut off (it holds everyone dead) and then stopped must
    // still come back through the peers it knew, not as a first node. Departed ones are gone.
    const peers = membership
      .members()
      .filter((m) => m.state !== 'left')
      .map((m) => m.record);
    await writeKnownPeers(this.c.dataDir, { version: membership.localRecord().version, peers, removals: membership.removals() }).catch((error: unknown) =>
      this.log.warn({ err: (error as Error).message }, 'could not save known peers'),
    );
  }
}

function describeOutcome(outcome: ServiceJoinOutcome): string {
  switch (outcome.kind) {
    case 'self':
      return 'routed this node to itself';
    case 'skipped':
      return `skipped node ${outcome.nodeId}: ${outcome.reason}`;
    case 'failed':
      return `${outcome.message} [${outcome.code}]`;
    default:
      return `${outcome.kind} ${outcome.nodeId}`;
  }
}

/** Why a removed node is refused: who removed it and when, and that a newer ticket brings it back. */
function removedNotice(removal: Removal): string {
  return `node ${removal.nodeId} was removed from the network by ${removal.remover.nodeId} at ${new Date(removal.issuedAtMs).toISOString()}; it can rejoin only with a ticket issued after that`;
}

/**
 * The CA certificates that vouch for a member now: its CA, plus during a CA rotation's grace
 * period the previous one, as one PEM bundle (for its pins and our trust bundle).
 */
export function caPins(record: Pick<NodeRecord, 'caCertPem' | 'previousCaCertPem'>): string {
  return record.previousCaCertPem ? joinPemBundle([record.caCertPem, record.previousCaCertPem]) : record.caCertPem;
}
