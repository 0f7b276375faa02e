import { status as GrpcStatus } from '@grpc/grpc-js';
import { G2gError } from '../errors';

/*
 * Joining errors: one class per condition, each with a stable code and the gRPC status the
 * register port answers it with; the newcomer side re-creates the remote code from the
 * `g2g-error-code` trailer. Messages never contain a token secret.
 */

// Ticket errors live with the ticket (src/tokens/join-ticket.ts); re-exported for the joining code.
export { InvalidTicketError, TicketExpiredError, type TicketProblem } from '../tokens/ticket-errors';

/** The two sides belong to different clusters. Raised on both sides; nothing changes. */
export class ClusterMismatchError extends G2gError {
  readonly code = 'ERR_CLUSTER_MISMATCH';
  constructor(readonly localCluster: string, readonly remoteCluster: string, side: 'node' | 'newcomer') {
    super(side === 'node'
      ? `cluster mismatch: this node is in cluster "${localCluster}" and the newcomer is in cluster "${remoteCluster}"`
      : `cluster mismatch: this node is in cluster "${localCluster}" and the node it tried to join is in cluster "${remoteCluster}"`);
  }
}

/** A handshake message is missing, out of order, or has a field of the wrong shape. */
export class JoinMalformedError extends G2gError {
  readonly code = 'ERR_JOIN_MALFORMED';
  override readonly status = GrpcStatus.INVALID_ARGUMENT;
}

/** The peer speaks a join protocol version this node does not. */
export class JoinProtocolVersionError extends G2gError {
  readonly code = 'ERR_JOIN_PROTOCOL_VERSION';
}

/** The newcomer's record is invalid (its id does not match its CA, wrong cluster, too big, ...). */
export class InvalidRecordError extends G2gError {
  readonly code = 'ERR_INVALID_RECORD';
  override readonly status = GrpcStatus.INVALID_ARGUMENT;
}

/** A client-mode token cannot admit a server-mode newcomer. */
export class TokenModeError extends G2gError {
  readonly code = 'ERR_TOKEN_MODE';
  override readonly status = GrpcStatus.PERMISSION_DENIED;
}

/**
 * The newcomer's proof does not verify: it does not hold the token's secret, the messages were
 * altered, or the TLS connection did not end at this node (a TLS-terminating proxy).
 */
export class ClientProofError extends G2gError {
  readonly code = 'ERR_CLIENT_PROOF';
  override readonly status = GrpcStatus.UNAUTHENTICATED;
}

/** The newcomer's signature does not prove it holds the key of the CA its record names. */
export class PossessionProofError extends G2gError {
  readonly code = 'ERR_POSSESSION_PROOF';
  override readonly status = GrpcStatus.UNAUTHENTICATED;
}

/**
 * Newcomer side: the node's proof does not verify: the node does not hold the token (wrong
 * secret in the ticket, or an impostor), or the messages were altered on the way.
 */
export class ServerProofError extends G2gError {
  readonly code = 'ERR_SERVER_PROOF';
}

/**
 * Newcomer side: the node bound its proof to a different TLS certificate than the one this
 * connection presented, so the connection ends somewhere else: a TLS-terminating proxy.
 */
export class ChannelBindingError extends G2gError {
  readonly code = 'ERR_CHANNEL_BINDING';
}

/** Newcomer side: the node's CA is not the one the ticket pins, or its leaf is not from that CA. */
export class CaMismatchError extends G2gError {
  readonly code = 'ERR_CA_MISMATCH';
}

/** Too many failed joins from this source address lately. */
export class JoinThrottledError extends G2gError {
  readonly code = 'ERR_JOIN_THROTTLED';
  override readonly status = GrpcStatus.RESOURCE_EXHAUSTED;
}

/** Too many handshakes in progress on this node. */
export class JoinBusyError extends G2gError {
  readonly code = 'ERR_JOIN_BUSY';
  override readonly status = GrpcStatus.RESOURCE_EXHAUSTED;
}

/** The handshake did not finish in time. */
export class JoinTimeoutError extends G2gError {
  readonly code = 'ERR_JOIN_TIMEOUT';
  override readonly status = GrpcStatus.DEADLINE_EXCEEDED;
}

/** The node's admission (connect-back, membership) refused the newcomer. */
export class AdmissionRefusedError extends G2gError {
  readonly code = 'ERR_ADMISSION_REFUSED';
}

/** Newcomer side: a node refused the join; `remoteCode` is its g2g error code, if it sent one. */
export class JoinRefusedError extends G2gError {
  readonly code = 'ERR_JOIN_REFUSED';
  constructor(message: string, readonly grpcCode: number, readonly remoteCode: string | undefined) {
    super(message);
  }
}

/** Newcomer side: a node could not be reached or the call broke (not a refusal). */
export class JoinUnreachableError extends G2gError {
  readonly code = 'ERR_JOIN_UNREACHABLE';
}

export interface JoinAttemptFailure {
  /** `host:port` as in the ticket. */
  address: string;
  /** A stable code: ours, or the node's `g2g-error-code` when it refused. */
  code: string;
  message: string;
  /**
   * The status the node ended the call with, if it got that far. When we refused the node
   * (e.g. its proof did not verify), `code` is our reason and this is how the node saw it.
   */
  grpcCode?: number;
}

/** Newcomer side: no address of the ticket admitted us; every attempt is listed. */
export class JoinFailedError extends G2gError {
  readonly code = 'ERR_JOIN_FAILED';
  /** `final`: the last failure would repeat at any address and at any time (e.g. a spent token). */
  constructor(readonly failures: JoinAttemptFailure[], readonly final = false) {
    super(`join failed at every address: ${failures.map((f) => `${f.address}: ${f.message} [${f.code}]`).join('; ') || 'no address to try'}`);
  }
}

/**
 * A member asked to rejoin after a node-CA rotation (Register.Rejoin) and this node does not let
 * it back in that way: it is not a member this node knows, it was removed, its lineage does not
 * continue the CA this node knows for it, or it asks for a mode it was not admitted in.
 */
export class RejoinRefusedError extends G2gError {
  readonly code = 'ERR_REJOIN_REFUSED';
  override readonly status = GrpcStatus.PERMISSION_DENIED;
}

/** This node is configured (`caRejoin` = ticket) to let a member whose CA changed back in only with a new ticket. */
export class RejoinNeedsTicketError extends G2gError {
  readonly code = 'ERR_REJOIN_NEEDS_TICKET';
}
