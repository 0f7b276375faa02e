import * as grpc from '@grpc/grpc-js';
import { G2gError } from '../errors';
import type { Logger } from '../log/logger';
import type { JoinMessage__Output } from '../proto/generated/g2g/v1/JoinMessage';
import type { NodeRecord, NodeRecord__Output } from '../proto/generated/g2g/v1/NodeRecord';
import type { RegisterHandlers } from '../proto/generated/g2g/v1/Register';
import { g2gProto } from '../proto/protos';
import type { TokenLease, UsableToken } from '../tokens/token-store';
import type { TokenMode } from '../tokens/token-entry';
import { connectionSocket } from '../transport/connection-identity';
import { parsePeerAddress } from '../transport/peer-address';
import { toServiceError } from '../transport/status-mapping';
import type { Clock, TimerHandle } from '../util/clock';
import { ClientProofError, JoinBusyError, JoinMalformedError, JoinThrottledError, JoinTimeoutError, RejoinNeedsTicketError } from './errors';
import { derFingerprint } from '../identity/cert-info';
import type { CaEndorsement } from '../identity/ca-lineage';
import { ServerHandshake, type AuthenticatedNewcomer } from './join-handshake';
import { isAuthenticationFailure, joinStatusFor } from './join-status';
import { DEFAULT_JOIN_THROTTLE, JoinThrottle, type JoinThrottleOptions } from './join-throttle';
import { encodeNodeRecord } from './record-codec';
import { MALFORMED, tolerantMethod, type MaybeMalformed } from './malformed-message';
import { rejoinHandler, type HandshakeGate, type ReadmitOutcome, type ReadmitRequest } from './rejoin-service';

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
}

export interface RegisterOptions {
  /** Time a newcomer has for each step of the handshake; admission itself is not counted. */
  stepTimeoutMs?: number;
  /** Handshakes in progress at most; more are refused with RESOURCE_EXHAUSTED. */
  maxConcurrentHandshakes?: number;
  throttle?: JoinThrottleOptions;
}

export const DEFAULT_STEP_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_CONCURRENT_HANDSHAKES = 64;

export interface RegisterService {
  /** The Register service definition, with undecodable Join messages turned into INVALID_ARGUMENT. */
  definition: grpc.ServiceDefinition;
  handlers: RegisterHandlers;
  /** Aborts handshakes in progress (node shutdown). Idempotent. */
  stop(): void;
}

/** WhoAmI: the caller's address as this node sees it, and this node's id, cluster and CA. */
export function registerHandlers(components: { nodeId: string; cluster: string; caCertPem?: string | (() => string); caLineage?: () => readonly CaEndorsement[] }): Pick<RegisterHandlers, 'WhoAmI'> {
  return {
    WhoAmI(call, callback) {
      const { address, port } = parsePeerAddress(call.getPeer());
      const caCertPem = typeof components.caCertPem === 'function' ? components.caCertPem() : (components.caCertPem ?? '');
      const caLineage = (components.caLineage?.() ?? []).map((e) => ({ caCertPem: e.caCertPem, signature: Buffer.from(e.signature) }));
      callback(null, { address, port, nodeId: components.nodeId, cluster: components.cluster, caCertPem, caLineage });
    },
  };
}

