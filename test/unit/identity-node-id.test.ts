import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import { isNodeId, nodeIdFromPublicKey } from '../../src/identity/node-id';
import { bytesToIp, ipToBytes, isUnspecifiedIp } from '../../src/identity/ip-address';

test('nodeIdFromPublicKey is base32 of the first 20 bytes of SHA-256(SPKI DER)', async () => {
  const { publicKeyPem, privateKeyPem } = await generateRsaKeyPair(1024);
  const id = nodeIdFromPublicKey(publicKeyPem);
  assert.match(id, /^[a-z2-7]{32}$/);
  assert.ok(isNodeId(id));

  // Independent decode: base32 back to bytes and compare with the digest prefix.
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = '';
  for (const c of id) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const decoded = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const spki = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  assert.deepEqual(decoded, createHash('sha256').update(spki).digest().subarray(0, 20));

  // The same key in another encoding (derived from the private key) gives the same id.
  const fromPrivate = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }) as string;
  assert.equal(nodeIdFromPublicKey(fromPrivate), id);
});

test('nodeIdFromPublicKey differs between keys', async () => {
  const [a, b] = await Promise.all([generateRsaKeyPair(1024), generateRsaKeyPair(1024)]);
  assert.notEqual(nodeIdFromPublicKey(a.publicKeyPem), nodeIdFromPublicKey(b.publicKeyPem));
});

test('generateRsaKeyPair returns PKCS#8 and SPKI PEM of the requested size', async () => {
  const { privateKeyPem, publicKeyPem } = await generateRsaKeyPair(1024);
  assert.match(privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.match(publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
  assert.equal(createPublicKey(publicKeyPem).asymmetricKeyDetails?.modulusLength, 1024);
});

test('isNodeId rejects anything but 32 lowercase base32 characters', () => {
  assert.equal(isNodeId('a'.repeat(32)), true);
  for (const bad of ['', 'a'.repeat(31), 'a'.repeat(33), 'A'.repeat(32), `${'a'.repeat(31)}1`, `${'a'.repeat(31)}=`]) {
    assert.equal(isNodeId(bad), false, bad);
  }
});

test('ipToBytes / bytesToIp round-trip IPv4 and IPv6 to canonical text', () => {
  const cases: Array<[string, string]> = [
    ['10.0.0.1', '10.0.0.1'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8::', '2001:db8::'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::ffff:10.1.2.3', '::ffff:10.1.2.3'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ];
  for (const [input, canonical] of cases) {
    const bytes = ipToBytes(input);
    assert.ok(bytes, input);
    assert.equal(bytes.length, input.includes(':') ? 16 : 4, input);
    assert.equal(bytesToIp(bytes), canonical, input);
  }
  assert.equal(ipToBytes('not-an-ip'), undefined);
  assert.equal(ipToBytes('300.1.1.1'), undefined);
  assert.ok(isUnspecifiedIp(ipToBytes('0.0.0.0')!));
  assert.ok(isUnspecifiedIp(ipToBytes('0::0')!));
  assert.ok(!isUnspecifiedIp(ipToBytes('::1')!));
});
