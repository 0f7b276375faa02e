import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { G2gError } from '../errors';
import { lineageValid, type CaEndorsement } from '../identity/ca-lineage';
import { nodeIdFromPublicKey } from '../identity/node-id';
import type { Logger } from '../log/logger';
import type { NodeRecord } from '../proto/generated/g2g/v1/NodeRecord';
import type { RegisterClient } from '../proto/generated/g2g/v1/Register';
import { g2gProto } from '../proto/protos';
import { parseToken, type TokenParts } from '../tokens/token-format';
import { checkPeerIdentity } from '../transport/peer-channel';
import { systemClock, type Clock } from '../util/clock';
import { systemRandom, type Random } from '../util/random';
import { retryWhileBusy } from './join-retry';
import {
  CaMismatchError,
  ClusterMismatchError,
  JoinFailedError,
  JoinRefusedError,
  JoinUnreachableError,
  TokenModeError,
  type JoinAttemptFailure,
} from './errors';
import { derFingerprint } from '../identity/cert-info';
import { ClientHandshake, type CaSigner, type JoinWelcomeResult } from './join-handshake';
import { describeCallError } from '../transport/call-errors';
import { unaryCall } from '../transport/unary-call';
import { isFinalForTicket } from './join-failures';
import { assertTicketFresh, formatTicketAddress, parseTicket, type JoinTicket } from '../tokens/join-ticket';
import { encodeNodeRecord } from './record-codec';

/**
 * The newcomer's side of joining: dial a ticket's register addresses in order until one admits
 * us (STYLE 8: the failures before it are part of the result).
 *
 * Per address:
 * 1. Learn the node's CA (unless the caller knows it): WhoAmI over a TLS connection that does
 *    not verify the server, because nothing to verify it against exists yet. Nothing secret is
 *    sent on it, and what it returns is only trusted once checked: against the ticket's `ca=`
 *    pin right away, and by the handshake's proofs in any case.
 * 2. Open a channel that trusts only that CA and checks that the leaf names its node id, and run
 *    the handshake on it. The server proof is checked against the certificate the node presented
 *    on the very connection carrying the stream (read from the call's auth context), so a
 *    TLS-terminating relay is detected even when it holds a certificate we would accept.
 */

export interface JoinClientOptions {
  /** Our cluster: a ticket or node of another cluster is refused. */
  cluster: string;
  /** Our NodeRecord as we advertise it (mode included). */
  record: NodeRecord;
  /** Signs with our node CA key (caSigner(ca.keyPem)). */
  sign: CaSigner;
  clock?: Clock;
  /** Budget per address, discovery and handshake together (default 15 s). */
  attemptTimeoutMs?: number;
  log?: Logger;
  /** How a node's CA is learned when the target does not say (default: WhoAmI, see above). */
  discover?: (address: string, deadline: number) => Promise<SeedIdentity>;
  /** Extra channel options for both channels (tests). */
  channelOptions?: grpc.ChannelOptions;
  /**
   * Called once the node has proven it holds the token (its proof verified) and before we send
   * ours: the moment to trust its CA on our gossip port, because admitting a server-mode
   * newcomer includes connecting back to that port.
   */
  onNodeProven?: (node: SeedIdentity) => void | Promise<void>;
  /**
   * How long to keep retrying, with jittered backoff (join-retry.ts), while nodes answer
   * RESOURCE_EXHAUSTED (busy, throttled); default 0: one round over the addresses.
   */
  retryWithinMs?: number;
  /** Jitter of those retries (default: crypto randomness). */
  random?: Random;
}

/** A node's identity as learned before the handshake (and checked by it). */
export interface SeedIdentity {
  nodeId: string;
  caCertPem: string;
  /** After a node-CA rotation: the lineage that proves `caCertPem` (ca-lineage.ts). */
  caLineage?: CaEndorsement[];
}

export interface JoinTarget {
  /** `host:port` of a register port. */
  address: string;
  /** The node's CA and id, if known already (a peer remembered from before): skips discovery. */
  identity?: SeedIdentity;
}

export interface JoinSuccess {
  /** The address that admitted us. */
  address: string;
  welcome: JoinWelcomeResult;
  /** Addresses tried before it, and why each failed. */
  failures: JoinAttemptFailure[];
}

