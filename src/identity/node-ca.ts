import { X509Certificate, createPrivateKey } from 'node:crypto';
import { verifyLineage, type CaEndorsement } from './ca-lineage';
import forge from 'node-forge';
import { IdentityCorruptError } from '../errors';
import { certFingerprint, readCertExtensions, subjectCommonName } from './cert-info';
import type { KeyPairPem } from './keygen';
import { nodeIdFromPublicKey } from './node-id';
import { randomSerialHex, signToPem, wholeSeconds } from './x509-sign';

/** The node's long-lived, self-signed CA. Its key never leaves the node. */
export interface NodeCa {
  nodeId: string;
  certPem: string;
  keyPem: string;
  /** `sha256:<hex>` of the CA certificate's DER. */
  fingerprint: string;
  /**
   * After a CA rotation: every CA of this node, oldest first, the last being this one
   * (ca-lineage.ts). Absent: never rotated, the key of this CA derives `nodeId`.
   */
  lineage?: CaEndorsement[];
}

/** Certificates are backdated so that a peer whose clock runs a few minutes behind still accepts them. */
export const CLOCK_SKEW_BACKDATE_MS = 5 * 60_000;

export function createNodeCa(opts: { keyPair: KeyPairPem; now: Date; lifetimeMs: number; nodeId?: string; generation?: number }): NodeCa {
  if (!(opts.lifetimeMs >= 1000)) throw new RangeError(`node CA lifetimeMs must be at least 1000, got ${opts.lifetimeMs}`);
  // A rotated CA keeps the node's id (its lineage proves it) and adds its generation to its DN,
  // so that the old and the new CA never share a subject in a trust bundle.
  const nodeId = opts.nodeId ?? nodeIdFromPublicKey(opts.keyPair.publicKeyPem);
  const cert = forge.pki.createCertificate();
  cert.version = 2; // v3
  cert.publicKey = forge.pki.publicKeyFromPem(opts.keyPair.publicKeyPem);
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = wholeSeconds(opts.now.getTime() - CLOCK_SKEW_BACKDATE_MS);
  cert.validity.notAfter = wholeSeconds(opts.now.getTime() + opts.lifetimeMs);
  // The DN embeds the nodeId, so no two node CAs share a subject: same-DN roots without a
  // distinguishing AKID shadow each other in a grpc-js trust bundle.
  const name = [
    { name: 'commonName', value: `${nodeId} CA` },
    { name: 'organizationName', value: 'g2g' },
    ...(opts.generation ? [{ name: 'serialNumber', value: String(opts.generation) }] : []),
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    // pathlen 0: this CA may issue leaves only, never another CA.
    { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: true },
  ]);
  const certPem = signToPem(cert, opts.keyPair.privateKeyPem);
  return { nodeId, certPem, keyPem: opts.keyPair.privateKeyPem, fingerprint: certFingerprint(certPem) };
}

/**
 * Rebuilds a NodeCa from its files' contents, refusing anything that is not a node CA whose id
 * is bound to its key. Every failure is an IdentityCorruptError saying what is wrong.
 */
export function nodeCaFromPem(certPem: string, keyPem: string, lineage?: CaEndorsement[]): NodeCa {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    throw new IdentityCorruptError(`node CA certificate is not a valid PEM certificate (${(err as Error).message})`, { cause: err });
  }
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch (err) {
    throw new IdentityCorruptError(`node CA private key is not a valid PEM private key (${(err as Error).message})`, { cause: err });
  }
  if (!matches) throw new IdentityCorruptError('node CA private key does not belong to the node CA certificate');

  const ext = readCertExtensions(certPem);
  if (!cert.ca || ext.basicConstraints?.ca !== true) {
    throw new IdentityCorruptError('node CA certificate is not a CA certificate (basicConstraints CA:true missing)');
  }
  if (ext.keyUsage && !ext.keyUsage.keyCertSign) {
    throw new IdentityCorruptError('node CA certificate may not sign certificates (keyUsage lacks keyCertSign)');
  }
  if (!ext.subjectKeyId) {
    throw new IdentityCorruptError('node CA certificate has no subjectKeyIdentifier, which leaves need as their AKID');
  }
  const nodeId = lineage && lineage.length > 0 ? lineageNodeId(certPem, lineage) : nodeIdFromPublicKey(cert.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  const cn = subjectCommonName(cert);
  if (cn !== `${nodeId} CA`) {
    throw new IdentityCorruptError(
      `node CA certificate's subject CN is ${JSON.stringify(cn ?? null)} but its public key makes it "${nodeId} CA"`,
    );
  }
  if (cert.subject !== cert.issuer || !cert.verify(cert.publicKey)) {
    throw new IdentityCorruptError('node CA certificate is not self-signed by its own key');
  }
  return { nodeId, certPem, keyPem, fingerprint: certFingerprint(certPem), ...(lineage && lineage.length > 0 ? { lineage } : {}) };
}

/** The id a lineage proves for its last CA (which must be `certPem`). */
function lineageNodeId(certPem: string, lineage: CaEndorsement[]): string {
  const origin = new X509Certificate(lineage[0]!.caCertPem);
  const nodeId = nodeIdFromPublicKey(origin.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  try {
    verifyLineage(nodeId, certPem, lineage);
  } catch (err) {
    throw new IdentityCorruptError(`the node CA's lineage does not prove it belongs to node ${nodeId}: ${(err as Error).message}`, { cause: err });
  }
  return nodeId;
}
