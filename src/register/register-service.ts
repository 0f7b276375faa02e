import * as grpc from '@grpc/grpc-js';
import { G2gError } from '../errors';
import type { Logger } from '../log/logger';
import type { NodeRecord, NodeRecord__Output } from '../proto/generated/g2g/v1/NodeRecord';
import type { RegisterHandlers } from '../proto/generated/g2g/v1/Register';
import { g2gProto } from '../proto/protos';
import type { TokenLease, UsableToken } from '../tokens/token-store';
import type { TokenMode } from '../tokens/token-entry';
import { connectionSocket } from '../transport/connection-identity';
import { parsePeerAddress } from '../transport/peer-address';
import type { Clock } from '../util/clock';
import { ClientProofError, JoinBusyError, JoinMalformedError, JoinThrottledError, JoinTimeoutError, RejoinNeedsTicketError } from './errors';
import { derFingerprint } from '../identity/cert-info';
import type { CaEndorsement } from '../identity/ca-lineage';
import { serveHandshake, type HandshakeGate, type HandshakeOutcome } from './handshake-call';
import { ServerHandshake } from './join-handshake';
import { DEFAULT_JOIN_THROTTLE, JoinThrottle, type JoinThrottleOptions } from './join-throttle';
import { encodeNodeRecord } from './record-codec';
import { tolerantMethod } from '../transport/malformed-request';
import { formatTicketAddress } from '../tokens/join-ticket';
import { rejoinHandler, type ReadmitOutcome, type ReadmitRequest } from './rejoin-service';

/**
 * Largest message the register port accepts (`grpc.max_receive_message_length`). The biggest
 * legitimate one is a hello: a NodeRecord (≤ 16 KiB, see MAX_JOIN_RECORD_BYTES) plus a few
 * dozen bytes; grpc-js refuses anything larger with RESOURCE_EXHAUSTED before it is parsed.
 */
export const REGISTER_MAX_RECEIVE_MESSAGE_BYTES = 20 * 1024;

/** Channel options for the register port's grpc.Server. */
export const REGISTER_SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.max_receive_message_length': REGISTER_MAX_RECEIVE_MESSAGE_BYTES,
};

/** What the node decides about an authenticated newcomer. */
export interface AdmitRequest {
  record: NodeRecord__Output;
  /** The record exactly as the newcomer sent (and MACed) it. */
  recordBytes: Buffer;
  /** The newcomer's IP as this node saw it. */
  observedAddress: string;
  /** The mode it asked for; its token allows it. */
  mode: TokenMode;
  tokenId: string;
  /** When the token's current secret was made (created or rotated): a removed node needs a newer one. */
  tokenIssuedAtMs: number;
  /** Aborted when the newcomer goes away or the node stops: stop connecting back. */
  signal: AbortSignal;
}

export type AdmitOutcome =
  | {
      /** A sample of peers and the services for the welcome. */
      peers: NodeRecord[];
      services: string[];
      /** The mode it was admitted in; default: the one it asked for. */
      admittedMode?: TokenMode;
      /** Why it was not admitted as it asked (e.g. its gossip port was unreachable). */
      connectBackError?: string;
    }
  | { refused: G2gError };

/** What the register port needs from the node (STYLE 2: the narrowest set). */
export interface RegisterComponents {
  nodeId: string;
  cluster: string;
  /**
   * This node's CA certificate (PEM) for WhoAmI: the CA that issued the leaf it presents (during a
   * node-CA rotation, the previous CA until leaves switch), and its lineage.
   */
  caCertPem: string | (() => string);
  caLineage?: () => readonly CaEndorsement[];
  /** This node's current record, as newcomers should see it. */
  selfRecord(): NodeRecord;
  tokens: {
    usable(id: string): UsableToken;
    reserve(id: string): TokenLease;
  };
  /**
   * `sha256:<hex>` of our current leaf. Used only if the certificate of the newcomer's own TLS
   * connection cannot be read (see presentedLeafFingerprint); then a handshake that straddles a
   * rotation fails and the newcomer retries.
   */
  currentLeafFingerprint(): string;
  /** Admits the newcomer (connect-back, membership); throw or return `refused` to refuse. */
  admit(request: AdmitRequest): Promise<AdmitOutcome>;
  /**
   * Takes the record of a member that proved a node-CA rotation on Register.Rejoin (known, not
   * removed, lineage continuing the CA we know); throw or return `refused` to refuse.
   */
  readmit?(request: ReadmitRequest): Promise<ReadmitOutcome>;
  clock: Clock;
  log: Logger;
  /** Each Join or Rejoin that ended admitted or refused (events and metrics). */
  onOutcome?: (outcome: HandshakeOutcome) => void;
}