export const DEFAULT_ATTEMPT_TIMEOUT_MS = 15_000;
/** How long a refused newcomer waits for the node's status before hanging up. */
export const STATUS_GRACE_MS = 2_000;

/**
 * Joins with a join ticket. Throws at once (before dialling) for a malformed or expired ticket,
 * a ticket of another cluster, or a ticket whose mode cannot admit our record's mode; throws
 * JoinFailedError listing every attempt if no address admits us.
 */
export async function joinWithTicket(ticket: string | JoinTicket, options: JoinClientOptions): Promise<JoinSuccess> {
  const parsed = typeof ticket === 'string' ? parseTicket(ticket) : ticket;
  assertTicketFresh(parsed, (options.clock ?? systemClock).now());
  if (parsed.cluster !== undefined && parsed.cluster !== options.cluster) {
    throw new ClusterMismatchError(options.cluster, parsed.cluster, 'newcomer');
  }
  if (parsed.mode === 'client' && options.record.mode === 'NODE_MODE_SERVER') {
    throw new TokenModeError('the ticket admits client-mode nodes only, and this node is configured as a server');
  }
  return joinTargets(
    parsed.addresses.map((a) => ({ address: formatTicketAddress(a) })),
    parsed.token,
    options,
    parsed.caFingerprint,
  );
}

/**
 * Joins through `targets` in order with a token (`<id>.<secret>`): configured services with
 * G2G_TOKEN, or remembered peers. `caFingerprint` pins the CA of every target, if given.
 */
export async function joinTargets(targets: JoinTarget[], token: TokenParts | string, options: JoinClientOptions, caFingerprint?: string): Promise<JoinSuccess> {
  const parts = typeof token === 'string' ? parseToken(token) : token;
  // Failures of every round, in order: the result reports them all.
  const failures: JoinAttemptFailure[] = [];
  const log = options.log;
  const round = async (): Promise<JoinSuccess> => {
    for (const target of targets) {
      try {
        const welcome = await attempt(target, parts, options, caFingerprint);
        if (failures.length > 0) log?.warn({ address: target.address, failures }, 'joined after failures at earlier addresses');
        return { address: target.address, welcome, failures };
      } catch (error) {
        const failure = describeFailure(target.address, error);
        failures.push(failure);
        log?.warn({ address: failure.address, code: failure.code, grpcCode: failure.grpcCode, reason: failure.message }, 'join attempt failed');
        if (isFinalForTicket(failure.code)) throw new JoinFailedError(failures, true);
      }
    }
    throw new JoinFailedError(failures);
  };
  let roundStart = 0;
  return retryWhileBusy(
    () => {
      roundStart = failures.length;
      return round();
    },
    // Retry when a node said "not now" and none said "never" (a final refusal ends the round).
    (error) => error instanceof JoinFailedError && !error.final && failures.slice(roundStart).some((f) => f.grpcCode === grpc.status.RESOURCE_EXHAUSTED),
    { clock: options.clock ?? systemClock, random: options.random ?? systemRandom, withinMs: options.retryWithinMs ?? 0, ...(log ? { log } : {}) },
  );
}

async function attempt(target: JoinTarget, token: TokenParts, options: JoinClientOptions, caFingerprint: string | undefined): Promise<JoinWelcomeResult> {
  // Deadlines are wall-clock for grpc-js, whatever the injected clock (ticket expiry) says.
  const deadline = Date.now() + (options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS);
  const identity = target.identity ?? (await (options.discover ?? discoverNode)(target.address, deadline));
  checkSeedIdentity(identity, target.address, caFingerprint);
  const handshake = new ClientHandshake({
    token,
    cluster: options.cluster,
    recordBytes: encodeNodeRecord(options.record),
    sign: options.sign,
    caFingerprint,
    expectedCaCertPem: identity.caCertPem,
  });
  const client = registerClient(target.address, verifiedCredentials(identity), {
    'grpc.ssl_target_name_override': identity.nodeId,
    'grpc.default_authority': identity.nodeId,
    ...options.channelOptions,
  });
  try {
    return await driveHandshake(client.Join({ deadline }), handshake, {
      ...(options.onNodeProven ? { beforeFirstReply: () => options.onNodeProven!(identity) } : {}),
      endedWithoutWelcome: 'the node ended the handshake without a welcome',
    });
  } finally {
    client.close();
  }
}

