import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import { IdentityCorruptError } from '../../src/errors';
import { readCertExtensions } from '../../src/identity/cert-info';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import { createNodeCa, nodeCaFromPem } from '../../src/identity/node-ca';
import { nodeIdFromPublicKey } from '../../src/identity/node-id';

const NOW = new Date(Date.UTC(2025, 0, 1, 12, 0, 0));
const YEAR = 365 * 24 * 3600_000;

test('createNodeCa builds a self-signed pathlen-0 CA whose CN is the nodeId of its key', async () => {
  const keyPair = await generateRsaKeyPair(1024);
  const ca = createNodeCa({ keyPair, now: NOW, lifetimeMs: 10 * YEAR });
  const x509 = new X509Certificate(ca.certPem);

  assert.equal(ca.nodeId, nodeIdFromPublicKey(keyPair.publicKeyPem));
  assert.equal(ca.nodeId, nodeIdFromPublicKey(x509.publicKey.export({ type: 'spki', format: 'pem' }) as string));
  assert.equal(x509.subject, `CN=${ca.nodeId} CA\nO=g2g`);
  assert.equal(x509.issuer, x509.subject);
  assert.equal(x509.ca, true);
  assert.ok(x509.verify(x509.publicKey), 'self-signed');
  assert.ok(x509.checkPrivateKey(createPrivateKey(ca.keyPem)));
  assert.equal(ca.keyPem, keyPair.privateKeyPem);
  assert.match(ca.fingerprint, /^sha256:[0-9a-f]{64}$/);

  // Extensions, read with forge's parser rather than ours.
  const cert = forge.pki.certificateFromPem(ca.certPem);
  assert.equal(cert.version, 2);
  assert.equal(cert.siginfo.algorithmOid, forge.pki.oids['sha256WithRSAEncryption']);
  const bc = cert.getExtension('basicConstraints') as { cA: boolean; pathLenConstraint?: number; critical: boolean };
  assert.equal(bc.cA, true);
  assert.equal(bc.critical, true);
  assert.equal(bc.pathLenConstraint, 0);
  const ku = cert.getExtension('keyUsage') as Record<string, boolean>;
  assert.equal(ku['critical'], true);
  assert.equal(ku['keyCertSign'], true);
  assert.equal(ku['cRLSign'], true);
  assert.equal(ku['digitalSignature'], false);
  const skid = (cert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier: string }).subjectKeyIdentifier;
  assert.match(skid, /^[0-9a-f]{40}$/);
  assert.equal(readCertExtensions(ca.certPem).authorityKeyId, skid);

  // Serial: 16 random bytes, positive.
  assert.match(x509.serialNumber, /^[4-7][0-9A-F]{31}$/);

  // Validity: backdated 5 minutes, lasting the lifetime.
  assert.equal(new Date(x509.validFrom).getTime(), NOW.getTime() - 5 * 60_000);
  assert.equal(new Date(x509.validTo).getTime(), NOW.getTime() + 10 * YEAR);
});

test('two CAs get different serials and different subjects', async () => {
  const [a, b] = await Promise.all([generateRsaKeyPair(1024), generateRsaKeyPair(1024)]);
  const ca1 = new X509Certificate(createNodeCa({ keyPair: a, now: NOW, lifetimeMs: YEAR }).certPem);
  const ca2 = new X509Certificate(createNodeCa({ keyPair: b, now: NOW, lifetimeMs: YEAR }).certPem);
  assert.notEqual(ca1.serialNumber, ca2.serialNumber);
  assert.notEqual(ca1.subject, ca2.subject);
});

test('nodeCaFromPem round-trips a CA and rejects what is not a node CA', async () => {
  const [a, b] = await Promise.all([generateRsaKeyPair(1024), generateRsaKeyPair(1024)]);
  const ca = createNodeCa({ keyPair: a, now: NOW, lifetimeMs: YEAR });
  const other = createNodeCa({ keyPair: b, now: NOW, lifetimeMs: YEAR });
  assert.deepEqual(nodeCaFromPem(ca.certPem, ca.keyPem), ca);

  const corrupt = (fn: () => unknown, re: RegExp) =>
    assert.throws(fn, (err: unknown) => err instanceof IdentityCorruptError && err.code === 'ERR_IDENTITY_CORRUPT' && re.test(err.message));
  corrupt(() => nodeCaFromPem(ca.certPem, other.keyPem), /does not belong/);
  corrupt(() => nodeCaFromPem('garbage', ca.keyPem), /not a valid PEM certificate/);
  corrupt(() => nodeCaFromPem(ca.certPem, 'garbage'), /not a valid PEM private key/);

  // A CA whose CN claims someone else's id (signed by its own key, so only the binding is wrong).
  const forged = forge.pki.createCertificate();
  forged.publicKey = forge.pki.publicKeyFromPem(a.publicKeyPem);
  forged.serialNumber = '01';
  forged.validity.notBefore = NOW;
  forged.validity.notAfter = new Date(NOW.getTime() + YEAR);
  const name = [{ name: 'commonName', value: `${other.nodeId} CA` }, { name: 'organizationName', value: 'g2g' }];
  forged.setSubject(name);
  forged.setIssuer(name);
  forged.setExtensions([{ name: 'basicConstraints', critical: true, cA: true }, { name: 'subjectKeyIdentifier' }]);
  forged.sign(forge.pki.privateKeyFromPem(a.privateKeyPem), forge.md.sha256.create());
  corrupt(() => nodeCaFromPem(forge.pki.certificateToPem(forged), a.privateKeyPem), new RegExp(`makes it "${ca.nodeId} CA"`));

  // Not a CA at all.
  forged.setSubject([{ name: 'commonName', value: `${ca.nodeId} CA` }]);
  forged.setIssuer([{ name: 'commonName', value: `${ca.nodeId} CA` }]);
  forged.setExtensions([{ name: 'basicConstraints', critical: true, cA: false }, { name: 'subjectKeyIdentifier' }]);
  forged.sign(forge.pki.privateKeyFromPem(a.privateKeyPem), forge.md.sha256.create());
  corrupt(() => nodeCaFromPem(forge.pki.certificateToPem(forged), a.privateKeyPem), /not a CA certificate/);
});
