import type { PeerCertificate } from 'node:tls';
import { OPERATOR_OU } from '../identity/leaf';

/** Who is calling the gossip port, as proven by the verified client certificate. */
export type Caller =
  | { kind: 'member'; nodeId: string }
  /** A person or tool holding a certificate from `g2g credentials`, issued by member `nodeId`'s CA. */
  | { kind: 'operator'; name: string; nodeId: string };

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';

export type CallerResult = { ok: true; caller: Caller } | { ok: false; reason: string };

/**
 * Reads the caller from the certificate TLS verified against the trust bundle. The bundle holds
 * only member node CAs, each with the unique subject `CN=<nodeId> CA`, so the issuer names the
 * member whose CA vouched for this certificate. A member certificate must name that same member
 * (a member's CA must not mint leaves for another id); anything else must be an operator's.
 */
export function identifyCaller(cert: PeerCertificate | undefined, now: number): CallerResult {
  if (!cert || !cert.raw || cert.raw.length === 0) return { ok: false, reason: 'no verified client certificate' };
  const issuerCn = first(cert.issuer?.CN);
  const match = /^([a-z2-7]{8,64}) CA$/.exec(issuerCn ?? '');
  if (!match) return { ok: false, reason: `certificate issuer "${issuerCn ?? ''}" is not a g2g node CA` };
  const issuer = match[1];
  if (Date.parse(cert.valid_to) <= now) return { ok: false, reason: `certificate expired at ${cert.valid_to}` };
  if (Date.parse(cert.valid_from) > now) return { ok: false, reason: `certificate not valid before ${cert.valid_from}` };
  const eku = cert.ext_key_usage ?? [];
  if (!eku.includes(CLIENT_AUTH_OID)) return { ok: false, reason: 'certificate is not for client authentication' };
  if (first(cert.subject?.OU) === OPERATOR_OU) {
    return { ok: true, caller: { kind: 'operator', name: first(cert.subject?.CN) ?? '', nodeId: issuer } };
  }
  const dnsNames = sanDnsNames(cert);
  if (dnsNames[0] !== issuer) {
    return { ok: false, reason: `certificate names "${dnsNames[0] ?? ''}" but was issued by the CA of ${issuer}` };
  }
  return { ok: true, caller: { kind: 'member', nodeId: issuer } };
}

/** The caller of a call that already passed the authorisation interceptor. */
export function callerOf(call: { getAuthContext(): { sslPeerCertificate?: PeerCertificate } }, now = Date.now()): Caller | undefined {
  const result = identifyCaller(call.getAuthContext().sslPeerCertificate, now);
  return result.ok ? result.caller : undefined;
}

export function describeCaller(caller: Caller | undefined): string {
  if (!caller) return 'anonymous';
  return caller.kind === 'member' ? `member:${caller.nodeId}` : `operator:${caller.name}@${caller.nodeId}`;
}

/** The DNS names of a peer certificate's SAN, in order (a node leaf names its nodeId first). */
export function sanDnsNames(cert: PeerCertificate): string[] {
  return (cert.subjectaltname ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
}

/** Node reports a DN attribute that occurs twice as an array. */
export function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
