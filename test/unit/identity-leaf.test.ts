import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import { InvalidCertificateError } from '../../src/errors';
import {
  assertKeyMatchesCert,
  certFingerprint,
  certNotAfter,
  certNotBefore,
  describeCert,
  joinPemBundle,
  readCertExtensions,
  splitPemBundle,
} from '../../src/identity/cert-info';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import { issueLeaf, issueOperatorCertificate, validateLeaf, verifyIssuedBy, type Leaf } from '../../src/identity/leaf';
import { createNodeCa, type NodeCa } from '../../src/identity/node-ca';

const NOW = new Date(Date.UTC(2025, 0, 1, 12, 0, 0));
const HOUR = 3600_000;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

let ca: NodeCa;
let otherCa: NodeCa;
before(async () => {
  const [a, b] = await Promise.all([generateRsaKeyPair(1024), generateRsaKeyPair(1024)]);
  ca = createNodeCa({ keyPair: a, now: NOW, lifetimeMs: 10 * 365 * 24 * HOUR });
  otherCa = createNodeCa({ keyPair: b, now: NOW, lifetimeMs: 10 * 365 * 24 * HOUR });
});

function leafOpts(extra: Partial<Parameters<typeof issueLeaf>[1]> = {}) {
  return { now: NOW, lifetimeMs: HOUR, ips: ['10.0.0.7'], keyBits: 1024, ...extra };
}

function isInvalidCert(re: RegExp) {
  return (err: unknown) => err instanceof InvalidCertificateError && err.code === 'ERR_INVALID_CERTIFICATE' && re.test(err.message);
}

test('issueLeaf: CA:false, serverAuth+clientAuth, SAN DNS:<nodeId> and IPs, AKID = CA SKID, signed by the CA', async () => {
  const leaf = await issueLeaf(ca, leafOpts({ ips: ['10.0.0.7', '2001:db8::7'], dnsNames: ['node.example.com'] }));
  const x509 = new X509Certificate(leaf.certPem);
  const caX509 = new X509Certificate(ca.certPem);

  assert.equal(x509.ca, false);
  assert.deepEqual([...(x509.keyUsage ?? [])].sort(), [SERVER_AUTH, CLIENT_AUTH]); // node's keyUsage is the EKU list
  assert.equal(
    x509.subjectAltName,
    `DNS:${ca.nodeId}, DNS:node.example.com, IP Address:10.0.0.7, IP Address:2001:DB8:0:0:0:0:0:7`,
  );
  assert.ok(x509.checkIssued(caX509));
  assert.ok(x509.verify(caX509.publicKey));
  assert.ok(!x509.verify(new X509Certificate(otherCa.certPem).publicKey));
  assert.ok(x509.checkPrivateKey(createPrivateKey(leaf.keyPem)));
  assert.equal(x509.issuer, caX509.subject);
  assert.match(x509.subject, new RegExp(`^CN=${ca.nodeId}\nO=g2g\nserialNumber=[0-9a-f]{32}$`));

  const cert = forge.pki.certificateFromPem(leaf.certPem);
  const bc = cert.getExtension('basicConstraints') as { cA: boolean; critical: boolean };
  assert.equal(bc.cA, false);
  assert.equal(bc.critical, true);
  const ku = cert.getExtension('keyUsage') as Record<string, boolean>;
  assert.ok(ku['digitalSignature'] && ku['keyEncipherment'] && !ku['keyCertSign']);
  const caSkid = (forge.pki.certificateFromPem(ca.certPem).getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier: string })
    .subjectKeyIdentifier;
  const ext = readCertExtensions(leaf.certPem);
  assert.equal(ext.authorityKeyId, caSkid);
  assert.ok(ext.subjectKeyId && ext.subjectKeyId !== caSkid);
  assert.equal(cert.siginfo.algorithmOid, forge.pki.oids['sha256WithRSAEncryption']);

  // The record describes the certificate.
  assert.equal(leaf.fingerprint, certFingerprint(leaf.certPem));
  assert.equal(leaf.serial, x509.serialNumber.toLowerCase());
  assert.notEqual(leaf.keyPem, ca.keyPem);
});

test('issueLeaf: validity is the lifetime from now, notBefore backdated (5 min, capped at lifetime/10)', async () => {
  const leaf = await issueLeaf(ca, leafOpts());
  assert.equal(certNotBefore(leaf.certPem).getTime(), NOW.getTime() - 5 * 60_000);
  assert.equal(certNotAfter(leaf.certPem).getTime(), NOW.getTime() + HOUR);
  assert.equal(leaf.notBefore.getTime(), certNotBefore(leaf.certPem).getTime());
  assert.equal(leaf.notAfter.getTime(), certNotAfter(leaf.certPem).getTime());

  const short = await issueLeaf(ca, leafOpts({ lifetimeMs: 10 * 60_000 }));
  assert.equal(short.notBefore.getTime(), NOW.getTime() - 60_000);
  const explicit = await issueLeaf(ca, leafOpts({ backdateMs: 30_000 }));
  assert.equal(explicit.notBefore.getTime(), NOW.getTime() - 30_000);
});

