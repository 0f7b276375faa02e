import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { InvalidCertificateError, InvalidOperatorNameError } from '../errors';
import { assertKeyMatchesCert, certFingerprint, parseCert, readCertExtensions } from './cert-info';
import { ipToBytes, ipv4MappedTail, isUnspecifiedIp } from './ip-address';
import { generateRsaKeyPair } from './keygen';
import { CLOCK_SKEW_BACKDATE_MS, type NodeCa } from './node-ca';
import { randomHex, randomSerialHex, signToPem, wholeSeconds } from './x509-sign';

/** A certificate issued by the node CA, with its own fresh private key. */
export interface Leaf {
  certPem: string;
  keyPem: string;
  /** `sha256:<hex>` of the certificate's DER. */
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  /** Lowercase hex. */
  serial: string;
}

export interface IssueLeafOptions {
  now: Date;
  lifetimeMs: number;
  /**
   * Addresses peers dial. IPv4 and IPv6; deduplicated by value; bind-all addresses (`0.0.0.0`,
   * `::`) skipped; IPv4-mapped IPv6 written as IPv4; a zone id (`%eth0`) dropped.
   */
  ips: string[];
  /** Extra DNS names after `DNS:<nodeId>` (e.g. a load balancer's name). */
  dnsNames?: string[];
  /** How far notBefore is backdated for clock skew; default 5 min, never more than lifetime/10. */
  backdateMs?: number;
  /** RSA modulus size of the leaf key; default 2048 (tests use 1024 for speed). */
  keyBits?: number;
}

export interface IssueOperatorOptions {
  /** 1–64 characters of [A-Za-z0-9._@-]. */
  name: string;
  now: Date;
  lifetimeMs: number;
  keyBits?: number;
}

/** The OU that marks operator certificates; authorisation tells operators from members by it. */
export const OPERATOR_OU = 'g2g-operator';

