import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../identity/atomic-file';
import type { Logger } from '../log/logger';
import type { Clock } from '../util/clock';
import {
  InvalidTokenRequestError,
  TokenExpiredError,
  TokenRevokedError,
  TokenSecretMismatchError,
  TokenStoreCorruptError,
  TokenUnknownError,
  TokenUsedError,
} from './errors';
import {
  compareVersions,
  entryProblem,
  isValidLabel,
  tokenInfo,
  type TokenEntry,
  type TokenInfo,
  type TokenMode,
} from './token-entry';
import { constantTimeEqual, deriveTokenKey, formatToken, generateTokenId, generateTokenSecret, isTokenId, parseToken } from './token-format';

export const TOKENS_FILE = 'tokens.json';
const FILE_FORMAT = 'g2g-tokens';
const FILE_VERSION = 1;
/** Longest ttl accepted: ten years; "never" is spelt as no ttl. */
export const MAX_TOKEN_TTL_MS = 10 * 365 * 24 * 3600_000;
/**
 * How long a tombstone (revoked, used, or expired) is kept before it is forgotten. A member that
 * was partitioned away for longer than this may hand a forgotten token back as live; 30 days is
 * far beyond any partition the failure detector would not already have ended by removing it.
 */
export const DEFAULT_TOMBSTONE_RETENTION_MS = 30 * 24 * 3600_000;

export interface TokenStoreOptions {
  /** Where `tokens.json` lives. Omit for a store that lives in memory only (tests, tools). */
  dataDir?: string;
  /** This node's id: the origin of versions made here. */
  origin: string;
  clock: Clock;
  log?: Logger;
  tombstoneRetentionMs?: number;
}

export interface CreateTokenOptions {
  mode: TokenMode;
  label?: string;
  /** Lifetime from now; omit (or 0) for a token that never expires. */
  ttlMs?: number;
  singleUse?: boolean;
}

/** A token just made or rotated: the only moment its secret exists outside the holder. */
export interface IssuedToken {
  info: TokenInfo;
  /** `<id>.<secret>`. Hand it over; never log it. */
  token: string;
}

/** A token that may admit a newcomer now: its key verifies the newcomer's proof. */
export interface UsableToken {
  info: TokenInfo;
  key: Buffer;
}

/**
 * Holds a single-use token for one join between proof and welcome, so two newcomers cannot both
 * spend it. `commit` marks it used (persisted); `release` gives it back (the join failed).
 */
export interface TokenLease {
  commit(): Promise<void>;
  release(): void;
}

export type TokenChangeSource = 'local' | 'merge';
export type TokenChangeListener = (entries: readonly TokenEntry[], source: TokenChangeSource) => void;

export interface MergeResult {
  /** Ids whose version changed here. */
  updated: string[];
  /** Entries refused as malformed, with why (ids only: entries carry keys). */
  rejected: Array<{ id: string; problem: string }>;
}

/**
 * The node's join tokens: create, list, revoke, rotate, and the checks the register
 * handshake needs. Persisted as `<dataDir>/tokens.json` (mode 0600, atomic replace); each
 * mutation is written before it takes effect, so a token handed out always survives a restart.
 *
 * Replication: `snapshot()` and `merge()` carry versions (keys, never secrets) among server-mode
 * members; see `compareVersions` for the merge rule, and `onChange` to gossip local changes.
 */
export class TokenStore {
  private entries = new Map<string, TokenEntry>();
  private readonly reserved = new Set<string>();
  private readonly listeners = new Set<TokenChangeListener>();
  /** Mutations run one at a time, each persisted before the next reads the map. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly path: string | undefined;
  private readonly retentionMs: number;

  private constructor(private readonly options: TokenStoreOptions) {
    this.path = options.dataDir === undefined ? undefined : join(options.dataDir, TOKENS_FILE);
    this.retentionMs = options.tombstoneRetentionMs ?? DEFAULT_TOMBSTONE_RETENTION_MS;
  }

  /** Loads `tokens.json` (none yet is an empty store). A corrupt file is refused and left alone. */
  static async open(options: TokenStoreOptions): Promise<TokenStore> {
    const store = new TokenStore(options);
    if (store.path) store.entries = await readTokensFile(store.path, options.log);
    return store;
  }

