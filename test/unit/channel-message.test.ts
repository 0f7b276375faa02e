import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { envelopeFromWire, envelopeToWire, pullRequestFromWire, pullRequestToWire, pullResponseFromWire, pullResponseToWire, pushRequestFromWire, pushRequestToWire } from '../../src/channel/channel-wire';
import { checkPublishable, envelopeSize, signingBytes, topicProblem, wellFormed, type SignedMessage, type UnsignedMessage } from '../../src/channel/message';
import { CaMessageAuthenticator } from '../../src/channel/message-authenticator';
import { embedded } from '../../src/membership/message-size';
import { CaRecordAuthenticator } from '../../src/membership/record-authenticator';
import { heartbeatSigningBytes } from '../../src/membership/node-record';
import { g2gProto } from '../../src/proto/protos';
import { SeededRandom } from '../../src/testing/seeded-random';
import { SimAuthority } from '../../src/testing/sim-authenticator';
import { makeCa } from '../helpers/in-process-node';

const unsigned = (origin: string, over: Partial<UnsignedMessage> = {}): UnsignedMessage => ({
  origin,
  epoch: 1_732_000_000_000,
  seq: 42,
  topic: 'kv/put',
  data: new Uint8Array([1, 2, 3, 250]),
  publishedAtMs: 1_732_000_000_123,
  ...over,
});

function throughTheWire<T>(method: 'Push' | 'Pull', side: 'request' | 'response', message: unknown): T {
  const def = (g2gProto().g2g.v1.Channel.service as grpc.ServiceDefinition)[method]!;
  const bytes = side === 'request' ? def.requestSerialize(message) : def.responseSerialize(message);
  return (side === 'request' ? def.requestDeserialize(bytes) : def.responseDeserialize(bytes)) as T;
}

test('signing bytes are canonical and change with every field', () => {
  const base = unsigned('a'.repeat(32));
  assert.deepEqual(signingBytes(base), signingBytes({ ...base, data: Buffer.from(base.data) }));
  const variants: Partial<UnsignedMessage>[] = [
    { origin: 'b'.repeat(32) },
    { epoch: base.epoch + 1 },
    { seq: 43 },
    { topic: 'kv/pux' },
    { data: new Uint8Array([1, 2, 3, 251]) },
    { publishedAtMs: base.publishedAtMs + 1 },
    // Moving bytes between topic and data must not give the same bytes (length prefixes).
    { topic: 'kv/put\u0001', data: new Uint8Array([2, 3, 250]) },
  ];
  const seen = new Set([signingBytes(base).toString('hex')]);
  for (const v of variants) seen.add(signingBytes({ ...base, ...v }).toString('hex'));
  assert.equal(seen.size, variants.length + 1);
  assert.throws(() => signingBytes({ ...base, seq: -1 }), RangeError);
});

test('an envelope survives the wire intact and its size is the protobuf size', () => {
  const m: SignedMessage = { ...unsigned('a'.repeat(32)), signature: new Uint8Array(256).fill(7) };
  const push = throughTheWire<Parameters<typeof pushRequestFromWire>[0]>('Push', 'request', pushRequestToWire({ messages: [m, { ...m, seq: 1, data: new Uint8Array(0) }] }));
  const back = pushRequestFromWire(push).messages;
  assert.deepEqual({ ...back[0]!, data: [...back[0]!.data], signature: [...back[0]!.signature] }, { ...m, data: [...m.data], signature: [...m.signature] });
  assert.equal(back[1]!.data.length, 0);
  assert.deepEqual(envelopeFromWire(envelopeToWire(m) as never).topic, m.topic);

  const def = (g2gProto().g2g.v1.Channel.service as grpc.ServiceDefinition).Push!;
  for (const x of [m, { ...m, data: new Uint8Array(70_000), seq: 1 }, { ...m, topic: 'ü/ñ', epoch: 0 }]) {
    assert.equal(def.requestSerialize(pushRequestToWire({ messages: [x] })).length, embedded(envelopeSize(x)));
  }

  const pull = { origins: [{ origin: 'a'.repeat(32), epoch: 5, contiguous: 9, have: [11, 14] }], complete: true };
  assert.deepEqual(pullRequestFromWire(throughTheWire('Pull', 'request', pullRequestToWire(pull))), pull);
  const answer = pullResponseFromWire(throughTheWire('Pull', 'response', pullResponseToWire({ messages: [m], more: true })));
  assert.equal(answer.more, true);
  assert.equal(answer.messages[0]!.seq, 42);
});