/** The client side of a register-port handshake, as driveHandshake runs it. */
export interface HandshakeSide<Out, In, Welcome> {
  hello(): Out;
  receive(message: In, presentedLeafDer?: Uint8Array): { kind: 'reply'; message: Out } | { kind: 'welcome'; welcome: Welcome };
}

/**
 * Runs a register-port handshake (Register.Join, Register.Rejoin) on its bidi `call`: hello,
 * then each message from the node answered by `side` until a welcome. Our own refusal (the node
 * does not bind to this connection, a malformed answer) half-closes and lets the node answer with
 * its status (so it counts the abandoned handshake before we try again), but never waits long
 * for it. `beforeFirstReply` runs once, after the node's first message verified and before we
 * answer it (join: the caller trusts the proven node's CA before sending its proof).
 */
export function driveHandshake<Out, In, Welcome>(
  call: grpc.ClientDuplexStream<Out, In>,
  side: HandshakeSide<Out, In, Welcome>,
  options: { beforeFirstReply?: () => void | Promise<void>; endedWithoutWelcome: string },
): Promise<Welcome> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let localError: unknown;
    let graceTimer: NodeJS.Timeout | undefined;
    let hook = options.beforeFirstReply;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(graceTimer);
      fn();
    };
    const refuse = (error: unknown) => {
      if (localError !== undefined || settled) return;
      localError = error;
      call.end();
      graceTimer = setTimeout(() => {
        call.cancel();
        settle(() => reject(error));
      }, STATUS_GRACE_MS);
      graceTimer.unref();
    };
    call.on('data', (message: In) => {
      if (localError !== undefined || settled) return;
      try {
        const step = side.receive(message, call.getAuthContext()?.sslPeerCertificate?.raw);
        if (step.kind === 'reply') {
          const before = hook;
          hook = undefined;
          if (!before) call.write(step.message);
          else Promise.resolve().then(before).then(() => !settled && localError === undefined && call.write(step.message), refuse);
          return;
        }
        call.end();
        settle(() => resolve(step.welcome));
      } catch (error) {
        refuse(error);
      }
    });
    call.on('error', (error: grpc.ServiceError) => {
      settle(() => reject(localError === undefined ? refusalFrom(error) : new LocalRefusal(localError, error.code)));
    });
    call.on('status', (status: grpc.StatusObject) => {
      // A clean end without a welcome (the node closed early): a protocol failure on its side.
      if (status.code === grpc.status.OK) settle(() => reject(localError ?? new JoinUnreachableError(options.endedWithoutWelcome)));
    });
    call.write(side.hello());
  });
}

/** We refused the node, and it then answered with `grpcCode` (its view of our refusal). */
export class LocalRefusal {
  constructor(readonly error: unknown, readonly grpcCode: number) {}
}

export function refusalFrom(error: grpc.ServiceError): G2gError {
  const remoteCode = error.metadata?.get('g2g-error-code')[0];
  if (typeof remoteCode === 'string') return new JoinRefusedError(error.details, error.code, remoteCode);
  if (error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.DEADLINE_EXCEEDED || error.code === grpc.status.CANCELLED) {
    return new JoinUnreachableError(`${grpc.status[error.code]}: ${error.details}`);
  }
  return new JoinRefusedError(error.details, error.code, undefined);
}

export function describeFailure(address: string, error: unknown): JoinAttemptFailure {
  if (error instanceof LocalRefusal) return { ...describeFailure(address, error.error), grpcCode: error.grpcCode };
  if (error instanceof JoinRefusedError) {
    return { address, code: error.remoteCode ?? `GRPC_${grpc.status[error.grpcCode] ?? error.grpcCode}`, message: error.message, grpcCode: error.grpcCode };
  }
  if (error instanceof G2gError) return { address, code: error.code, message: error.message };
  const status = error as Partial<grpc.ServiceError>;
  if (typeof status.code === 'number') return { address, code: 'ERR_JOIN_UNREACHABLE', message: `${grpc.status[status.code]}: ${status.details ?? ''}`, grpcCode: status.code };
  return { address, code: 'ERR_JOIN_UNREACHABLE', message: (error as Error)?.message ?? String(error) };
}

