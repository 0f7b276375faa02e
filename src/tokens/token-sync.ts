import type { Logger } from '../log/logger';
import type { TokenSyncHandlers } from '../proto/generated/g2g/v1/TokenSync';
import type { TokenSyncClient } from '../proto/generated/g2g/v1/TokenSync';
import { unaryHandler } from '../transport/call-handlers';
import { callerOf } from '../transport/connection-identity';
import { CallerNotAllowedError } from '../transport/request-errors';
import { unaryCall } from '../transport/unary-call';
import type { Clock, TimerHandle } from '../util/clock';
import type { Random } from '../util/random';
import type { TokenStore } from './token-store';
import { tokenEntryFromWire, tokenEntryToWire } from './token-wire';

/** Which members may exchange tokens: server-mode members only (a token key admits newcomers). */
export type ModeOf = (nodeId: string) => 'server' | 'client' | undefined;

/**
 * The server side of g2g.v1.TokenSync: merges a server-mode member's tokens and answers with
 * ours. Anyone else (client-mode members, operators) is refused: holding a token's key is
 * enough to admit newcomers.
 */
export function tokenSyncHandlers(components: { tokens: TokenStore; modeOf: ModeOf; log: Logger; now(): number }): TokenSyncHandlers {
  return {
    Sync: unaryHandler(components.log, 'TokenSync.Sync', async (call) => {
      const caller = callerOf(call, components.now());
      if (caller?.kind !== 'member' || components.modeOf(caller.nodeId) !== 'server') throw new CallerNotAllowedError('token sync is for server-mode members only');
      const result = await components.tokens.merge(call.request.entries.map(tokenEntryFromWire));
      if (result.rejected.length > 0) components.log.warn({ from: caller.nodeId, rejected: result.rejected }, 'rejected synced tokens');
      return { entries: components.tokens.snapshot().map(tokenEntryToWire) };
    }),
  };
}

export interface TokenSyncerComponents {
  tokens: TokenStore;
  /** Alive server-mode peers (not us). */
  serverPeers(): string[];
  clientFor(nodeId: string): TokenSyncClient | undefined;
  clock: Clock;
  random: Random;
  log: Logger;
}

/**
 * The client side: pushes every local token change to every server-mode peer at once (so a
 * revocation is refused everywhere promptly), and runs push-pull anti-entropy with one random
 * server peer every `intervalMs` to repair what a push missed (a peer that was down), pruning
 * the store in the same round.
 */
export class TokenSyncer {
  private timer: TimerHandle | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly c: TokenSyncerComponents, private readonly intervalMs: number, private readonly timeoutMs: number) {}

  /** Starts with one round at once, so a node that just joined learns the network's tokens. */
  start(): void {
    this.unsubscribe = this.c.tokens.onChange((_entries, source) => {
      if (source === 'local') for (const peer of this.c.serverPeers()) void this.syncWith(peer);
    });
    this.schedule(0);
  }

  stop(): void {
    this.timer?.cancel();
    this.unsubscribe?.();
  }

  private schedule(delayMs = this.intervalMs): void {
    this.timer = this.c.clock.setTimeout(() => {
      const peers = this.c.serverPeers();
      const peer = peers[Math.floor(this.c.random.next() * peers.length)];
      // Each round also forgets tombstones and expired tokens past their retention, so the store
      // (and every sync message) does not grow for ever.
      Promise.all([peer ? this.syncWith(peer) : undefined, this.c.tokens.prune().catch(() => 0)]).finally(() => this.schedule());
    }, delayMs);
  }

  /** One push-pull with `nodeId`; failures are logged at debug (the next round repairs them). */
  async syncWith(nodeId: string): Promise<void> {
    const client = this.c.clientFor(nodeId);
    if (!client) return;
    const entries = this.c.tokens.snapshot().map(tokenEntryToWire);
    try {
      const response = await unaryCall(client, 'Sync', { entries }, { timeoutMs: this.timeoutMs });
      const result = await this.c.tokens.merge(response.entries.map(tokenEntryFromWire));
      if (result.rejected.length > 0) this.c.log.warn({ from: nodeId, rejected: result.rejected }, 'rejected synced tokens');
    } catch (error) {
      this.c.log.debug({ peer: nodeId, err: (error as Error)?.message }, 'token sync failed');
    }
  }
}
