import type { NodeCa } from '../identity/node-ca';
import type { Logger } from '../log/logger';
import type { Membership, MemberView } from '../membership/membership';
import type { NodeMode, NodeRecord } from '../membership/node-record';
import type { MembershipOptions } from '../membership/options';
import { isServiceAddress } from '../config/formats';
import { describeFailure, type SeedIdentity } from '../register/join-client';
import { caSigner, type JoinWelcomeResult } from '../register/join-handshake';
import { serviceJoinTargets } from '../register/service-client';
import type { RejoinTarget } from '../register/rejoin-client';
import { grpcRegisterCalls, type RegisterCalls } from '../register/register-calls';
import { JoinFailedError } from '../register/errors';
import { formatTicketAddress } from '../tokens/join-ticket';
import { recordFromWire, recordToWire } from '../transport/gossip-wire';
import type { TrustStore } from '../transport/trust-store';
import type { Clock } from '../util/clock';
import type { Random } from '../util/random';
import { anotherNodeAnswered, ServiceJoiner, type ServiceJoinOutcome } from './service-joiner';
import { KNOWN_PEERS_FILE } from './known-peers';
import { StartUpJoinError } from './errors';
import { caPins, type MembershipTrust } from './membership-trust';

export interface JoinSettings {
  /** A join ticket (used only when no known peer answers: a ticket is usually single-use). */
  ticket: string;
  /** Well-known register addresses, joined with `token` (at start, then periodically). */
  services: readonly string[];
  token: string;
}

export interface StartUpJoinComponents {
  cluster: string;
  mode: NodeMode;
  /** Our current node CA (a CA rotation replaces it; the node id never changes). */
  ca(): Pick<NodeCa, 'nodeId' | 'keyPem' | 'lineage'>;
  membership(): Membership;
  /** Membership once started (it may have stopped since), else undefined. */
  started(): Membership | undefined;
  trust: Pick<TrustStore, 'set' | 'flush'>;
  memberTrust: Pick<MembershipTrust, 'admitPending' | 'expect'>;
  clock: Clock;
  random: Random;
  log: Logger;
  options: MembershipOptions;
  /** Periodic service joins (serviceJoinInterval, serviceJoinJitter); none when absent. */
  serviceJoin?: { intervalMs: number; jitter: number };
  /** `joinRetryTime`: how long joining retries nodes that answer RESOURCE_EXHAUSTED (default: no retry). */
  joinRetryWithinMs?: number;
  /** WhoAmI, the join handshake and Register.Rejoin (default: over gRPC). */
  register?: RegisterCalls;
}

/** What the last run left: its peers, and whether it had any (membership.json listed some, or was unreadable). */
export interface LastRun {
  peers: readonly NodeRecord[];
  hadPeers: boolean;
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
/**
 * A node whose CA rotated and that has had no exchange with anyone for this many intervals tries
 * Register.Rejoin at its peers (at most once per this many intervals): its peers may never have
 * heard of its new CA (it was cut off for the whole grace period).
 */
const ISOLATION_INTERVALS = 30;

/**
 * How a node gets into the network: at start through the peers the last run knew, a ticket or
 * the well-known services; afterwards by periodic service joins (islands merge) and, when its
 * node CA rotated while it was cut off, by proving the rotation on its peers' register ports.
 */
export class StartUpJoin {
  private serviceJoiner: ServiceJoiner | undefined;
  private rejoining = false;
  private lastRejoinAttemptMs = 0;
  private readonly calls: RegisterCalls;

  constructor(private readonly c: StartUpJoinComponents) {
    this.calls = c.register ?? grpcRegisterCalls;
  }

