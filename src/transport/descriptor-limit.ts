import { readFileSync } from 'node:fs';

/**
 * Node has no getrlimit(2). On Linux the soft RLIMIT_NOFILE is the "Max open files" line of
 * /proc/self/limits; elsewhere (or if /proc is not mounted) we assume this much, the common
 * soft default on Linux and macOS shells — low, so a wrong guess errs towards refusing early.
 */
export const FALLBACK_DESCRIPTOR_LIMIT = 1024;

export interface DescriptorLimit {
  /** The soft limit: what open(2)/accept(2) fail beyond with EMFILE. */
  soft: number;
  /** Where it was read from. */
  source: 'proc' | 'fallback';
}

/** The process's open-file limit, read once at start. `limitsText` is for tests. */
export function readDescriptorLimit(limitsText?: string): DescriptorLimit {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return { soft: FALLBACK_DESCRIPTOR_LIMIT, source: 'fallback' };
    }
  }
  const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!line) return { soft: FALLBACK_DESCRIPTOR_LIMIT, source: 'fallback' };
  // "unlimited" is not possible for RLIMIT_NOFILE on Linux (fs.nr_open caps it), but be safe.
  const soft = line[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(line[1]);
  return Number.isSafeInteger(soft) && soft > 0 ? { soft, source: 'proc' } : { soft: FALLBACK_DESCRIPTOR_LIMIT, source: 'fallback' };
}

/**
 * Descriptors kept back from incoming connections: the node's own files (data dir, logs, the
 * kv store), its channels to peers, plugins, and libuv's own. A quarter of the limit, at least 128.
 */
export function descriptorReserve(limit: number): number {
  return Math.max(128, Math.ceil(limit / 4));
}

/**
 * Incoming connections both ports may hold together when the budget is automatic: what the
 * limit leaves after the reserve, at least 32 (a node started with a tiny limit still serves).
 */
export function automaticConnectionBudget(limit: number): number {
  return Math.max(32, limit - descriptorReserve(limit));
}
