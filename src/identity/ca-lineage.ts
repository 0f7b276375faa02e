import { createHash, sign, verify, X509Certificate } from 'node:crypto';
import { InvalidCertificateError } from '../errors';
import { subjectCommonName } from './cert-info';
import { nodeIdFromPublicKey } from './node-id';

/**
 * Node-CA rotation keeps the node id. The id is derived from the *original* CA's
 * public key (node-id.ts), so after a rotation the current CA's key no longer derives it; the
 * node then carries its **lineage**: every CA certificate it has had, oldest first, each after
 * the first endorsed by the key of the one before it. Anyone can check a lineage from the node id
 * alone — the first certificate's key derives the id, and each endorsement verifies under the
 * previous key — so a rotated CA is trusted exactly as far as the original would be, and a CA
 * that no key of the node endorsed is never trusted.
 */

/** One certificate of a lineage; `signature` is empty for the first (original) one. */
export interface CaEndorsement {
  readonly caCertPem: string;
  /** The previous CA key's signature over endorsementSigningBytes(nodeId, caCertPem). */
  readonly signature: Uint8Array;
}

const ENDORSEMENT_DOMAIN = 'g2g.v1.CaEndorsement\n';

/** What an endorsing key signs: the node id and the SHA-256 of the new CA certificate's DER. */
export function endorsementSigningBytes(nodeId: string, caCertPem: string): Buffer {
  const der = parseCa(caCertPem).raw;
  const domain = Buffer.from(ENDORSEMENT_DOMAIN, 'utf8');
  const id = Buffer.from(nodeId, 'utf8');
  const lengths = Buffer.alloc(8);
  lengths.writeUInt32BE(domain.length, 0);
  lengths.writeUInt32BE(id.length, 4);
  return Buffer.concat([lengths, domain, id, createHash('sha256').update(der).digest()]);
}

/** The previous CA key (`endorserKeyPem`) endorses `caCertPem` as the next CA of `nodeId`. */
export function endorse(nodeId: string, caCertPem: string, endorserKeyPem: string): CaEndorsement {
  return { caCertPem, signature: sign('sha256', endorsementSigningBytes(nodeId, caCertPem), endorserKeyPem) };
}

/**
 * Checks that `lineage` proves `caCertPem` is a CA of `nodeId`, and that `previousCaCertPem`
 * (if any) is the CA just before it. Throws InvalidCertificateError naming the first problem.
 * An empty lineage means "never rotated": `caCertPem`'s own key must derive `nodeId`.
 */
export function verifyLineage(nodeId: string, caCertPem: string, lineage: readonly CaEndorsement[], previousCaCertPem = ''): void {
  if (lineage.length === 0) {
    checkCaCert(nodeId, caCertPem, 'the node CA');
    const derived = idOf(caCertPem);
    if (derived !== nodeId) throw new InvalidCertificateError(`the CA certificate's key is node ${derived}, not ${nodeId}, and no lineage endorses it`);
    if (previousCaCertPem) throw new InvalidCertificateError('a previous CA is named but the CA never rotated');
    return;
  }
  const origin = lineage[0]!;
  checkCaCert(nodeId, origin.caCertPem, 'the original CA');
  const derived = idOf(origin.caCertPem);
  if (derived !== nodeId) throw new InvalidCertificateError(`the original CA's key is node ${derived}, not ${nodeId}`);
  let endorser = parseCa(origin.caCertPem);
  for (let i = 1; i < lineage.length; i++) {
    const next = lineage[i]!;
    const cert = checkCaCert(nodeId, next.caCertPem, `CA ${i + 1} of the lineage`);
    let ok = false;
    try {
      ok = verify('sha256', endorsementSigningBytes(nodeId, next.caCertPem), endorser.publicKey, next.signature);
    } catch {
      ok = false;
    }
    if (!ok) throw new InvalidCertificateError(`CA ${i + 1} of node ${nodeId}'s lineage is not endorsed by the key of the CA before it`);
    endorser = cert;
  }
  if (lineage[lineage.length - 1]!.caCertPem !== caCertPem) throw new InvalidCertificateError("the lineage does not end with the record's CA certificate");
  if (previousCaCertPem && lineage.length >= 2 && lineage[lineage.length - 2]!.caCertPem !== previousCaCertPem) {
    throw new InvalidCertificateError('the previous CA is not the one the current CA was endorsed by');
  }
  if (previousCaCertPem && lineage.length < 2) throw new InvalidCertificateError('a previous CA is named without a lineage');
}

/** True when `verifyLineage` passes. */
export function lineageValid(nodeId: string, caCertPem: string, lineage: readonly CaEndorsement[], previousCaCertPem = ''): boolean {
  try {
    verifyLineage(nodeId, caCertPem, lineage, previousCaCertPem);
    return true;
  } catch {
    return false;
  }
}

function idOf(caCertPem: string): string {
  return nodeIdFromPublicKey(parseCa(caCertPem).publicKey.export({ type: 'spki', format: 'pem' }) as string);
}

function parseCa(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new InvalidCertificateError(`not a PEM certificate: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * A node CA certificate for `nodeId`: a self-signed CA whose subject CN is `<nodeId> CA`. The CN
 * matters: authorisation reads a caller's id from its issuer's CN, so a member must not get a CA
 * named after another member into the trust bundle.
 */
function checkCaCert(nodeId: string, pem: string, what: string): X509Certificate {
  const cert = parseCa(pem);
  if (!cert.ca) throw new InvalidCertificateError(`${what} of node ${nodeId} is not a CA certificate`);
  const cn = subjectCommonName(cert);
  if (cn !== `${nodeId} CA`) throw new InvalidCertificateError(`${what} of node ${nodeId} is named ${JSON.stringify(cn ?? '')}, not "${nodeId} CA"`);
  if (!cert.checkIssued(cert) || !cert.verify(cert.publicKey)) throw new InvalidCertificateError(`${what} of node ${nodeId} is not self-signed`);
  return cert;
}