const OPERATOR_NAME_RE = /^[A-Za-z0-9._@-]{1,64}$/;
// Hostname-shaped (RFC 1123 labels, optional leading wildcard): anything else would be encoded
// into an IA5String SAN that TLS clients cannot match anyway.
const DNS_NAME_RE = /^(\*\.)?(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*$/;

/**
 * The node's TLS leaf: both server and client certificate on every port.
 * SAN: `DNS:<nodeId>` first (what peers check), then `dnsNames`, then the IPs.
 * The subject carries a random `serialNumber` attribute so that no two leaves share a DN.
 */
export async function issueLeaf(ca: NodeCa, opts: IssueLeafOptions): Promise<Leaf> {
  const altNames: AltName[] = [{ type: 2, value: ca.nodeId }];
  const seenDns = new Set([ca.nodeId.toLowerCase()]);
  for (const dns of opts.dnsNames ?? []) {
    if (dns.length > 253 || !DNS_NAME_RE.test(dns)) throw new InvalidCertificateError(`not a DNS name for a SAN: ${JSON.stringify(dns)}`);
    if (seenDns.has(dns.toLowerCase())) continue;
    seenDns.add(dns.toLowerCase());
    altNames.push({ type: 2, value: dns });
  }
  const seenIps = new Set<string>();
  for (const ip of opts.ips) {
    let bytes = ipToBytes(ip);
    if (!bytes) throw new InvalidCertificateError(`not an IP address for a SAN: ${JSON.stringify(ip)}`);
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d, but those peers dial (and
    // their TLS stack matches) the plain IPv4 address.
    const mapped = ipv4MappedTail(bytes);
    if (mapped) bytes = ipToBytes(mapped)!;
    if (isUnspecifiedIp(bytes) || seenIps.has(bytes.toString('hex'))) continue;
    seenIps.add(bytes.toString('hex'));
    altNames.push({ type: 7, value: bytes.toString('binary') });
  }

  return issue(ca, {
    now: opts.now,
    lifetimeMs: opts.lifetimeMs,
    backdateMs: opts.backdateMs,
    keyBits: opts.keyBits,
    subject: [
      { name: 'commonName', value: ca.nodeId },
      { name: 'organizationName', value: 'g2g' },
      { name: 'serialNumber', value: randomHex(16) },
    ],
    extensions: [
      { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
}

/**
 * A client-only certificate for a person or a tool such as grpcurl, issued by this node's CA.
 * It has no `DNS:` SAN, so it can never pass as a node leaf; its one SAN is the URI
 * `g2g-operator://<nodeId>/<name>`, naming the issuing node and the operator. Subject:
 * `CN=<name>, OU=g2g-operator, O=g2g`.
 */
export async function issueOperatorCertificate(ca: NodeCa, opts: IssueOperatorOptions): Promise<Leaf> {
  if (typeof opts.name !== 'string' || !OPERATOR_NAME_RE.test(opts.name)) {
    throw new InvalidOperatorNameError(
      `operator name must be 1-64 characters of A-Z a-z 0-9 . _ @ -, got ${JSON.stringify(opts.name)}`,
    );
  }
  return issue(ca, {
    now: opts.now,
    lifetimeMs: opts.lifetimeMs,
    keyBits: opts.keyBits,
    subject: [
      { name: 'commonName', value: opts.name },
      { name: 'organizationalUnitName', value: OPERATOR_OU },
      { name: 'organizationName', value: 'g2g' },
    ],
    extensions: [
      { name: 'keyUsage', critical: true, digitalSignature: true },
      { name: 'extKeyUsage', clientAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 6, value: operatorUri(ca.nodeId, opts.name) }] },
    ],
  });
}

/** The URI SAN of an operator certificate. */
export function operatorUri(nodeId: string, name: string): string {
  return `g2g-operator://${nodeId}/${name}`;
}

/** True if `caPem` signed `leafPem` and names it as issuer (subject/issuer and AKID/SKID agree). */
export function verifyIssuedBy(leafPem: string, caPem: string): boolean {
  try {
    const leaf = new X509Certificate(leafPem);
    const ca = new X509Certificate(caPem);
    return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
  } catch {
    return false;
  }
}

/**
 * The gate before a leaf is pushed to a server: grpc-js drops every new connection on a bad pair.
 * Throws InvalidCertificateError naming the first problem.
 */
export function validateLeaf(ca: NodeCa, leaf: Leaf, now: Date): void {
  assertKeyMatchesCert(leaf.certPem, leaf.keyPem);
  const fingerprint = certFingerprint(leaf.certPem);
  if (leaf.fingerprint !== fingerprint) {
    throw new InvalidCertificateError(`leaf record says fingerprint ${leaf.fingerprint} but its certificate is ${fingerprint}`);
  }
  if (!verifyIssuedBy(leaf.certPem, ca.certPem)) {
    throw new InvalidCertificateError(`leaf ${fingerprint} was not issued by node CA ${ca.fingerprint}`);
  }
  const cert = parseCert(leaf.certPem);
  if (cert.ca) throw new InvalidCertificateError(`leaf ${fingerprint} is a CA certificate`);
  if (!readCertExtensions(leaf.certPem).dnsNames.includes(ca.nodeId)) {
    throw new InvalidCertificateError(`leaf ${fingerprint} does not name DNS:${ca.nodeId} in its subjectAltName`);
  }
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (now < notBefore) throw new InvalidCertificateError(`leaf ${fingerprint} is not valid until ${notBefore.toISOString()}`);
  if (now >= notAfter) throw new InvalidCertificateError(`leaf ${fingerprint} expired at ${notAfter.toISOString()}`);
}

interface AltName {
  type: number;
  value: string;
}

interface IssueSpec {
  now: Date;
  lifetimeMs: number;
  backdateMs?: number | undefined;
  keyBits?: number | undefined;
  subject: forge.pki.CertificateField[];
  extensions: object[];
}

async function issue(ca: NodeCa, spec: IssueSpec): Promise<Leaf> {
  if (!(spec.lifetimeMs >= 1000)) throw new RangeError(`certificate lifetimeMs must be at least 1000, got ${spec.lifetimeMs}`);
  const backdateMs = Math.min(spec.backdateMs ?? CLOCK_SKEW_BACKDATE_MS, spec.lifetimeMs / 10);
  if (!(backdateMs >= 0)) throw new RangeError(`backdateMs must be >= 0, got ${spec.backdateMs}`);

  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKeyId = readCertExtensions(ca.certPem).subjectKeyId;
  if (!caKeyId) throw new InvalidCertificateError(`node CA ${ca.fingerprint} has no subjectKeyIdentifier`);
  const nowMs = spec.now.getTime();
  const notBefore = wholeSeconds(nowMs - backdateMs);
  // A certificate that outlives its issuer fails chain verification once the issuer expires.
  const notAfter = wholeSeconds(Math.min(nowMs + spec.lifetimeMs, caCert.validity.notAfter.getTime()));
  if (notAfter.getTime() <= nowMs) {
    throw new InvalidCertificateError(`node CA ${ca.fingerprint} expired at ${caCert.validity.notAfter.toISOString()}`);
  }

  const keyPair = await generateRsaKeyPair(spec.keyBits);
  const cert = forge.pki.createCertificate();
  cert.version = 2; // v3
  cert.publicKey = forge.pki.publicKeyFromPem(keyPair.publicKeyPem);
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject(spec.subject);
  // Copied from the parsed CA so the issuer DN is byte-for-byte its subject DN.
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', critical: true, cA: false },
    ...spec.extensions,
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: forge.util.hexToBytes(caKeyId) },
  ]);
  const certPem = signToPem(cert, ca.keyPem);
  return {
    certPem,
    keyPem: keyPair.privateKeyPem,
    fingerprint: certFingerprint(certPem),
    notBefore,
    notAfter,
    serial: cert.serialNumber,
  };
}