test('topics: segments separated by one slash, no whitespace or control characters, at most 256 bytes', () => {
  for (const good of ['kv', 'kv/put', 'a/b/c-d_e.f', 'ünï/cødé']) assert.equal(topicProblem(good), undefined, good);
  for (const bad of ['', '/kv', 'kv/', 'kv//put', 'kv put', 'kv/\u0000', 'kv\n', 'x'.repeat(257)]) assert.ok(topicProblem(bad), JSON.stringify(bad));
  assert.throws(() => checkPublishable('kv//x', new Uint8Array(1), 100), { code: 'ERR_CHANNEL_TOPIC' });
  assert.throws(() => checkPublishable('kv/x', 'text' as unknown as Uint8Array, 100), { code: 'ERR_CHANNEL_TOPIC' });
  // The limit counts topic + data.
  assert.doesNotThrow(() => checkPublishable('kv/x', new Uint8Array(96), 100));
  assert.throws(() => checkPublishable('kv/x', new Uint8Array(97), 100), { code: 'ERR_CHANNEL_MESSAGE_TOO_LARGE' });
  const m: SignedMessage = { ...unsigned('a'.repeat(32)), signature: new Uint8Array(1) };
  assert.ok(wellFormed(m, 100));
  assert.ok(!wellFormed({ ...m, seq: 0 }, 100));
  assert.ok(!wellFormed({ ...m, topic: 'kv//x' }, 100));
  assert.ok(!wellFormed({ ...m, data: new Uint8Array(200) }, 100));
  assert.ok(!wellFormed({ ...m, origin: '' }, 100));
});

test('the CA authenticator: the origin signs, anyone verifies with its CA; altered, re-attributed or re-keyed messages fail', async () => {
  const [ca, other] = await Promise.all([makeCa(), makeCa()]);
  const mine = new CaMessageAuthenticator(ca.keyPem);
  const verifier = new CaMessageAuthenticator();
  const u = unsigned(ca.nodeId);
  const m: SignedMessage = { ...u, signature: await mine.sign(u) };
  assert.ok(verifier.verify(m, ca.certPem));
  assert.ok(!verifier.verify({ ...m, data: new Uint8Array([1, 2, 3, 251]) }, ca.certPem), 'altered data');
  assert.ok(!verifier.verify({ ...m, seq: 43 }, ca.certPem), 'altered seq');
  assert.ok(!verifier.verify({ ...m, topic: 'kv/del' }, ca.certPem), 'altered topic');
  assert.ok(!verifier.verify(m, other.certPem), "checked with another member's CA");
  assert.ok(!verifier.verify({ ...m, origin: other.nodeId }, other.certPem), 're-attributed to another origin');
  // Signed by another CA for our origin: its CA does not match the origin id.
  const forged: SignedMessage = { ...u, signature: await new CaMessageAuthenticator(other.keyPem).sign(u) };
  assert.ok(!verifier.verify(forged, ca.certPem));
  assert.ok(!verifier.verify(forged, other.certPem));
  assert.ok(!verifier.verify({ ...m, signature: new Uint8Array(3) }, ca.certPem), 'garbage signature');
  assert.ok(!verifier.verify(m, 'not a pem'));
  await assert.rejects(verifier.sign(u), TypeError);
  // A heartbeat signature (same key) never passes for a message: the domains differ.
  const beat = new CaRecordAuthenticator(ca.keyPem).signHeartbeat(ca.nodeId, 1, 1);
  assert.ok(!verifier.verify({ ...m, signature: beat }, ca.certPem));
  assert.ok(heartbeatSigningBytes(ca.nodeId, 1, 1).length > 0);
});

test('the simulated authenticator refuses exactly what the CA authenticator refuses', () => {
  const authority = new SimAuthority(new SeededRandom(1));
  const a = authority.createIdentity();
  const b = authority.createIdentity();
  const signer = authority.messageAuthenticatorFor(a.nodeId);
  const u = unsigned(a.nodeId);
  const m: SignedMessage = { ...u, signature: signer.sign(u) as Uint8Array };
  assert.ok(signer.verify(m, a.caCertPem));
  assert.ok(signer.verify(m, a.caCertPem), 'cached');
  assert.ok(!signer.verify(m, b.caCertPem), 'cached, but another CA');
  assert.ok(!signer.verify({ ...m, data: new Uint8Array([9]) }, a.caCertPem));
  assert.ok(!signer.verify({ ...m, origin: b.nodeId }, b.caCertPem));
  const forged = { ...u, signature: authority.messageAuthenticatorFor(b.nodeId).sign(u) as Uint8Array };
  assert.ok(!signer.verify(forged, a.caCertPem));
});
