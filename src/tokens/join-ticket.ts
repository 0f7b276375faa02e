import { isIP } from 'node:net';
import type { TokenMode } from './token-entry';
import { InvalidTokenError } from './errors';
import { formatToken, parseToken, type TokenParts } from './token-format';
import { InvalidTicketError, TicketExpiredError } from './ticket-errors';

/**
 * Join tickets:
 *
 *   g2g://<id>.<secret>@host:port[,host2:port2...]?mode=server|client[&ca=sha256:<hex>][&cluster=<name>][&exp=<unix-s>]
 *
 * - addresses: the nominating node's register port(s), tried in order; hosts are DNS names,
 *   IPv4, or [IPv6] in brackets.
 * - mode: the mode the token admits (a server ticket may also join as a client).
 * - ca: the SHA-256 fingerprint of the nominating node's CA certificate; the newcomer refuses a
 *   node whose CA differs. Optional (a hand-made ticket may omit it), but `g2g nominate` sets it.
 * - cluster: the cluster name; the newcomer refuses a ticket for another cluster before dialling.
 * - exp: expiry in Unix seconds; the newcomer refuses an expired ticket before dialling (the node
 *   enforces the token's own expiry regardless).
 *
 * Parsing is strict: an unknown or repeated parameter is an error, so a ticket from a newer
 * version that adds a security parameter is refused rather than half-understood. No error
 * message ever contains the secret.
 */

export interface TicketAddress {
  /** DNS name or IP, without brackets. */
  host: string;
  port: number;
}

export interface JoinTicket {
  token: TokenParts;
  addresses: TicketAddress[];
  mode: TokenMode;
  /** `sha256:<64 lowercase hex>`. */
  caFingerprint?: string;
  cluster?: string;
  /** Milliseconds since the epoch (whole seconds on the wire). */
  expiresAt?: number;
}

export const TICKET_SCHEME = 'g2g://';
export const MAX_TICKET_LENGTH = 4096;
export const MAX_TICKET_ADDRESSES = 16;
const CA_FINGERPRINT_RE = /^sha256:[0-9a-f]{64}$/;
const CLUSTER_RE = /^[a-z0-9-]{1,63}$/;
const DNS_NAME_RE = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/;
const PARAMS = ['mode', 'ca', 'cluster', 'exp'] as const;
type Param = (typeof PARAMS)[number];

export function parseTicket(ticket: unknown): JoinTicket {
  if (typeof ticket !== 'string') throw new InvalidTicketError('scheme', `a ticket is a string starting with ${TICKET_SCHEME}`);
  if (ticket.length > MAX_TICKET_LENGTH) throw new InvalidTicketError('too-long', `longer than ${MAX_TICKET_LENGTH} characters`);
  if (/\s/.test(ticket)) throw new InvalidTicketError('whitespace', 'contains whitespace (was it wrapped or pasted with a newline?)');
  if (!ticket.startsWith(TICKET_SCHEME)) {
    throw new InvalidTicketError('scheme', `must start with ${TICKET_SCHEME}, got ${JSON.stringify(redactTicket(ticket).slice(0, 12))}`);
  }
  const rest = ticket.slice(TICKET_SCHEME.length);
  // The token's alphabet has no "@", so the first one ends it.
  const at = rest.indexOf('@');
  if (at < 0) throw new InvalidTicketError('token', 'no "@" between the token and the address(es)');
  let token: TokenParts;
  try {
    token = parseToken(rest.slice(0, at));
  } catch (err) {
    if (err instanceof InvalidTokenError) throw new InvalidTicketError('token', err.message);
    throw err;
  }
  const afterToken = rest.slice(at + 1);
  const question = afterToken.indexOf('?');
  if (question < 0) throw new InvalidTicketError('query', `no "?mode=..." after the address(es) of ticket ${redactTicket(ticket)}`);
  const addresses = parseAddresses(afterToken.slice(0, question));
  const params = parseQuery(afterToken.slice(question + 1));

  const mode = params.get('mode');
  if (mode === undefined) throw new InvalidTicketError('mode', 'mode=server or mode=client is required');
  if (mode !== 'server' && mode !== 'client') throw new InvalidTicketError('mode', `mode must be server or client, got ${JSON.stringify(mode)}`);
  const parsed: JoinTicket = { token, addresses, mode };

  const ca = params.get('ca');
  if (ca !== undefined) {
    if (!CA_FINGERPRINT_RE.test(ca)) throw new InvalidTicketError('ca', 'ca must be sha256: followed by 64 lowercase hex digits');
    parsed.caFingerprint = ca;
  }
  const cluster = params.get('cluster');
  if (cluster !== undefined) {
    if (!CLUSTER_RE.test(cluster)) throw new InvalidTicketError('cluster', `cluster must be 1-63 characters of a-z, 0-9 and "-", got ${JSON.stringify(cluster.slice(0, 70))}`);
    parsed.cluster = cluster;
  }
  const exp = params.get('exp');
  if (exp !== undefined) {
    if (!/^[0-9]{1,12}$/.test(exp)) throw new InvalidTicketError('exp', `exp must be a Unix time in whole seconds, got ${JSON.stringify(exp.slice(0, 20))}`);
    parsed.expiresAt = Number(exp) * 1000;
  }
  return parsed;
}

