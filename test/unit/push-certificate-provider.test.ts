import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinPemBundle, splitPemBundle } from '../../src/identity/cert-info';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import { PushCertificateProvider } from '../../src/transport/push-certificate-provider';
import { makeCa, memberLeaf } from '../helpers/in-process-node';

test('a key that does not match its certificate is refused and listeners keep the previous pair', async () => {
  const ca = await makeCa();
  const leaf = await memberLeaf(ca);
  const provider = new PushCertificateProvider();
  const seen: string[] = [];
  provider.addIdentityCertificateListener((u) => seen.push(u?.certificate.toString() ?? 'null'));
  provider.setIdentity(leaf.certPem, leaf.keyPem);
  const other = await generateRsaKeyPair(1024);
  assert.throws(() => provider.setIdentity(leaf.certPem, other.privateKeyPem), { code: 'ERR_INVALID_CERTIFICATE' });
  assert.throws(() => provider.setIdentity('garbage', leaf.keyPem), { code: 'ERR_INVALID_CERTIFICATE' });
  assert.deepEqual(seen, [leaf.certPem]);
});

test('the current value reaches a new listener asynchronously (after grpc-js registers its watcher)', async () => {
  const ca = await makeCa();
  const provider = new PushCertificateProvider();
  provider.setCaCertificates([ca.certPem, ca.certPem]);
  const seen: string[] = [];
  provider.addCaCertificateListener((u) => seen.push(u?.caCertificate.toString() ?? 'null'));
  assert.deepEqual(seen, [], 'not synchronously');
  await Promise.resolve();
  assert.equal(seen.length, 1);
  assert.equal(seen[0], joinPemBundle([ca.certPem, ca.certPem]));
  assert.equal(splitPemBundle(seen[0]!).length, 2, 'both certificates survive the join');
});

test('a listener removed before the replay gets nothing', async () => {
  const ca = await makeCa();
  const provider = new PushCertificateProvider();
  provider.setCaCertificates([ca.certPem]);
  const seen: unknown[] = [];
  const listener = (u: unknown) => seen.push(u);
  provider.addCaCertificateListener(listener);
  provider.removeCaCertificateListener(listener);
  await Promise.resolve();
  assert.deepEqual(seen, []);
});
