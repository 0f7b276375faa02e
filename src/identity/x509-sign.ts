import { randomBytes, sign } from 'node:crypto';
import forge from 'node-forge';

/**
 * The two steps of building a certificate that node-forge does not do the way we want: random
 * serials, and signing. Certificates are assembled with node-forge but signed by
 * node:crypto, so the CA's private key is only ever handled by OpenSSL, and a 2048-bit RSA
 * signature costs microseconds of native code rather than milliseconds of blocking JS.
 */

/**
 * A positive, minimally-encoded 128-bit serial (RFC 5280 §4.1.2.2: positive, ≤ 20 octets; CA/B
 * Baseline Requirements: ≥ 64 bits from a CSPRNG). The top bit is cleared so DER does not read
 * it as negative, and the next one set so the first octet is never 0x00 (non-minimal DER).
 * Serials come from the CSPRNG, not the injected Random: they must be unpredictable, not replayable.
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** Random lowercase hex for DN attributes that only need to be unique. */
export function randomHex(byteCount: number): string {
  return randomBytes(byteCount).toString('hex');
}

/**
 * X.509 UTCTime has whole seconds; truncating here (not in the encoder) means the Date we report
 * is exactly the one in the certificate.
 */
export function wholeSeconds(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

const forgePki = forge.pki as unknown as {
  getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1;
};

/** Signs `cert` with sha256WithRSAEncryption using the PEM private key, and returns its PEM. */
export function signToPem(cert: forge.pki.Certificate, signerKeyPem: string): string {
  cert.signatureOid = forge.pki.oids['sha256WithRSAEncryption']!;
  cert.siginfo.algorithmOid = cert.signatureOid;
  cert.tbsCertificate = forgePki.getTBSCertificate(cert);
  const tbsDer = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  // RSA defaults to PKCS#1 v1.5 padding, which is what sha256WithRSAEncryption means.
  cert.signature = sign('sha256', tbsDer, signerKeyPem).toString('binary');
  return forge.pki.certificateToPem(cert);
}
