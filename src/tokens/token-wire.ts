import type { TokenInfo as TokenInfoMessage } from '../proto/generated/g2g/v1/TokenInfo';
import type { TokenState__Output } from '../proto/generated/g2g/v1/TokenState';
import type { TokenSyncRecord, TokenSyncRecord__Output } from '../proto/generated/g2g/v1/TokenSyncRecord';
import { modeFromWire, modeToWire } from '../transport/node-mode-wire';
import type { StoredTokenState, TokenEntry, TokenInfo, TokenMode, TokenStatus } from './token-entry';

/** Conversions between tokens and their wire messages (Admin's TokenInfo, gossip's TokenSyncRecord). */

export { modeFromWire, modeToWire } from '../transport/node-mode-wire';

const STATE_TO_WIRE = {
  active: 'TOKEN_STATE_ACTIVE',
  revoked: 'TOKEN_STATE_REVOKED',
  used: 'TOKEN_STATE_USED',
  expired: 'TOKEN_STATE_EXPIRED',
} as const satisfies Record<TokenStatus, string>;

function stateFromWire(state: TokenState__Output | undefined): StoredTokenState | undefined {
  if (state === 'TOKEN_STATE_ACTIVE') return 'active';
  if (state === 'TOKEN_STATE_REVOKED') return 'revoked';
  if (state === 'TOKEN_STATE_USED') return 'used';
  return undefined; // EXPIRED is derived, never synced
}

export function tokenInfoToWire(info: TokenInfo): TokenInfoMessage {
  return {
    id: info.id,
    mode: modeToWire(info.mode),
    label: info.label,
    createdUnixMs: info.createdAt,
    updatedUnixMs: info.updatedAt,
    expiresUnixMs: info.expiresAt ?? 0,
    singleUse: info.singleUse,
    state: STATE_TO_WIRE[info.status],
    origin: info.origin,
  };
}

/** For gossip among server-mode members only: carries the key. */
export function tokenEntryToWire(entry: TokenEntry): TokenSyncRecord {
  return {
    id: entry.id,
    key: entry.key,
    mode: modeToWire(entry.mode),
    label: entry.label,
    createdUnixMs: entry.createdAt,
    updatedUnixMs: entry.updatedAt,
    expiresUnixMs: entry.expiresAt ?? 0,
    singleUse: entry.singleUse,
    state: STATE_TO_WIRE[entry.state],
    origin: entry.origin,
  };
}

/**
 * A received record as an entry for `TokenStore.merge`, which validates it (an unknown mode or
 * state becomes a value merge refuses, so it is reported rather than silently dropped).
 */
export function tokenEntryFromWire(record: TokenSyncRecord__Output): TokenEntry {
  return {
    id: record.id,
    key: Buffer.from(record.key ?? Buffer.alloc(0)),
    mode: modeFromWire(record.mode) ?? (String(record.mode) as TokenMode),
    label: record.label,
    createdAt: Number(record.createdUnixMs),
    updatedAt: Number(record.updatedUnixMs),
    expiresAt: Number(record.expiresUnixMs) > 0 ? Number(record.expiresUnixMs) : null,
    singleUse: record.singleUse,
    state: stateFromWire(record.state) ?? (String(record.state) as StoredTokenState),
    origin: record.origin,
  };
}
