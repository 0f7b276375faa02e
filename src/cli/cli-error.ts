import { ConfigError, G2gError } from '../errors';

/** A wrong invocation of the CLI (bad flag, missing argument). Exit status 2, like config errors. */
export class UsageError extends G2gError {
  readonly code = 'ERR_USAGE';
}

/** Exit status for an error: 2 for bad input (usage, config), 1 for everything else. */
export function exitCodeFor(error: unknown): number {
  return error instanceof ConfigError || error instanceof UsageError ? 2 : 1;
}

/** One clear line (config errors list each bad key on its own line), never a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof G2gError) return error.message;
  if (error && typeof error === 'object' && 'details' in error && typeof (error as { details: unknown }).details === 'string') {
    const e = error as { details: string; code?: number };
    return `the node answered: ${e.details}${e.code !== undefined ? ` (gRPC status ${e.code})` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}