/** The learned identity must be a node CA whose key is the node id, and match the ticket's pin. */
export function checkSeedIdentity(identity: SeedIdentity, address: string, caFingerprint: string | undefined): void {
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(identity.caCertPem);
  } catch {
    throw new CaMismatchError(`${address} answered without a parseable CA certificate`);
  }
  const lineage = identity.caLineage ?? [];
  if (lineage.length > 0) {
    // A rotated node: the lineage proves its CAs from its id; the presented CA must be one of them.
    const last = lineage[lineage.length - 1]!.caCertPem;
    if (!ca.ca || !lineageValid(identity.nodeId, last, lineage) || !lineage.some((e) => e.caCertPem.trim() === identity.caCertPem.trim())) {
      throw new CaMismatchError(`${address} answered with a CA that its lineage does not prove for node ${identity.nodeId.slice(0, 64)}`);
    }
  } else {
    const derived = nodeIdFromPublicKey(ca.publicKey.export({ type: 'spki', format: 'pem' }) as string);
    if (!ca.ca || derived !== identity.nodeId) throw new CaMismatchError(`${address} answered with a CA that is not the node CA of ${identity.nodeId.slice(0, 64)}`);
  }
  const fingerprint = derFingerprint(ca.raw);
  const pinned = lineage.length > 0 ? lineage.map((e) => derFingerprint(new X509Certificate(e.caCertPem).raw)) : [fingerprint];
  if (caFingerprint !== undefined && !pinned.includes(caFingerprint)) {
    throw new CaMismatchError(`${address} presents node CA ${fingerprint}, but the ticket pins ${caFingerprint}`);
  }
}

/** Trust only the node's CA, and require its leaf to name its node id. */
export function verifiedCredentials(identity: SeedIdentity): grpc.ChannelCredentials {
  return grpc.credentials.createSsl(Buffer.from(identity.caCertPem), null, null, {
    checkServerIdentity: (_host, cert) => checkPeerIdentity(identity.nodeId, cert),
  });
}

type RegisterClientConstructor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => RegisterClient;
let registerClientConstructor: RegisterClientConstructor | undefined;

export function registerClient(address: string, credentials: grpc.ChannelCredentials, extra: grpc.ChannelOptions): RegisterClient {
  registerClientConstructor ??= g2gProto().g2g.v1.Register as unknown as RegisterClientConstructor;
  return new registerClientConstructor(address, credentials, {
    // One connection of our own: the handshake binds to this connection's certificate.
    'grpc.use_local_subchannel_pool': 1,
    'grpc.enable_retries': 0,
    ...extra,
  });
}

/**
 * Step 1 above: WhoAmI on a connection that does not verify the server. This is the one place
 * g2g turns TLS verification off, and it pins nothing through `checkServerIdentity` (which would
 * never run then): the answer is treated as a claim, checked by the caller.
 */
export function discoverNode(address: string, deadline: number): Promise<SeedIdentity> {
  // A name rather than the IP as TLS server name (RFC 6066); nothing is checked against it here.
  const client = registerClient(address, grpc.credentials.createSsl(null, null, null, { rejectUnauthorized: false }), {
    'grpc.ssl_target_name_override': 'g2g-register',
  });
  return unaryCall(client, 'WhoAmI', {}, { deadline })
    .finally(() => client.close())
    .then(
      (response): SeedIdentity => {
        if (!response?.caCertPem) throw new JoinUnreachableError(`${address} did not say which CA it has (a node of an older version?)`);
        const caLineage = (response.caLineage ?? []).map((e) => ({ caCertPem: e.caCertPem, signature: e.signature }));
        return { nodeId: response.nodeId, caCertPem: response.caCertPem, ...(caLineage.length > 0 ? { caLineage } : {}) };
      },
      (error: unknown) => {
        throw new JoinUnreachableError(`WhoAmI at ${address} failed: ${describeCallError(error)}`);
      },
    );
}