export function formatTicket(ticket: JoinTicket): string {
  if (ticket.addresses.length === 0) throw new InvalidTicketError('address', 'a ticket needs at least one address');
  const addresses = ticket.addresses.map(formatTicketAddress).join(',');
  const query = [`mode=${ticket.mode}`];
  if (ticket.caFingerprint !== undefined) query.push(`ca=${ticket.caFingerprint}`);
  if (ticket.cluster !== undefined) query.push(`cluster=${ticket.cluster}`);
  if (ticket.expiresAt !== undefined) query.push(`exp=${Math.floor(ticket.expiresAt / 1000)}`);
  const text = `${TICKET_SCHEME}${formatToken(ticket.token)}@${addresses}?${query.join('&')}`;
  // What we print must be what we accept: a bad field (host, ca, cluster) fails here, not at the newcomer.
  parseTicket(text);
  return text;
}

export function formatTicketAddress(address: TicketAddress): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** Throws TicketExpiredError if the ticket's `exp` is at or before `now`. */
export function assertTicketFresh(ticket: JoinTicket, now: number): void {
  if (ticket.expiresAt !== undefined && ticket.expiresAt <= now) throw new TicketExpiredError(ticket.expiresAt);
}

/** The ticket with its secret replaced by `***` (safe for messages and logs). */
export function redactTicket(ticket: string): string {
  return ticket.replace(/^(g2g:\/\/[^.@]*\.)[^@]*/, '$1***');
}

function parseAddresses(text: string): TicketAddress[] {
  if (text === '') throw new InvalidTicketError('address', 'no address after "@"');
  const parts = text.split(',');
  if (parts.length > MAX_TICKET_ADDRESSES) throw new InvalidTicketError('address', `more than ${MAX_TICKET_ADDRESSES} addresses`);
  return parts.map(parseAddress);
}

function parseAddress(text: string): TicketAddress {
  const shown = JSON.stringify(text.slice(0, 80));
  let host: string;
  let portText: string;
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2]!;
    if (isIP(host) !== 6) throw new InvalidTicketError('address', `${shown}: only an IPv6 address goes in brackets`);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) throw new InvalidTicketError('address', `${shown} has no port (host:port)`);
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) throw new InvalidTicketError('address', `${shown}: an IPv6 address must be in brackets, [addr]:port`);
    if (host === '') throw new InvalidTicketError('address', `${shown} has no host`);
    if (isIP(host) !== 4 && (host.length > 253 || !DNS_NAME_RE.test(host))) {
      throw new InvalidTicketError('address', `${shown}: host is neither an IP address nor a DNS name`);
    }
  }
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new InvalidTicketError('address', `${shown}: port must be 1-65535`);
  }
  return { host, port: Number(portText) };
}

function parseQuery(text: string): Map<Param, string> {
  const params = new Map<Param, string>();
  if (text === '') return params;
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidTicketError('query', `parameter ${JSON.stringify(pair.slice(0, 40))} is not name=value`);
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (!(PARAMS as readonly string[]).includes(name)) {
      throw new InvalidTicketError('unknown-parameter', `unknown parameter ${JSON.stringify(name.slice(0, 40))} (known: ${PARAMS.join(', ')})`);
    }
    if (params.has(name as Param)) throw new InvalidTicketError('duplicate-parameter', `parameter ${name} appears twice`);
    params.set(name as Param, value);
  }
  return params;
}