test('issueLeaf: a leaf never outlives its CA', async () => {
  const shortCa = createNodeCa({ keyPair: await generateRsaKeyPair(1024), now: NOW, lifetimeMs: HOUR / 2 });
  const leaf = await issueLeaf(shortCa, leafOpts());
  assert.equal(leaf.notAfter.getTime(), NOW.getTime() + HOUR / 2);
  await assert.rejects(issueLeaf(shortCa, leafOpts({ now: new Date(NOW.getTime() + HOUR) })), isInvalidCert(/expired/));
});

test('issueLeaf: IPs deduplicated, bind-all skipped, mapped IPv4 written as IPv4, bad IPs rejected', async () => {
  const leaf = await issueLeaf(
    ca,
    leafOpts({ ips: ['10.0.0.7', '0.0.0.0', '::', '::1', '0:0:0:0:0:0:0:1', '::ffff:10.0.0.7', '10.0.0.8'], dnsNames: [ca.nodeId, 'a.example'] }),
  );
  assert.deepEqual(describeCert(leaf.certPem).ips, ['10.0.0.7', '::1', '10.0.0.8']);
  assert.deepEqual(describeCert(leaf.certPem).dnsNames, [ca.nodeId, 'a.example']);
  await assert.rejects(issueLeaf(ca, leafOpts({ ips: ['10.0.0.300'] })), isInvalidCert(/not an IP address/));
  await assert.rejects(issueLeaf(ca, leafOpts({ dnsNames: ['bad name'] })), isInvalidCert(/not a DNS name/));
});

test('two leaves have different subject DNs, serials, keys and fingerprints', async () => {
  const [a, b] = await Promise.all([issueLeaf(ca, leafOpts()), issueLeaf(ca, leafOpts())]);
  const xa = new X509Certificate(a.certPem);
  const xb = new X509Certificate(b.certPem);
  assert.notEqual(xa.subject, xb.subject);
  assert.notEqual(xa.serialNumber, xb.serialNumber);
  assert.notEqual(a.serial, b.serial);
  assert.notEqual(a.fingerprint, b.fingerprint);
  assert.notEqual(a.keyPem, b.keyPem);
});

test('issueOperatorCertificate: clientAuth only, OU g2g-operator, URI SAN, AKID, issued by the CA', async () => {
  const op = await issueOperatorCertificate(ca, { name: 'alice@ops', now: NOW, lifetimeMs: HOUR, keyBits: 1024 });
  const x509 = new X509Certificate(op.certPem);
  assert.deepEqual(x509.keyUsage, [CLIENT_AUTH]);
  assert.equal(x509.subject, 'CN=alice@ops\nOU=g2g-operator\nO=g2g');
  assert.equal(x509.subjectAltName, `URI:g2g-operator://${ca.nodeId}/alice@ops`);
  assert.equal(x509.ca, false);
  assert.ok(verifyIssuedBy(op.certPem, ca.certPem));
  assert.equal(readCertExtensions(op.certPem).authorityKeyId, readCertExtensions(ca.certPem).subjectKeyId);
  assertKeyMatchesCert(op.certPem, op.keyPem);
  // Not a node leaf: it names no node.
  assert.throws(() => validateLeaf(ca, op, NOW), isInvalidCert(/does not name DNS:/));
});

test('issueOperatorCertificate rejects bad names with ERR_INVALID_OPERATOR_NAME', async () => {
  for (const name of ['', 'a'.repeat(65), 'has space', 'slash/y', 'ünï', 'semi;colon', 'CN=x,O=y']) {
    await assert.rejects(
      issueOperatorCertificate(ca, { name, now: NOW, lifetimeMs: HOUR, keyBits: 1024 }),
      (err: unknown) => (err as { code?: string }).code === 'ERR_INVALID_OPERATOR_NAME',
      name,
    );
  }
  await issueOperatorCertificate(ca, { name: 'a'.repeat(64), now: NOW, lifetimeMs: HOUR, keyBits: 1024 });
  await issueOperatorCertificate(ca, { name: 'grpcurl.ci-1_x@host', now: NOW, lifetimeMs: HOUR, keyBits: 1024 });
});

test('verifyIssuedBy: true only for the issuing CA', async () => {
  const leaf = await issueLeaf(ca, leafOpts());
  assert.equal(verifyIssuedBy(leaf.certPem, ca.certPem), true);
  assert.equal(verifyIssuedBy(leaf.certPem, otherCa.certPem), false);
  assert.equal(verifyIssuedBy(ca.certPem, leaf.certPem), false);
  assert.equal(verifyIssuedBy('garbage', ca.certPem), false);
});

