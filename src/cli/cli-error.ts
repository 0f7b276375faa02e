import { ConfigError, G2gError } from '../errors';
import { RemoteCallError } from '../transport/call-errors';

/** A wrong invocation of the CLI (bad flag, missing argument, a bare number for a duration). Exit status 2, like config errors. */
export class UsageError extends G2gError {
  readonly code = 'ERR_USAGE';
}

/** A CLI target (`g2g remove web-1`) that names no member, or more than one. Exit status 2. */
export class TargetError extends G2gError {
  readonly code = 'ERR_TARGET';
}

/**
 * The exit statuses of every `g2g` command (docs/cli.md lists them). Stable: scripts and
 * supervisors (systemd's RestartPreventExitStatus=, Kubernetes) branch on them.
 */
export const EXIT = {
  OK: 0,
  /** Anything else that went wrong: the node could not be reached or answered with an error, a file could not be written. */
  FAILURE: 1,
  /** Bad input: usage, an unknown flag, a bare number where a unit is needed, invalid configuration, a target that matches no member or several. */
  USAGE: 2,
  /** `g2g start`: this node was removed from the network by a member (see --stay-after-removal); restarting it will not help. */
  REMOVED: 3,
} as const;

/** Exit status for an error. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ConfigError || error instanceof UsageError || error instanceof TargetError) return EXIT.USAGE;
  return EXIT.FAILURE;
}

/** One clear line (config errors list each bad key on its own line), never a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof RemoteCallError) return `the node answered: ${error.details} (gRPC status ${error.status})`;
  if (error instanceof G2gError) return error.message;
  if (error && typeof error === 'object' && 'details' in error && typeof (error as { details: unknown }).details === 'string') {
    const e = error as { details: string; code?: number };
    return `the node answered: ${e.details}${e.code !== undefined ? ` (gRPC status ${e.code})` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}