  /** Current time, on the injected clock. */
  private now(): number {
    return this.options.clock.now();
  }

  async create(request: CreateTokenOptions): Promise<IssuedToken> {
    const { mode } = request;
    if (mode !== 'server' && mode !== 'client') throw new InvalidTokenRequestError(`token mode must be server or client, got ${JSON.stringify(mode)}`);
    const label = request.label ?? '';
    if (!isValidLabel(label)) throw new InvalidTokenRequestError('token label must be at most 128 printable characters');
    const ttlMs = request.ttlMs ?? 0;
    if (!Number.isSafeInteger(ttlMs) || ttlMs < 0 || ttlMs > MAX_TOKEN_TTL_MS) {
      throw new InvalidTokenRequestError(`token ttl must be a whole number of milliseconds from 0 (never expires) to ${MAX_TOKEN_TTL_MS}, got ${ttlMs}`);
    }
    return this.mutate((entries) => {
      let id = generateTokenId();
      while (entries.has(id)) id = generateTokenId();
      const secret = generateTokenSecret();
      const now = this.now();
      const entry: TokenEntry = {
        id,
        key: deriveTokenKey(secret),
        mode,
        label,
        createdAt: now,
        updatedAt: now,
        expiresAt: ttlMs > 0 ? now + ttlMs : null,
        singleUse: request.singleUse ?? false,
        state: 'active',
        origin: this.options.origin,
      };
      entries.set(id, entry);
      return { changed: [entry], result: { info: tokenInfo(entry, now), token: formatToken({ id, secret }) } };
    });
  }

