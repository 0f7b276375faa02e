import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * One error class per condition, each with a stable `code` that tests and callers match on, and
 * the gRPC `status` that condition answers with when it reaches a call's edge
 * (`transport/status-mapping.ts` reads it; nothing else chooses a status).
 *
 * The status lives on the class, not in a table keyed by code, because plugins define their own
 * errors: a class they write carries its status to the host's mapping without registering
 * anything, and `grep "status = "` over the errors files is the whole table. A class that names
 * no status is FAILED_PRECONDITION: the request was understood and refused in this state.
 */
export abstract class G2gError extends Error {
  abstract readonly code: string;
  readonly status: GrpcStatus = GrpcStatus.FAILED_PRECONDITION;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration value (file, env or flag) is invalid. Lists every bad key at once. */
export class ConfigError extends G2gError {
  readonly code = 'ERR_CONFIG';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The identity files in the data directory are unreadable, corrupt or do not belong together. */
export class IdentityCorruptError extends G2gError {
  readonly code = 'ERR_IDENTITY_CORRUPT';
}

/** A certificate/key pair failed validation before being pushed to the servers. */
export class InvalidCertificateError extends G2gError {
  readonly code = 'ERR_INVALID_CERTIFICATE';
}

/** A peer presented a certificate that does not prove the identity we expected. */
export class PeerIdentityError extends G2gError {
  readonly code = 'ERR_PEER_IDENTITY';
}

/** A CLI command could not find or reach the node it was pointed at. */
export class NodeUnreachableError extends G2gError {
  readonly code = 'ERR_NODE_UNREACHABLE';
}

/** The node was asked to do something while not running (or already stopped). */
export class NodeStateError extends G2gError {
  readonly code = 'ERR_NODE_STATE';
  override readonly status = GrpcStatus.UNAVAILABLE;
}

/** An operator certificate was requested for a name outside 1–64 characters of [A-Za-z0-9._@-]. */
export class InvalidOperatorNameError extends G2gError {
  readonly code = 'ERR_INVALID_OPERATOR_NAME';
}

/** The data directory holds no node identity (neither node CA file), and none may be created here. */
export class IdentityMissingError extends G2gError {
  readonly code = 'ERR_IDENTITY_MISSING';
}