test('assertKeyMatchesCert rejects a mismatched or unparseable key', async () => {
  const [a, b] = await Promise.all([issueLeaf(ca, leafOpts()), issueLeaf(ca, leafOpts())]);
  assertKeyMatchesCert(a.certPem, a.keyPem);
  assert.throws(() => assertKeyMatchesCert(a.certPem, b.keyPem), isInvalidCert(/does not belong/));
  assert.throws(() => assertKeyMatchesCert(a.certPem, 'not a key'), isInvalidCert(/unparseable/));
  assert.throws(() => assertKeyMatchesCert('not a cert', a.keyPem), isInvalidCert(/not a PEM certificate/));
});

test('validateLeaf accepts a good leaf and names each problem', async () => {
  const leaf = await issueLeaf(ca, leafOpts());
  const other = await issueLeaf(ca, leafOpts());
  const foreign = await issueLeaf(otherCa, leafOpts());
  validateLeaf(ca, leaf, NOW);

  assert.throws(() => validateLeaf(ca, { ...leaf, keyPem: other.keyPem }, NOW), isInvalidCert(/does not belong/));
  assert.throws(() => validateLeaf(ca, foreign, NOW), isInvalidCert(/not issued by node CA/));
  assert.throws(() => validateLeaf(ca, { ...leaf, fingerprint: other.fingerprint }, NOW), isInvalidCert(/fingerprint/));
  assert.throws(() => validateLeaf(ca, leaf, new Date(leaf.notBefore.getTime() - 1)), isInvalidCert(/not valid until/));
  assert.throws(() => validateLeaf(ca, leaf, leaf.notAfter), isInvalidCert(/expired/));
  validateLeaf(ca, leaf, new Date(leaf.notAfter.getTime() - 1));

  // Signed by the right CA with the right key, but naming another node: must not pass.
  const x = forge.pki.createCertificate();
  const kp = await generateRsaKeyPair(1024);
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  x.publicKey = forge.pki.publicKeyFromPem(kp.publicKeyPem);
  x.serialNumber = '05';
  x.validity.notBefore = leaf.notBefore;
  x.validity.notAfter = leaf.notAfter;
  x.setSubject([{ name: 'commonName', value: otherCa.nodeId }]);
  x.setIssuer(caCert.subject.attributes);
  x.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'subjectAltName', altNames: [{ type: 2, value: otherCa.nodeId }] },
    { name: 'authorityKeyIdentifier', keyIdentifier: forge.util.hexToBytes(readCertExtensions(ca.certPem).subjectKeyId!) },
  ]);
  x.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  const wrongName: Leaf = { ...leaf, certPem: forge.pki.certificateToPem(x), keyPem: kp.privateKeyPem };
  wrongName.fingerprint = certFingerprint(wrongName.certPem);
  assert.ok(verifyIssuedBy(wrongName.certPem, ca.certPem));
  assert.throws(() => validateLeaf(ca, wrongName, NOW), isInvalidCert(new RegExp(`does not name DNS:${ca.nodeId}`)));
});

test('PEM bundles: split finds every block, join separates them with newlines', async () => {
  const pems = [ca.certPem, otherCa.certPem];
  const squashed = pems.map((p) => p.trim()).join(''); // END line directly followed by BEGIN
  assert.deepEqual(splitPemBundle(squashed).map((p) => p.trim()), pems.map((p) => p.trim()));
  const joined = joinPemBundle(pems);
  assert.match(joined, /-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----/);
  assert.ok(joined.endsWith('-----END CERTIFICATE-----\n'));
  assert.deepEqual(splitPemBundle(joined), splitPemBundle(squashed));
  assert.equal(joinPemBundle([]), '');
  assert.deepEqual(splitPemBundle('no pem here'), []);
});

test('describeCert summarises a leaf', async () => {
  const leaf = await issueLeaf(ca, leafOpts({ ips: ['10.0.0.7', 'fe80::1'] }));
  const d = describeCert(leaf.certPem);
  assert.equal(d.issuer, `CN=${ca.nodeId} CA, O=g2g`);
  assert.match(d.subject, new RegExp(`^CN=${ca.nodeId}, O=g2g, serialNumber=`));
  assert.equal(d.serial, leaf.serial);
  assert.equal(d.fingerprint, leaf.fingerprint);
  assert.deepEqual(d.notBefore, leaf.notBefore);
  assert.deepEqual(d.notAfter, leaf.notAfter);
  assert.deepEqual(d.dnsNames, [ca.nodeId]);
  assert.deepEqual(d.ips, ['10.0.0.7', 'fe80::1']);
});
