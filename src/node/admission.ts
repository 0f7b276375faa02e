import { certFingerprint, splitPemBundle } from '../identity/cert-info';
import type { Logger } from '../log/logger';
import type { Membership } from '../membership/membership';
import type { NodeRecord } from '../membership/node-record';
import type { RecordAuthenticator } from '../membership/record-authenticator';
import type { Removal } from '../membership/removal';
import { isServiceAddress } from '../config/formats';
import { InvalidRecordError, RejoinNeedsTicketError, RejoinRefusedError } from '../register/errors';
import type { AdmitOutcome, AdmitRequest } from '../register/register-service';
import type { ReadmitOutcome, ReadmitRequest } from '../register/rejoin-service';
import { recordFromWire, recordToWire } from '../transport/gossip-wire';
import type { TrustStore } from '../transport/trust-store';
import { AdmissionRefusedError } from './errors';
import { caPins, type MembershipTrust } from './membership-trust';
import type { GossipTransportFactory } from './gossip-transport-factory';

export interface AdmissionComponents {
  /** Our node id (a node does not rejoin itself). */
  nodeId: string;
  /** Well-known addresses handed to newcomers in the welcome, before those members publish. */
  services: readonly string[];
  /** `caRejoin`: whether a member whose node CA rotated out of our sight may prove it ('proof') or needs a new ticket. */
  caRejoin?: 'proof' | 'ticket';
  membership(): Membership;
  auth: Pick<RecordAuthenticator, 'verifyRecord'>;
  trust: TrustStore;
  memberTrust: MembershipTrust;
  /** A one-off gossip transport for the connect-back ping (its own channel, closed after). */
  transport: GossipTransportFactory;
  log: Logger;
}

/** Peers handed to a newcomer in its welcome. */
const WELCOME_SAMPLE = 32;
/**
 * Deadline of the connect-back ping, which opens a new TLS connection (RSA handshakes) to a
 * newcomer: once per join, so generous, to hold on a loaded machine or a slow link.
 */
const CONNECT_BACK_TIMEOUT_MS = 5000;

/**
 * The register port's decisions about who gets in: a newcomer that proved its token (its record
 * checked, a server-mode newcomer's gossip port reached back), and a member that proved its
 * node-CA rotation on Register.Rejoin.
 */
export class Admission {
  constructor(private readonly c: AdmissionComponents) {}

  /**
   * Register-port admission of a newcomer that proved its token: check its record, connect back
   * to a server-mode newcomer's gossip port (its advertised addresses, then the address we see
   * it at), and add it to membership.
   */
  async admit(request: AdmitRequest): Promise<AdmitOutcome> {
    const membership = this.c.membership();
    const record = recordFromWire(request.record);
    if (!this.c.auth.verifyRecord(record)) return { refused: new AdmissionRefusedError("the newcomer's record is not signed by its node CA") };
    const removal = membership.removalOf(record.nodeId);
    if (removal) {
      // A removed node rejoins only with a ticket issued after its removal: its old tokens are refused.
      if (!(request.tokenIssuedAtMs > removal.issuedAtMs)) return { refused: new AdmissionRefusedError(removedNotice(removal)) };
      membership.reinstate(record.nodeId);
      this.c.log.info({ nodeId: record.nodeId, tokenId: request.tokenId }, 'a removed node was admitted again with a newer ticket: reinstated');
    }
    if (membership.isTombstoned(record.nodeId, record.version)) {
      return { refused: new AdmissionRefusedError(`node ${record.nodeId} was removed from the network`) };
    }
    this.c.memberTrust.admitPending(record.nodeId, caPins(record));
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
      this.c.memberTrust.abandonPending(record.nodeId);
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
    const membership = this.c.membership();
    const record = recordFromWire(request.record);
    const id = record.nodeId;
    if (id === this.c.nodeId) return { refused: new RejoinRefusedError('a node does not rejoin itself') };
    if (!this.c.auth.verifyRecord(record)) return { refused: new InvalidRecordError("the member's record is not signed by the node CA its lineage proves") };
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
      this.c.memberTrust.proven(id, caPins(record), caPins(held ?? record));
    }
    await this.c.trust.settled();
    this.c.log.info({ nodeId: id, caFingerprint: certFingerprint(record.caCertPem), outcome }, 'a member proved its node-CA rotation on the register port: its new CA is trusted');
    return { peers: this.welcomePeers(id) };
  }

  /** Up to WELCOME_SAMPLE alive members other than `newcomer`, for its welcome. */
  private welcomePeers(newcomer: string) {
    return this.c
      .membership()
      .members()
      .filter((m) => m.state === 'alive' && m.nodeId !== newcomer)
      .slice(0, WELCOME_SAMPLE)
      .map((m) => recordToWire(m.record));
  }

  /** The first of the newcomer's addresses (advertised, then observed) whose gossip port answers. */
  private async connectBack(record: NodeRecord, observed: string, signal: AbortSignal): Promise<string | undefined> {
    const transport = this.c.transport.oneOff(() => caPins(record));
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
}

/** Why a removed node is refused: who removed it and when, and that a newer ticket brings it back. */
function removedNotice(removal: Removal): string {
  return `node ${removal.nodeId} was removed from the network by ${removal.remover.nodeId} at ${new Date(removal.issuedAtMs).toISOString()}; it can rejoin only with a ticket issued after that`;
}