  /** Tokens sorted by creation; without `includeInactive`, only those that can still admit. */
  list(opts: { includeInactive?: boolean } = {}): TokenInfo[] {
    const now = this.now();
    return [...this.entries.values()]
      .map((e) => tokenInfo(e, now))
      .filter((i) => opts.includeInactive || i.status === 'active')
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  get(id: string): TokenInfo | undefined {
    const entry = this.entries.get(id);
    return entry && tokenInfo(entry, this.now());
  }

  /** Revokes a token everywhere it is replicated (a tombstone). Revoking twice is a no-op. */
  async revoke(id: string): Promise<TokenInfo> {
    return this.mutate((entries) => {
      const current = known(entries, id);
      if (current.state !== 'active') return { changed: [], result: tokenInfo(current, this.now()) };
      const next = this.nextVersion(current, { state: 'revoked' });
      entries.set(id, next);
      return { changed: [next], result: tokenInfo(next, this.now()) };
    });
  }

  /**
   * A new secret for the same id: the old secret stops working here at once, and on other
   * members when the new version reaches them. The id stays, so labels, listings and anything
   * that refers to the token by id keep working; only the secret holders need the new string.
   * An expired token may be rotated (and keeps its expiry); a revoked or used one may not.
   */
  async rotate(id: string): Promise<IssuedToken> {
    return this.mutate((entries) => {
      const current = known(entries, id);
      if (current.state === 'revoked') throw new TokenRevokedError(id);
      if (current.state === 'used') throw new TokenUsedError(id);
      const secret = generateTokenSecret();
      const next = this.nextVersion(current, { key: deriveTokenKey(secret) });
      entries.set(id, next);
      return { changed: [next], result: { info: tokenInfo(next, this.now()), token: formatToken({ id, secret }) } };
    });
  }

  /**
   * The token `id` if it may admit a newcomer now; otherwise throws TokenUnknownError,
   * TokenRevokedError, TokenUsedError or TokenExpiredError (in that order of precedence).
   */
  usable(id: string): UsableToken {
    const entry = this.entries.get(id);
    if (!entry || !isTokenId(id)) throw new TokenUnknownError(isTokenId(id) ? id : '(malformed id)');
    if (entry.state === 'revoked') throw new TokenRevokedError(id);
    if (entry.state === 'used') throw new TokenUsedError(id);
    if (entry.singleUse && this.reserved.has(id)) throw new TokenUsedError(id, true);
    const now = this.now();
    if (entry.expiresAt !== null && entry.expiresAt <= now) throw new TokenExpiredError(id, entry.expiresAt);
    return { info: tokenInfo(entry, now), key: entry.key };
  }

  /**
   * Checks a whole `<id>.<secret>` (for tools and tests; the handshake never sees the secret):
   * the derived key is compared with the stored one in constant time.
   */
  verify(token: string): TokenInfo {
    const { id, secret } = parseToken(token);
    const usable = this.usable(id);
    if (!constantTimeEqual(deriveTokenKey(secret), usable.key)) throw new TokenSecretMismatchError(id);
    return usable.info;
  }

  /**
   * Re-checks that `id` is usable and holds it for one join. For a single-use token a second
   * reservation fails with TokenUsedError until the first is released; commit marks it used.
   */
  reserve(id: string): TokenLease {
    const { info } = this.usable(id);
    if (!info.singleUse) return { commit: () => Promise.resolve(), release: () => undefined };
    this.reserved.add(id);
    let settled = false;
    return {
      commit: async () => {
        if (settled) return;
        settled = true;
        try {
          await this.mutate((entries) => {
            const current = entries.get(id);
            // Revoked (or merged as used) meanwhile: the tombstone already says enough.
            if (!current || current.state !== 'active') return { changed: [], result: undefined };
            const next = this.nextVersion(current, { state: 'used' });
            entries.set(id, next);
            return { changed: [next], result: undefined };
          });
        } finally {
          this.reserved.delete(id);
        }
      },
      release: () => {
        if (settled) return;
        settled = true;
        this.reserved.delete(id);
      },
    };
  }

  /** Every version held here (tombstones included), for anti-entropy with another member. */
  snapshot(): TokenEntry[] {
    return [...this.entries.values()];
  }

  /**
   * Merges versions from another member: per id, the winner of `compareVersions` stays. Malformed
   * entries are refused; live entries long expired and stale tombstones are not taken in (they
   * would be pruned at once). Persisted before it takes effect, like every mutation.
   */
  async merge(remote: readonly TokenEntry[]): Promise<MergeResult> {
    return this.mutate((entries) => {
      const updated: TokenEntry[] = [];
      const rejected: MergeResult['rejected'] = [];
      const horizon = this.now() - this.retentionMs;
      for (const candidate of remote) {
        const problem = entryProblem(candidate);
        if (problem) {
          rejected.push({ id: typeof candidate?.id === 'string' ? candidate.id.slice(0, 20) : '?', problem });
          continue;
        }
        if (isForgettable(candidate, horizon)) continue;
        const current = entries.get(candidate.id);
        if (current && compareVersions(candidate, current) <= 0) continue;
        const copy: TokenEntry = { ...candidate, key: Buffer.from(candidate.key) };
        entries.set(copy.id, copy);
        updated.push(copy);
      }
      return { changed: updated, result: { updated: updated.map((e) => e.id), rejected } };
    }, 'merge');
  }

  /** Forgets tombstones and expired tokens older than the retention. Returns how many. */
  async prune(): Promise<number> {
    return this.mutate((entries) => {
      const horizon = this.now() - this.retentionMs;
      let removed = 0;
      for (const [id, entry] of entries) {
        if (isForgettable(entry, horizon)) {
          entries.delete(id);
          removed++;
        }
      }
      // Forgetting is not a change to replicate: every member prunes on its own.
      return { changed: [], result: removed, persist: removed > 0 };
    });
  }

  /** Called after each change that took effect (local mutations and merges that changed something). */
  onChange(listener: TokenChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private nextVersion(current: TokenEntry, change: Partial<Pick<TokenEntry, 'key' | 'state'>>): TokenEntry {
    // Strictly later than the version it replaces, even if this clock runs behind its origin's.
    const updatedAt = Math.max(this.now(), current.updatedAt + 1);
    return { ...current, ...change, updatedAt, origin: this.options.origin };
  }

  /**
   * Runs `fn` on a copy of the map, persists the copy, then makes it current: a mutation that
   * fails to persist has no effect. Mutations are serialised.
   */
  private mutate<T>(
    fn: (entries: Map<string, TokenEntry>) => { changed: TokenEntry[]; result: T; persist?: boolean },
    source: TokenChangeSource = 'local',
  ): Promise<T> {
    const run = async (): Promise<T> => {
      const draft = new Map(this.entries);
      const { changed, result, persist } = fn(draft);
      if (changed.length === 0 && !persist) return result;
      if (this.path) await writeTokensFile(this.path, draft);
      this.entries = draft;
      if (changed.length > 0) this.emit(changed, source);
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private emit(changed: readonly TokenEntry[], source: TokenChangeSource): void {
    for (const listener of this.listeners) {
      try {
        listener(changed, source);
      } catch (err) {
        this.options.log?.error({ err }, 'token change listener failed');
      }
    }
  }
}

function known(entries: Map<string, TokenEntry>, id: string): TokenEntry {
  const entry = entries.get(id);
  if (!entry) throw new TokenUnknownError(isTokenId(id) ? id : '(malformed id)');
  return entry;
}

function isForgettable(entry: TokenEntry, horizon: number): boolean {
  if (entry.state !== 'active') return entry.updatedAt < horizon;
  return entry.expiresAt !== null && entry.expiresAt < horizon;
}

interface TokenFileEntry {
  id: string;
  key: string;
  mode: string;
  label: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  singleUse: boolean;
  state: string;
  origin: string;
}

async function readTokensFile(path: string, log?: Logger): Promise<Map<string, TokenEntry>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new TokenStoreCorruptError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const mode = (await stat(path)).mode & 0o777;
    if (mode & 0o077) log?.warn({ path, mode: mode.toString(8) }, 'token file is readable by other users; it will be rewritten 0600 at the next change');
  } catch {
    // stat after a successful read only fails in a race with deletion; the read content stands.
  }
  let parsed: { format?: unknown; version?: unknown; tokens?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (err) {
    throw new TokenStoreCorruptError(`${path} is not JSON (${(err as Error).message}); fix or remove it (its tokens are lost then)`, { cause: err });
  }
  if (parsed?.format !== FILE_FORMAT || parsed.version !== FILE_VERSION || !Array.isArray(parsed.tokens)) {
    throw new TokenStoreCorruptError(`${path} is not a version ${FILE_VERSION} ${FILE_FORMAT} file`);
  }
  const entries = new Map<string, TokenEntry>();
  for (const [index, raw] of (parsed.tokens as TokenFileEntry[]).entries()) {
    const entry: TokenEntry = {
      ...raw,
      key: typeof raw?.key === 'string' ? Buffer.from(raw.key, 'base64url') : Buffer.alloc(0),
    } as TokenEntry;
    const problem = entryProblem(entry);
    if (problem) throw new TokenStoreCorruptError(`${path}: token #${index}: ${problem}`);
    if (entries.has(entry.id)) throw new TokenStoreCorruptError(`${path}: token ${entry.id} appears twice`);
    entries.set(entry.id, entry);
  }
  return entries;
}

async function writeTokensFile(path: string, entries: Map<string, TokenEntry>): Promise<void> {
  const tokens: TokenFileEntry[] = [...entries.values()].map((e) => ({
    id: e.id,
    key: e.key.toString('base64url'),
    mode: e.mode,
    label: e.label,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    expiresAt: e.expiresAt,
    singleUse: e.singleUse,
    state: e.state,
    origin: e.origin,
  }));
  await writeFileAtomic(path, `${JSON.stringify({ format: FILE_FORMAT, version: FILE_VERSION, tokens }, null, 2)}\n`, 0o600);
}
