import type { Logger } from '../log/logger';
import type { Clock } from '../util/clock';
import type { TokenEntry } from './token-entry';
import { deriveTokenKey, parseToken } from './token-format';
import type { TokenStore } from './token-store';

/** Label of a token seeded from G2G_TOKEN (shown by `g2g tokens list`). */
export const BOOTSTRAP_TOKEN_LABEL = 'bootstrap (G2G_TOKEN)';

export type SeedOutcome = 'seeded' | 'present' | 'inactive' | 'rotated';

/**
 * Makes the token a node was given to join with (G2G_TOKEN) one it accepts too, as a server
 * token: kubeadm's `init --token`. Every pod of a StatefulSet gets the same token from a Secret,
 * so whichever pod starts first admits the others with it, and two islands that started apart
 * still hold the same token when they meet (token sync merges the two entries: same id, same key).
 *
 * What the store already holds for that id wins: a revoked, used or expired token is not brought
 * back by a restart with the old environment (revocation is final), and a rotated one keeps its new
 * secret. Only the key is stored, never the secret (token-format.ts).
 */
export async function seedBootstrapToken(store: Pick<TokenStore, 'get' | 'merge' | 'verify'>, token: string, deps: { origin: string; clock: Clock; log?: Logger }): Promise<SeedOutcome> {
  const { id, secret } = parseToken(token);
  const key = deriveTokenKey(secret);
  const held = store.get(id);
  if (held) {
    if (held.status !== 'active') {
      deps.log?.warn({ tokenId: id, status: held.status }, 'G2G_TOKEN is no longer valid on this network: it admits no one, and this node cannot join with it either; put a new token in its place');
      return 'inactive';
    }
    try {
      store.verify(token);
      return 'present';
    } catch {
      deps.log?.warn({ tokenId: id }, 'G2G_TOKEN holds an older secret of a token that was rotated since: the network accepts the new secret only');
      return 'rotated';
    }
  }
  const now = deps.clock.now();
  const entry: TokenEntry = {
    id,
    key,
    mode: 'server',
    label: BOOTSTRAP_TOKEN_LABEL,
    createdAt: now,
    updatedAt: now,
    expiresAt: null,
    singleUse: false,
    state: 'active',
    origin: deps.origin,
  };
  // merge(), not create(): the id and key are given, not generated; it persists like any change.
  await store.merge([entry]);
  deps.log?.info({ tokenId: id }, 'G2G_TOKEN accepted as a server token (bootstrap)');
  return 'seeded';
}
