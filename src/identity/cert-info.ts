import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import { InvalidCertificateError } from '../errors';
import { bytesToIp } from './ip-address';

/**
 * Pure, read-only helpers over certificates. Parsing goes through node:crypto's X509Certificate
 * (OpenSSL) wherever it exposes the field; extensions it does not expose as data (SAN, AKID,
 * EKU, key usage) are read from the DER with node-forge's ASN.1 parser, never by re-parsing
 * OpenSSL's human-readable text.
 */

export const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

export interface CertDescription {
  subject: string;
  issuer: string;
  /** Lowercase hex. */
  serial: string;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  dnsNames: string[];
  ips: string[];
}

/** The extensions g2g relies on, as data. Absent extensions read as `undefined` / empty. */
export interface CertExtensions {
  basicConstraints?: { ca: boolean; pathLen?: number; critical: boolean };
  keyUsage?: { digitalSignature: boolean; keyEncipherment: boolean; keyCertSign: boolean; cRLSign: boolean; critical: boolean };
  /** Extended key usage OIDs, e.g. {@link OID_SERVER_AUTH}. */
  extKeyUsage: string[];
  dnsNames: string[];
  ips: string[];
  uris: string[];
  /** Lowercase hex. */
  subjectKeyId?: string;
  /** The keyIdentifier field of the AKID, lowercase hex. */
  authorityKeyId?: string;
}

export function parseCert(certPem: string): X509Certificate {
  try {
    return new X509Certificate(certPem);
  } catch (err) {
    throw new InvalidCertificateError(`not a PEM certificate: ${(err as Error).message}`, { cause: err });
  }
}

