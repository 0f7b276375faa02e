import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaPublicKeys } from '../../src/identity/ca-public-keys';
import type { NodeCa } from '../../src/identity/node-ca';
import { pluginAuthorship, type AuthorshipSource } from '../../src/plugins/plugin-authorship';
import { makeCa } from '../helpers/in-process-node';

/** Node `self` signing, knowing the CAs in `known` (what membership would hand the host). */
function source(self: NodeCa, known: NodeCa[]): AuthorshipSource {
  return { signingKeyPem: () => self.keyPem, casOf: (id) => known.filter((ca) => ca.nodeId === id).map((ca) => ca.certPem) };
}

test('plugin signatures: valid only as their signer, for the same plugin; unknown writers are unknown', async () => {
  const [a, b] = await Promise.all([makeCa(), makeCa()]);
  const keys = new CaPublicKeys();
  const kvOnA = pluginAuthorship('kv', source(a, [a, b]), keys);
  const kvOnB = pluginAuthorship('kv', source(b, [a, b]), keys);
  const queryOnB = pluginAuthorship('query', source(b, [a, b]), keys);
  const bytes = Buffer.from('an entry');
  const signature = await kvOnA.sign(bytes);
  assert.equal(kvOnB.verify(a.nodeId, bytes, signature), 'valid');
  assert.equal(kvOnB.verify(b.nodeId, bytes, signature), 'invalid', "a's signature does not pass as b's");
  assert.equal(kvOnB.verify(a.nodeId, Buffer.from('another entry'), signature), 'invalid');
  assert.equal(queryOnB.verify(a.nodeId, bytes, signature), 'invalid', "kv's signature does not pass as query's");
  assert.equal(kvOnB.verify(a.nodeId, bytes, new Uint8Array(3)), 'invalid');
  const stranger = pluginAuthorship('kv', source(b, [b]), keys);
  assert.equal(stranger.verify(a.nodeId, bytes, signature), 'unknown');
});
