import type { PeerCertificate } from 'node:tls';
import { OPERATOR_OU } from '../identity/leaf';
import { CLOCK_SKEW_BACKDATE_MS } from '../identity/node-ca';

/** Who is calling the gossip port, as proven by the verified client certificate. */
export type Caller =
  | { kind: 'member'; nodeId: string }
  /** A person or tool holding a certificate from `g2g credentials`, issued by member `nodeId`'s CA. */
  | { kind: 'operator'; name: string; nodeId: string };

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';

export type CallerResult = { ok: true; caller: Caller } | { ok: false; reason: string };

/** What a certificate proves, apart from time: cacheable for the life of a TLS connection. */
export type CertificateIdentity =
  | { ok: true; caller: Caller; notBefore: number; notAfter: number; validFrom: string; validTo: string }
  | { ok: false; reason: string };

/**
 * Reads the caller from the certificate TLS verified against the trust bundle. The bundle holds
 * only member node CAs, each with the unique subject `CN=<nodeId> CA`, so the issuer names the
 * member whose CA vouched for this certificate. A member certificate must name that same member
 * (a member's CA must not mint leaves for another id); anything else must be an operator's.
 */
export function certificateIdentity(cert: PeerCertificate | undefined): CertificateIdentity {
  if (!cert || !cert.raw || cert.raw.length === 0) return { ok: false, reason: 'no verified client certificate' };
  const issuerCn = first(cert.issuer?.CN);
  const match = /^([a-z2-7]{8,64}) CA$/.exec(issuerCn ?? '');
  if (!match) return { ok: false, reason: `certificate issuer "${issuerCn ?? ''}" is not a g2g node CA` };
  const issuer = match[1];
  const eku = cert.ext_key_usage ?? [];
  if (!eku.includes(CLIENT_AUTH_OID)) return { ok: false, reason: 'certificate is not for client authentication' };
  const validity = { notBefore: Date.parse(cert.valid_from), notAfter: Date.parse(cert.valid_to), validFrom: cert.valid_from, validTo: cert.valid_to };
  if (first(cert.subject?.OU) === OPERATOR_OU) {
    return { ok: true, caller: { kind: 'operator', name: first(cert.subject?.CN) ?? '', nodeId: issuer }, ...validity };
  }
  const dnsNames = sanDnsNames(cert);
  if (dnsNames[0] !== issuer) {
    return { ok: false, reason: `certificate names "${dnsNames[0] ?? ''}" but was issued by the CA of ${issuer}` };
  }
  return { ok: true, caller: { kind: 'member', nodeId: issuer }, ...validity };
}

/**
 * The caller at time `now`: a connection outlives the TLS check of its certificate's validity,
 * so expiry is checked on every call.
 */
export function callerAt(identity: CertificateIdentity, now: number): CallerResult {
  if (!identity.ok) return identity;
  if (identity.notAfter <= now) return { ok: false, reason: `certificate expired at ${identity.validTo}` };
  if (identity.notBefore > now) return { ok: false, reason: `certificate not valid before ${identity.validFrom}` };
  return { ok: true, caller: identity.caller };
}

/**
 * Why an operator certificate lives longer than this node allows (`maxLifetimeMs`), or undefined
 * if it does not (or is not an operator's). An operator certificate cannot be revoked short of
 * rotating the node CA, so the CLI's cap on `--ttl` is only half the bound: a certificate minted
 * by other means with the CA key must be refused where it is used. Issuers backdate notBefore by
 * up to 5 minutes for clock skew (and round to whole seconds), so that much is tolerated.
 */
export function operatorLifetimeRefusal(identity: CertificateIdentity, maxLifetimeMs: number): string | undefined {
  if (!identity.ok || identity.caller.kind !== 'operator') return undefined;
  const lifetimeMs = identity.notAfter - identity.notBefore;
  if (!(lifetimeMs > maxLifetimeMs + CLOCK_SKEW_BACKDATE_MS + 1_000)) return undefined;
  const hours = (ms: number) => `${Math.round((ms / 3_600_000) * 100) / 100} h`;
  return `operator certificate "${identity.caller.name}" is valid for ${hours(lifetimeMs)} (${identity.validFrom} to ${identity.validTo}), longer than this node's operatorCertMaxLifetime of ${hours(maxLifetimeMs)}; issue a shorter one with g2g credentials --ttl`;
}

export function identifyCaller(cert: PeerCertificate | undefined, now: number): CallerResult {
  return callerAt(certificateIdentity(cert), now);
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
