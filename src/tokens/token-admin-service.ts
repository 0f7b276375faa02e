import type * as grpc from '@grpc/grpc-js';
import { G2gError } from '../errors';
import type { Logger } from '../log/logger';
import type { AdminHandlers } from '../proto/generated/g2g/v1/Admin';
import { formatTicket, type TicketAddress } from './join-ticket';
import { describeCaller, type Caller } from '../transport/caller-identity';
import { callerOf } from '../transport/connection-identity';
import { unaryHandler } from '../transport/call-handlers';
import type { Clock } from '../util/clock';
import { InvalidTokenRequestError } from './errors';

export { TokenAdminDeniedError } from './errors';
import type { TokenMode } from './token-entry';
import { parseToken } from './token-format';
import type { TokenStore } from './token-store';
import { modeFromWire, tokenInfoToWire } from './token-wire';

/** Nominate's ticket lifetime when the request gives none: a day, as kubeadm's bootstrap tokens. */
export const DEFAULT_NOMINATE_TTL_MS = 24 * 3600_000;

export type TokenAdminMethod = 'CreateToken' | 'ListTokens' | 'RevokeToken' | 'RotateToken' | 'Nominate';

export interface TokenAdminComponents {
  tokens: Pick<TokenStore, 'create' | 'list' | 'revoke' | 'rotate'>;
  /** What a ticket from this node carries: its register address(es), CA fingerprint and cluster. */
  ticketFacts(): { addresses: TicketAddress[]; caFingerprint: string; cluster: string };
  /**
   * Refuses a caller the gossip port let in but who may not manage tokens; default: allow.
   * The node should refuse client-mode members here (an application must not mint tokens).
   */
  authorize?(caller: Caller | undefined, method: TokenAdminMethod): G2gError | undefined;
  clock: Clock;
  log: Logger;
  defaultNominateTtlMs?: number;
}

type TokenAdminHandlers = Pick<AdminHandlers, TokenAdminMethod>;

/**
 * Admin RPCs for tokens and nomination (mounted by the node on the Admin service). Secrets leave
 * only in the response of the call that made them, and are never logged.
 */
export function tokenAdminHandlers(components: TokenAdminComponents): TokenAdminHandlers {
  const log = components.log;

  /** Runs `fn` for an authorised caller; what it throws answers with its own status. */
  function handle<Req, Res>(method: TokenAdminMethod, fn: (request: Req, who: string) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
    return unaryHandler(log, `Admin.${method}`, (call) => {
      const caller = callerOf(call, components.clock.now());
      const who = describeCaller(caller);
      const denied = components.authorize?.(caller, method);
      if (denied) {
        log.warn({ caller: who, method }, 'token administration refused');
        throw denied;
      }
      return fn(call.request, who);
    });
  }

  return {
    CreateToken: handle('CreateToken', async (request, who) => {
      const issued = await components.tokens.create({
        mode: requestMode(request.mode),
        label: request.label,
        ttlMs: Number(request.ttlMs),
        singleUse: request.singleUse,
      });
      log.info({ tokenId: issued.info.id, mode: issued.info.mode, singleUse: issued.info.singleUse, expiresAt: issued.info.expiresAt, caller: who }, 'token created');
      return { info: tokenInfoToWire(issued.info), token: issued.token };
    }),

    ListTokens: handle('ListTokens', (request) => ({
      tokens: components.tokens.list({ includeInactive: request.includeInactive }).map(tokenInfoToWire),
    })),

    RevokeToken: handle('RevokeToken', async (request, who) => {
      const info = await components.tokens.revoke(tokenId(request.id));
      log.info({ tokenId: info.id, caller: who }, 'token revoked');
      return { info: tokenInfoToWire(info) };
    }),

    RotateToken: handle('RotateToken', async (request, who) => {
      const issued = await components.tokens.rotate(tokenId(request.id));
      log.info({ tokenId: issued.info.id, caller: who }, 'token rotated');
      return { info: tokenInfoToWire(issued.info), token: issued.token };
    }),

    Nominate: handle('Nominate', async (request, who) => {
      const mode = requestMode(request.mode);
      const facts = components.ticketFacts();
      if (facts.addresses.length === 0) throw new InvalidTokenRequestError('this node has no register address to put in a ticket (set advertise addresses)');
      const ttlMs = Number(request.ttlMs) || (components.defaultNominateTtlMs ?? DEFAULT_NOMINATE_TTL_MS);
      const issued = await components.tokens.create({
        mode,
        ttlMs,
        singleUse: !request.reusable,
        label: request.label || `nominated by ${who}`.slice(0, 128),
      });
      const { id, secret } = parseToken(issued.token);
      const ticket = formatTicket({
        token: { id, secret },
        addresses: facts.addresses,
        mode,
        caFingerprint: facts.caFingerprint,
        cluster: facts.cluster,
        ...(issued.info.expiresAt !== null ? { expiresAt: issued.info.expiresAt } : {}),
      });
      log.info({ tokenId: id, mode, singleUse: issued.info.singleUse, expiresAt: issued.info.expiresAt, caller: who }, 'nominated: join ticket issued');
      return { ticket, info: tokenInfoToWire(issued.info) };
    }),
  };
}

function requestMode(mode: unknown): TokenMode {
  const parsed = modeFromWire(mode as string);
  if (!parsed) throw new InvalidTokenRequestError('mode must be NODE_MODE_SERVER or NODE_MODE_CLIENT');
  return parsed;
}

function tokenId(id: string): string {
  // The id alone, or a whole token pasted by mistake: never echo what follows the dot.
  const bare = id.includes('.') ? id.slice(0, id.indexOf('.')) : id;
  if (!/^[a-z2-7]{8,16}$/.test(bare)) throw new InvalidTokenRequestError('id must be a token id (8-16 characters of a-z and 2-7)');
  return bare;
}