export interface RegisterOptions {
  /** Time a newcomer has for each step of the handshake; admission itself is not counted. */
  stepTimeoutMs?: number;
  /**
   * Time a stream has for its hello: shorter than a step, because a newcomer sends it at once and
   * an idle stream holds a handshake slot. A stall counts as a failed attempt for the throttle.
   */
  helloTimeoutMs?: number;
  /** Handshakes in progress at most; more are refused with RESOURCE_EXHAUSTED. */
  maxConcurrentHandshakes?: number;
  /** Handshakes in progress from one source address at most (RESOURCE_EXHAUSTED beyond). */
  maxHandshakesPerSource?: number;
  throttle?: JoinThrottleOptions;
}

export const DEFAULT_STEP_TIMEOUT_MS = 10_000;
export const DEFAULT_HELLO_TIMEOUT_MS = 3_000;
export const DEFAULT_MAX_CONCURRENT_HANDSHAKES = 64;
export const DEFAULT_MAX_HANDSHAKES_PER_SOURCE = 4;

export interface RegisterService {
  /** The Register service definition, with undecodable Join messages turned into INVALID_ARGUMENT. */
  definition: grpc.ServiceDefinition;
  handlers: RegisterHandlers;
  /** Aborts handshakes in progress (node shutdown). Idempotent. */
  stop(): void;
}

/** The node's record, or undefined before membership has one (the port listens a moment earlier). */
function recordIfAny<T>(selfRecord: (() => T) | undefined): T | undefined {
  try {
    return selfRecord?.();
  } catch {
    return undefined;
  }
}

/** Most register addresses a WhoAmI answer lists (a newcomer dials each in turn). */
const MAX_REGISTER_ADDRESSES = 8;

/**
 * WhoAmI: the caller's address as this node sees it, and this node's id, cluster, CA, and where
 * its register port is (from its record, when `selfRecord` is given).
 */
export function registerHandlers(components: {
  nodeId: string;
  cluster: string;
  caCertPem?: string | (() => string);
  caLineage?: () => readonly CaEndorsement[];
  selfRecord?: () => Pick<NodeRecord, 'addresses' | 'registerPort'>;
}): Pick<RegisterHandlers, 'WhoAmI'> {
  return {
    WhoAmI(call, callback) {
      const { address, port } = parsePeerAddress(call.getPeer());
      const caCertPem = typeof components.caCertPem === 'function' ? components.caCertPem() : (components.caCertPem ?? '');
      const caLineage = (components.caLineage?.() ?? []).map((e) => ({ caCertPem: e.caCertPem, signature: Buffer.from(e.signature) }));
      const self = recordIfAny(components.selfRecord);
      const registerAddresses = self?.registerPort ? (self.addresses ?? []).slice(0, MAX_REGISTER_ADDRESSES).map((host) => formatTicketAddress({ host, port: self.registerPort! })) : [];
      callback(null, { address, port, nodeId: components.nodeId, cluster: components.cluster, caCertPem, caLineage, registerAddresses });
    },
  };
}