/** `sha256:<lowercase hex>` of a certificate's DER: the form g2g prints, logs and gossips. */
export function derFingerprint(der: Uint8Array): string {
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

export function certFingerprint(certPem: string): string {
  return derFingerprint(parseCert(certPem).raw);
}

export function certNotBefore(certPem: string): Date {
  return new Date(parseCert(certPem).validFrom);
}

export function certNotAfter(certPem: string): Date {
  return new Date(parseCert(certPem).validTo);
}

const PEM_BLOCK_RE = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** The PEM blocks in `pem`, in order, each ending with a newline; text between blocks is dropped. */
export function splitPemBundle(pem: string): string[] {
  return Array.from(pem.matchAll(PEM_BLOCK_RE), (m) => `${m[0]}\n`);
}

/**
 * One buffer holding every PEM, separated by newlines. grpc-js ignores a PEM that
 * follows the previous one's END line without a newline, silently dropping trust roots.
 */
export function joinPemBundle(pems: string[]): string {
  return pems.map((p) => `${p.trim()}\n`).join('');
}

/**
 * Throws InvalidCertificateError unless `keyPem` is the private key of `certPem`. grpc-js drops
 * every new connection when it is given a mismatched pair, so this runs before any push.
 */
export function assertKeyMatchesCert(certPem: string, keyPem: string): void {
  const cert = parseCert(certPem);
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch (err) {
    // The OpenSSL message never contains key material, only the reason the PEM did not parse.
    throw new InvalidCertificateError(`private key is unparseable: ${(err as Error).message}`, { cause: err });
  }
  if (!matches) {
    throw new InvalidCertificateError(`private key does not belong to certificate ${certFingerprint(certPem)}`);
  }
}

export function describeCert(certPem: string): CertDescription {
  const cert = parseCert(certPem);
  const ext = readCertExtensions(certPem);
  return {
    subject: oneLineName(cert.subject),
    issuer: oneLineName(cert.issuer),
    serial: cert.serialNumber.toLowerCase(),
    fingerprint: certFingerprint(certPem),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    dnsNames: ext.dnsNames,
    ips: ext.ips,
  };
}

/** The CN of a subject as OpenSSL prints it (`CN=...` line), or `undefined`. */
export function subjectCommonName(cert: X509Certificate): string | undefined {
  const line = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  return line?.slice(3);
}

const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_KEY_USAGE = '2.5.29.15';
const OID_EXT_KEY_USAGE = '2.5.29.37';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';
const OID_SUBJECT_KEY_ID = '2.5.29.14';
const OID_AUTHORITY_KEY_ID = '2.5.29.35';

/** Minimal shape of what node-forge's (untyped) `certificateExtensionFromAsn1` returns. */
interface ForgeExtension {
  id: string;
  critical: boolean;
  /** DER of extnValue's contents, as a binary string. */
  value: string;
  [flag: string]: unknown;
}

const forgePki = forge.pki as unknown as {
  certificateExtensionFromAsn1(ext: forge.asn1.Asn1): ForgeExtension;
};

export function readCertExtensions(certPem: string): CertExtensions {
  const out: CertExtensions = { extKeyUsage: [], dnsNames: [], ips: [], uris: [] };
  for (const e of rawExtensions(parseCert(certPem).raw)) {
    switch (e.id) {
      case OID_BASIC_CONSTRAINTS: {
        const parsed = forgePki.certificateExtensionFromAsn1(e.node);
        out.basicConstraints = {
          ca: parsed['cA'] === true,
          critical: e.critical,
          ...(typeof parsed['pathLenConstraint'] === 'number' ? { pathLen: parsed['pathLenConstraint'] } : {}),
        };
        break;
      }
      case OID_KEY_USAGE: {
        const parsed = forgePki.certificateExtensionFromAsn1(e.node);
        out.keyUsage = {
          digitalSignature: parsed['digitalSignature'] === true,
          keyEncipherment: parsed['keyEncipherment'] === true,
          keyCertSign: parsed['keyCertSign'] === true,
          cRLSign: parsed['cRLSign'] === true,
          critical: e.critical,
        };
        break;
      }
      case OID_EXT_KEY_USAGE:
        out.extKeyUsage = children(forge.asn1.fromDer(e.value)).map((oid) => forge.asn1.derToOid(oid.value as string));
        break;
      case OID_SUBJECT_ALT_NAME:
        for (const gn of children(forge.asn1.fromDer(e.value))) {
          if (gn.tagClass !== forge.asn1.Class.CONTEXT_SPECIFIC || typeof gn.value !== 'string') continue;
          if (gn.type === 2) out.dnsNames.push(gn.value);
          else if (gn.type === 6) out.uris.push(gn.value);
          else if (gn.type === 7) {
            const ip = bytesToIp(Buffer.from(gn.value, 'binary'));
            if (ip !== undefined) out.ips.push(ip);
          }
        }
        break;
      case OID_SUBJECT_KEY_ID:
        out.subjectKeyId = forge.util.bytesToHex(forge.asn1.fromDer(e.value).value as string);
        break;
      case OID_AUTHORITY_KEY_ID: {
        // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, ... }
        const keyId = children(forge.asn1.fromDer(e.value)).find(
          (n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 0,
        );
        if (keyId && typeof keyId.value === 'string') out.authorityKeyId = forge.util.bytesToHex(keyId.value);
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** Extensions straight from the DER, so this also works for keys node-forge cannot load (EC). */
function rawExtensions(der: Buffer): Array<{ id: string; critical: boolean; value: string; node: forge.asn1.Asn1 }> {
  const cert = forge.asn1.fromDer(der.toString('binary'));
  const tbs = children(cert)[0];
  // tbsCertificate's `extensions [3] EXPLICIT Extensions` is the only context tag 3 at that level.
  const wrapper = tbs
    ? children(tbs).find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 3)
    : undefined;
  const list = wrapper ? children(wrapper)[0] : undefined;
  if (!list) return [];
  return children(list).map((node) => {
    const parts = children(node);
    const id = forge.asn1.derToOid(parts[0]!.value as string);
    const hasCritical = parts[1]?.type === forge.asn1.Type.BOOLEAN;
    const critical = hasCritical && (parts[1]!.value as string).charCodeAt(0) !== 0;
    const value = parts[hasCritical ? 2 : 1]!.value as string;
    return { id, critical, value, node };
  });
}

function children(node: forge.asn1.Asn1): forge.asn1.Asn1[] {
  return Array.isArray(node.value) ? node.value : [];
}

function oneLineName(multiLine: string): string {
  return multiLine.split('\n').filter(Boolean).join(', ');
}