  /**
   * Joins the network at start: through the peers the last run knew, else the ticket, else the
   * services. Partial success is success; having nothing to join through is not an error (a
   * first node). Throws only when every configured way in failed.
   */
  async joinAtStart(settings: JoinSettings, lastRun: LastRun): Promise<{ via: string; failures: string[] }> {
    const failures: string[] = [];
    const membership = this.c.membership();
    const nodeId = this.c.ca().nodeId;
    // Periodic joins whatever happens at start: they are how islands merge later.
    const joiner = this.startServiceJoins(settings);
    const known = lastRun.peers.filter((r) => r.nodeId !== nodeId && r.cluster === this.c.cluster && !membership.removalOf(r.nodeId));
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
        const success = await this.calls.joinWithTicket(settings.ticket, this.joinOptions());
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
        this.c.log.info({ services: settings.services, failures, retryEveryMs: joiner.options.intervalMs }, 'no other node answered at the services: starting as the first node, and joining them periodically');
        return { via: 'none (first node; services answered by no other node)', failures };
      }
    }
    if (failures.length > 0 && membership.members().length === 0) {
      throw new StartUpJoinError(`could not join the network: ${failures.join('; ')}`);
    }
    if (lastRun.hadPeers && membership.members().length === 0) {
      // Not a first node: the peers it had are gone from the file (or none could be used), and
      // nothing else was configured. The rest of the network may be listing it as left.
      this.c.log.warn(
        { file: KNOWN_PEERS_FILE },
        'this node had peers before but found none to rejoin through and has no ticket (--join) or services (--services): it runs alone, split from its network',
      );
      return { via: 'none (had peers before; running alone)', failures };
    }
    return { via: 'none (first node)', failures };
  }

  stop(): void {
    this.serviceJoiner?.stop();
  }

  /** Called every few intervals: a node cut off since its CA rotated proves it at its peers' register ports. */
  checkIsolation(): void {
    const membership = this.c.started();
    if (!membership?.running || this.rejoining || !this.caRotated()) return;
    const now = this.c.clock.now();
    const quiet = ISOLATION_INTERVALS * this.c.options.intervalMs;
    if (now - membership.lastContactMs() < quiet || now - this.lastRejoinAttemptMs < quiet) return;
    const peers = membership.members().filter((m) => !membership.removalOf(m.nodeId)).map((m) => m.record);
    if (peers.length === 0) return;
    const failures: string[] = [];
    void this.rejoin(peers, failures).then((via) => {
      if (!via) this.c.log.warn({ failures }, 'cut off since our node CA rotated, and no peer took our proof on its register port; retrying later');
    });
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
        log: this.c.log,
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
    const members: MemberView[] = this.c.started()?.members() ?? [];
    const published = members
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
    const membership = this.c.started();
    if (!membership?.running) return { kind: 'failed', answered: false, code: 'ERR_NODE_STATE', message: 'membership is not running' };
    try {
      const node = await this.calls.identifyService(address);
      if (node.nodeId === this.c.ca().nodeId) return { kind: 'self' };
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
      const success = await this.calls.joinTargets(serviceJoinTargets(address, node), token, this.joinOptions());
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
      record: recordToWire(this.c.membership().localRecord()),
      sign: caSigner(this.c.ca().keyPem),
      clock: this.c.clock,
      random: this.c.random,
      retryWithinMs: this.c.joinRetryWithinMs ?? 0,
      log: this.c.log,
      // The node connects back to our gossip port before welcoming a server: trust it first.
      onNodeProven: (node: SeedIdentity) => {
        this.c.memberTrust.admitPending(node.nodeId, node.caCertPem);
        this.c.trust.flush();
      },
    };
  }

  /** Takes in a welcome: the node and its sample of peers, and our address as it saw us. */
  private async welcomed(welcome: JoinWelcomeResult): Promise<void> {
    const membership = this.c.membership();
    if (welcome.connectBackError && this.c.mode === 'server') {
      throw new StartUpJoinError(`the node could not reach our gossip port: ${welcome.connectBackError}`);
    }
    const local = membership.localRecord();
    if (welcome.observedAddress && !local.addresses.includes(welcome.observedAddress)) {
      this.c.log.info({ observed: welcome.observedAddress, advertised: local.addresses }, 'adding the address the network sees us at');
      membership.updateLocal({ addresses: [...local.addresses, welcome.observedAddress] });
    }
    const seeds = [welcome.server, ...welcome.peers].map(recordFromWire);
    for (const seed of seeds) this.c.memberTrust.expect(seed.nodeId, caPins(seed));
    await membership.join(seeds);
  }

  /**
   * Our CA rotated out of our peers' sight: Register.Rejoin at the register ports of `records`
   * (peers we knew) until one takes our record, then gossip through it and its sample. Returns how
   * we got in, or undefined (each failure is added to `failures`).
   */
  private async rejoin(records: readonly NodeRecord[], failures: string[]): Promise<string | undefined> {
    const nodeId = this.c.ca().nodeId;
    const targets: RejoinTarget[] = records
      .filter((r) => r.mode === 'server' && r.registerPort > 0 && r.nodeId !== nodeId)
      .flatMap((r) => r.addresses.map((host) => ({ address: formatTicketAddress({ host, port: r.registerPort }), identity: { nodeId: r.nodeId, caCertPem: caPins(r) } })));
    if (targets.length === 0) return undefined;
    this.rejoining = true;
    this.lastRejoinAttemptMs = this.c.clock.now();
    try {
      const success = await this.calls.rejoinTargets(targets, {
        cluster: this.c.cluster,
        record: recordToWire(this.c.membership().localRecord()),
        sign: caSigner(this.c.ca().keyPem),
        log: this.c.log,
      });
      const seeds = [success.welcome.server, ...success.welcome.peers].map(recordFromWire);
      for (const seed of seeds) this.c.memberTrust.expect(seed.nodeId, caPins(seed));
      const joined = await this.c.membership().join(seeds);
      this.c.log.warn({ via: success.address, nodeId: success.nodeId, gossipedWith: joined.joined.length }, 'rejoined after a node-CA rotation our peers had not heard of (proved on the register port)');
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
    return (this.c.ca().lineage?.length ?? 0) > 1;
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