/** The register port's service: WhoAmI and the join handshake. */
export function registerService(components: RegisterComponents, options: RegisterOptions = {}): RegisterService {
  const log = components.log;
  const throttle = new JoinThrottle(components.clock, options.throttle ?? DEFAULT_JOIN_THROTTLE);
  const stepTimeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const helloTimeoutMs = Math.min(options.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS, stepTimeoutMs);
  const maxConcurrent = options.maxConcurrentHandshakes ?? DEFAULT_MAX_CONCURRENT_HANDSHAKES;
  const maxPerSource = options.maxHandshakesPerSource ?? DEFAULT_MAX_HANDSHAKES_PER_SOURCE;
  const inProgress = new Map<() => void, string>();
  const bySource = new Map<string, number>();
  let stopped = false;
  // Join and Rejoin share the throttle of failed proofs and the bounds on handshakes in progress.
  const gate: HandshakeGate = {
    enter(address, abortHandshake) {
      if (stopped) return new JoinBusyError('the node is shutting down');
      const sourceWait = throttle.retryAfterMs(address);
      if (sourceWait > 0) {
        const everyone = throttle.globalRetryAfterMs() > 0;
        return new JoinThrottledError(`too many failed joins ${everyone ? 'on this node' : `from ${address}`}; retry in ${Math.ceil(sourceWait / 1000)} s`);
      }
      if (inProgress.size >= maxConcurrent) return new JoinBusyError(`${maxConcurrent} joins are in progress on this node; retry shortly`);
      const fromSource = bySource.get(address) ?? 0;
      if (fromSource >= maxPerSource) return new JoinBusyError(`${maxPerSource} joins from ${address} are in progress; retry shortly`);
      inProgress.set(abortHandshake, address);
      bySource.set(address, fromSource + 1);
      return undefined;
    },
    leave(abortHandshake) {
      const address = inProgress.get(abortHandshake);
      if (address === undefined) return;
      inProgress.delete(abortHandshake);
      const left = (bySource.get(address) ?? 1) - 1;
      if (left > 0) bySource.set(address, left);
      else bySource.delete(address);
    },
    recordFailure: (address) => throttle.recordFailure(address),
  };

  const environment = { gate, clock: components.clock, log, stepTimeoutMs, helloTimeoutMs, onOutcome: components.onOutcome };
  const join: RegisterHandlers['Join'] = (call) => {
    let handshake: ServerHandshake | undefined;
    serveHandshake(call, {
      name: 'join',
      start: () =>
        (handshake = new ServerHandshake({
          cluster: components.cluster,
          tokens: components.tokens,
          serverRecordBytes: encodeNodeRecord(components.selfRecord()),
          leafFingerprint: presentedLeafFingerprint(call) ?? components.currentLeafFingerprint(),
        })),
      // Stalling after the server proof is how a guesser would behave: it counts as a failure.
      stalled: (awaiting) => (awaiting === 'client-proof' ? new ClientProofError(`no client proof within ${stepTimeoutMs} ms`) : new JoinTimeoutError(`no hello within ${helloTimeoutMs} ms`)),
      closedEarly: (awaiting) =>
        awaiting === 'client-proof'
          ? new ClientProofError('the newcomer gave up after the server proof (wrong token secret, or it does not trust this node)')
          : new JoinMalformedError('the newcomer closed the stream before sending a hello'),
      // A newcomer writes its hello at once and waits for its welcome: an idle stream it then
      // cancels, or one given up after the server proof, is how a flood or a guesser behaves.
      cancelIsFailure: (awaiting) => awaiting === 'client-proof' || awaiting === 'hello',
      noted: (message) => ({ tokenId: message.hello?.tokenId }),
      admit: async (newcomer, { observedAddress, signal, fields }) => {
        fields.tokenId = newcomer.tokenId;
        const tokenIssuedAtMs = components.tokens.usable(newcomer.tokenId).info.updatedAt;
        // Single-use tokens are spent on the first proof that verifies, before admission: a
        // newcomer that admission then refuses needs a new ticket, but no token admits twice.
        await components.tokens.reserve(newcomer.tokenId).commit();
        const outcome = await components.admit({
          record: newcomer.record,
          recordBytes: newcomer.recordBytes,
          observedAddress,
          mode: newcomer.mode,
          tokenId: newcomer.tokenId,
          tokenIssuedAtMs,
          signal,
        });
        if ('refused' in outcome) throw outcome.refused;
        const { peers, services, connectBackError } = outcome;
        const admittedMode = outcome.admittedMode ?? newcomer.mode;
        return {
          welcome: handshake!.welcome({ peers, services, observedAddress, admittedMode, connectBackError }),
          log: { fields: { nodeId: newcomer.record.nodeId, tokenId: newcomer.tokenId, mode: admittedMode, connectBackError: connectBackError || undefined }, message: 'newcomer admitted' },
        };
      },
    }, environment);
  };

  return {
    definition: registerServiceDefinition(),
    handlers: {
      ...registerHandlers(components),
      Join: join,
      Rejoin: rejoinHandler(
        { ...components, readmit: components.readmit ?? (async () => ({ refused: new RejoinNeedsTicketError('this node takes no rejoins; join with a ticket') })) },
        gate,
        { stepTimeoutMs, helloTimeoutMs, leafOf: presentedLeafFingerprint },
      ),
    },
    stop() {
      stopped = true;
      for (const abortHandshake of [...inProgress.keys()]) abortHandshake();
    },
  };
}

/** The Register service definition, with undecodable Join and Rejoin messages turned into INVALID_ARGUMENT. */
export function registerServiceDefinition(): grpc.ServiceDefinition {
  const base = g2gProto().g2g.v1.Register.service;
  return { ...base, Join: tolerantMethod(base.Join!), Rejoin: tolerantMethod(base.Rejoin!) };
}

/**
 * `sha256:<hex>` of the certificate this node presented on the call's TLS connection, read from
 * the connection itself so that a rotation between the TLS handshake and the hello cannot make
 * the two sides bind different leaves. grpc-js has no public accessor for the server's side of
 * the connection; the socket is found as the authorisation layer finds it (connection-identity.ts).
 */
export function presentedLeafFingerprint(call: unknown): string | undefined {
  const socket = connectionSocket((call as { call?: unknown }).call) ?? connectionSocket(call);
  const cert = socket?.getCertificate() as { raw?: Buffer } | null | undefined;
  return cert?.raw && cert.raw.length > 0 ? derFingerprint(cert.raw) : undefined;
}