/** The register port's service: WhoAmI and the join handshake (DESIGN §3). */
export function registerService(components: RegisterComponents, options: RegisterOptions = {}): RegisterService {
  const log = components.log;
  const throttle = new JoinThrottle(components.clock, options.throttle ?? DEFAULT_JOIN_THROTTLE);
  const stepTimeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const maxConcurrent = options.maxConcurrentHandshakes ?? DEFAULT_MAX_CONCURRENT_HANDSHAKES;
  const inProgress = new Set<() => void>();
  let stopped = false;
  // Join and Rejoin share the throttle of failed proofs and the bound on handshakes in progress.
  const gate: HandshakeGate = {
    enter(address, abortHandshake) {
      const retryAfter = throttle.retryAfterMs(address);
      if (stopped) return new JoinBusyError('the node is shutting down');
      if (retryAfter > 0) return new JoinThrottledError(`too many failed joins from ${address}; retry in ${Math.ceil(retryAfter / 1000)} s`);
      if (inProgress.size >= maxConcurrent) return new JoinBusyError(`${maxConcurrent} joins are in progress on this node; retry shortly`);
      inProgress.add(abortHandshake);
      return undefined;
    },
    leave: (abortHandshake) => void inProgress.delete(abortHandshake),
    recordFailure: (address) => throttle.recordFailure(address),
  };

  const join: RegisterHandlers['Join'] = (call) => {
    const observedAddress = parsePeerAddress(call.getPeer()).address;
    const abort = new AbortController();
    let finished = false;
    let timer: TimerHandle | undefined;
    let lease: TokenLease | undefined;
    let tokenId: string | undefined;
    let handshake: ServerHandshake | undefined;

    const finish = (): boolean => {
      if (finished) return false;
      finished = true;
      timer?.cancel();
      lease?.release();
      gate.leave(abortHandshake);
      abort.abort();
      return true;
    };
    const fail = (error: unknown): void => {
      if (!finish()) return;
      const code = error instanceof G2gError ? error.code : 'ERR_INTERNAL';
      if (isAuthenticationFailure(code)) gate.recordFailure(observedAddress);
      // Authentication failures and cluster/admission refusals matter to an operator; malformed,
      // stalled and throttled streams are noise a scanner can make at will, so they go to debug.
      const level = isAuthenticationFailure(code) || code === 'ERR_CLUSTER_MISMATCH' || code === 'ERR_ADMISSION_REFUSED' ? 'info' : 'debug';
      log[level]({ peer: observedAddress, tokenId, code, reason: error instanceof G2gError ? error.message : undefined }, 'join refused');
      call.emit('error', toServiceError(error, log, joinStatusFor(code)));
    };
    const abortHandshake = () => fail(new JoinTimeoutError('the node is shutting down'));
    const armTimer = () => {
      timer?.cancel();
      const waitingFor = handshake?.awaiting === 'client-proof' ? 'a client proof' : 'a hello';
      timer = components.clock.setTimeout(() => {
        // Stalling after the server proof is how a guesser would behave: it counts as a failure.
        fail(handshake?.awaiting === 'client-proof'
          ? new ClientProofError(`no client proof within ${stepTimeoutMs} ms`)
          : new JoinTimeoutError(`no ${waitingFor.replace(/^a /, '')} within ${stepTimeoutMs} ms`));
      }, stepTimeoutMs);
    };

    const refusal = gate.enter(observedAddress, abortHandshake);
    if (refusal) return fail(refusal);

    try {
      handshake = new ServerHandshake({
        cluster: components.cluster,
        tokens: components.tokens,
        serverRecordBytes: encodeNodeRecord(components.selfRecord()),
        leafFingerprint: presentedLeafFingerprint(call) ?? components.currentLeafFingerprint(),
      });
    } catch (error) {
      return fail(error);
    }
    armTimer();

    const admit = async (newcomer: AuthenticatedNewcomer) => {
      tokenId = newcomer.tokenId;
      const tokenIssuedAtMs = components.tokens.usable(newcomer.tokenId).info.updatedAt;
      // Single-use tokens are spent on the first proof that verifies, before admission: a
      // newcomer that admission then refuses needs a new ticket, but no token admits twice.
      lease = components.tokens.reserve(newcomer.tokenId);
      await lease.commit();
      lease = undefined;
      const outcome = await components.admit({
        record: newcomer.record,
        recordBytes: newcomer.recordBytes,
        observedAddress,
        mode: newcomer.mode,
        tokenId: newcomer.tokenId,
        tokenIssuedAtMs,
        signal: abort.signal,
      });
      if ('refused' in outcome) throw outcome.refused;
      if (finished) return;
      const admittedMode = outcome.admittedMode ?? newcomer.mode;
      call.write(handshake!.welcome({
        peers: outcome.peers,
        services: outcome.services,
        observedAddress,
        admittedMode,
        connectBackError: outcome.connectBackError,
      }));
      finish();
      log.info({ peer: observedAddress, nodeId: newcomer.record.nodeId, tokenId: newcomer.tokenId, mode: admittedMode, connectBackError: outcome.connectBackError || undefined }, 'newcomer admitted');
      call.end();
    };

    call.on('data', (message: JoinMessage__Output & MaybeMalformed) => {
      if (finished) return;
      if (message[MALFORMED] !== undefined) return fail(new JoinMalformedError(`undecodable handshake message (${message[MALFORMED]})`));
      let step;
      try {
        step = handshake!.receive(message);
      } catch (error) {
        return fail(error);
      }
      if (step.kind === 'reply') {
        tokenId = message.hello?.tokenId;
        armTimer();
        call.write(step.message);
        return;
      }
      // Authenticated: the newcomer has nothing more to send; admission has no step timer (the
      // newcomer's deadline bounds it, and `signal` tells admission when the newcomer gives up).
      timer?.cancel();
      admit(step.newcomer).catch(fail);
    });
    call.on('end', () => {
      if (finished || handshake?.awaiting === 'authenticated') return;
      fail(handshake?.awaiting === 'client-proof'
        ? new ClientProofError('the newcomer gave up after the server proof (wrong token secret, or it does not trust this node)')
        : new JoinMalformedError('the newcomer closed the stream before sending a hello'));
    });
    call.on('cancelled', () => {
      if (finished) return;
      if (handshake?.awaiting === 'client-proof') gate.recordFailure(observedAddress);
      finish();
    });
  };

  return {
    definition: registerServiceDefinition(),
    handlers: {
      ...registerHandlers(components),
      Join: join,
      Rejoin: rejoinHandler(
        { ...components, readmit: components.readmit ?? (async () => ({ refused: new RejoinNeedsTicketError('this node takes no rejoins; join with a ticket') })) },
        gate,
        { stepTimeoutMs, leafOf: presentedLeafFingerprint },
      ),
    },
    stop() {
      stopped = true;
      for (const abortHandshake of [...inProgress]) abortHandshake();
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

