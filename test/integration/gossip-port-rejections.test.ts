import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import type { G2gNode } from '../../src/node/g2g-node';
import { call, channelOptions, failureCode, g2gProto, healthClient, tlsCredentials } from '../helpers/clients';
import { makeCa, materialFor, memberLeaf, operatorCert, startInProcessNode } from '../helpers/in-process-node';
import { issueLeaf, issueOperatorCertificate } from '../../src/identity/leaf';
import { endorse } from '../../src/identity/ca-lineage';
import { createNodeCa, type NodeCa } from '../../src/identity/node-ca';
import { exchangeRequestToWire } from '../../src/transport/gossip-wire';
import type { MembersResponse__Output } from '../../src/proto/generated/g2g/v1/MembersResponse';
import { signedRecord } from '../helpers/records';
import { CaMessageAuthenticator } from '../../src/channel/message-authenticator';
import { envelopeToWire } from '../../src/channel/channel-wire';
import { certFingerprint } from '../../src/identity/cert-info';

let node: G2gNode;
let close: () => Promise<void>;
const clients: grpc.Client[] = [];

before(async () => {
  ({ node, close } = await startInProcessNode());
});

after(async () => {
  for (const client of clients) client.close();
  await close();
});

function gossipClient(material: ReturnType<typeof materialFor>): grpc.Client {
  const proto = g2gProto();
  const client = new proto.g2g.v1.Gossip(`127.0.0.1:${node.boundPorts.gossip}`, tlsCredentials(material), channelOptions(material.nodeId));
  clients.push(client);
  return client;
}

function gossipHealth(material: ReturnType<typeof materialFor>): grpc.Client {
  const client = healthClient(`127.0.0.1:${node.boundPorts.gossip}`, material);
  clients.push(client);
  return client;
}

test('a caller without a client certificate is refused at the handshake, and nothing changes', async () => {
  const before = await snapshot();
  const code = await failureCode(call(gossipHealth(materialFor(node)), 'Check', { service: '' }, 5000));
  assert.equal(code, grpc.status.UNAVAILABLE);
  // Nor can it reach a member-only method (the refusal is at the handshake, before any handler).
  assert.equal(await failureCode(call(gossipClient(materialFor(node)), 'Ping', { nonce: 1 }, 5000)), grpc.status.UNAVAILABLE);
  assert.deepEqual(await snapshot(), before);
});

test('a certificate from an unknown CA is refused at the handshake, and nothing changes', async () => {
  const before = await snapshot();
  const stranger = await makeCa();
  const material = materialFor(node, await memberLeaf(stranger));
  const code = await failureCode(call(gossipHealth(material), 'Check', { service: '' }, 5000));
  assert.equal(code, grpc.status.UNAVAILABLE);
  // Its own (validly self-signed) record offered in an exchange never reaches membership.
  const request = { sender: signedRecord(stranger, { cluster: node.status().cluster }), records: [], digests: [], heartbeats: [], claims: [], digestsComplete: false, followUp: false, rumourDigests: [], joining: true };
  assert.equal(await failureCode(call(gossipClient(material), 'Exchange', exchangeRequestToWire(request), 5000)), grpc.status.UNAVAILABLE);
  assert.deepEqual(await snapshot(), before);
  assert.ok(!node.trust.isMember(stranger.nodeId));
});

test('a removed member is refused on the connection it opened while it was a member', async () => {
  const other = await makeCa();
  node.trust.set(other.nodeId, other.certPem);
  await node.trust.settled();
  const client = gossipClient(materialFor(node, await memberLeaf(other)));
  const pong = await call<{ nodeId: string }>(client, 'Ping', { nonce: 7 });
  assert.equal(pong.nodeId, node.nodeId);
  const channel = client.getChannel();
  assert.equal(channel.getConnectivityState(false), grpc.connectivityState.READY);

  node.trust.remove(other.nodeId);
  // UNAUTHENTICATED is a status from the interceptor on the open connection; a new handshake
  // would fail with UNAVAILABLE instead.
  const code = await failureCode(call(client, 'Ping', { nonce: 8 }));
  assert.equal(code, grpc.status.UNAUTHENTICATED);
  assert.equal(channel.getConnectivityState(false), grpc.connectivityState.READY);
});

test("a leaf minted by one member's CA for another member's id is refused", async () => {
  const minter = await makeCa();
  node.trust.set(minter.nodeId, minter.certPem);
  await node.trust.settled();
  try {
    const forged = await memberLeaf({ ...minter, nodeId: node.nodeId });
    const code = await failureCode(call(gossipClient(materialFor(node, forged)), 'Ping', { nonce: 1 }));
    assert.equal(code, grpc.status.UNAUTHENTICATED);
  } finally {
    node.trust.remove(minter.nodeId);
  }
});

test("a leaf for member B minted by member A's CA is refused (UNAUTHENTICATED), and nothing changes", async () => {
  const a = await admittedMember();
  const b = await admittedMember();
  const before = await snapshot();
  const forged = await memberLeaf({ ...a.ca, nodeId: b.ca.nodeId });
  const client = gossipClient(materialFor(node, forged));
  const error = await call(client, 'Ping', { nonce: 1 }).then(
    () => assert.fail("A's leaf for B was accepted"),
    (e: grpc.ServiceError) => e,
  );
  assert.equal(error.code, grpc.status.UNAUTHENTICATED);
  assert.match(error.details, new RegExp(`names "${b.ca.nodeId}" but was issued by the CA of ${a.ca.nodeId}`));
  // Speaking as B with it, B's record in hand, changes nothing either.
  const asB = { sender: signedRecord(b.ca, { version: 9, cluster: node.status().cluster }), records: [], digests: [], heartbeats: [], claims: [], digestsComplete: false, followUp: false, rumourDigests: [] };
  assert.equal(await failureCode(call(client, 'Exchange', exchangeRequestToWire(asB))), grpc.status.UNAUTHENTICATED);
  assert.deepEqual(await snapshot(), before);
});

test('an operator may read health and status but not call member-only methods (Gossip, Channel, TokenSync), and nothing changes', async () => {
  const operator = await operatorCert(node.nodeCa, 'alice');
  const material = materialFor(node, operator);
  const health = await call<{ status: string }>(gossipHealth(material), 'Check', { service: 'g2g.v1.Admin' });
  assert.equal(health.status, 'SERVING');
  const before = await snapshot();
  const code = await failureCode(call(gossipClient(material), 'Ping', { nonce: 1 }));
  assert.equal(code, grpc.status.PERMISSION_DENIED);
  // Joining the gossip (an exchange that announces a record) as an operator: the operator's
  // issuer is the node itself, so it tries to pass its own node's record.
  const join = { sender: signedRecord(node.nodeCa, { version: 1_000, cluster: node.status().cluster }), records: [], digests: [], heartbeats: [], claims: [], digestsComplete: true, followUp: false, rumourDigests: [], joining: true };
  const error = await call(gossipClient(material), 'Exchange', exchangeRequestToWire(join)).then(
    () => assert.fail('an operator joined the gossip'),
    (e: grpc.ServiceError) => e,
  );
  assert.equal(error.code, grpc.status.PERMISSION_DENIED);
  assert.match(error.details, /members only/);
  const proto = g2gProto().g2g.v1;
  const channel = new proto.Channel(`127.0.0.1:${node.boundPorts.gossip}`, tlsCredentials(material), channelOptions(node.nodeId));
  const tokenSync = new proto.TokenSync(`127.0.0.1:${node.boundPorts.gossip}`, tlsCredentials(material), channelOptions(node.nodeId));
  clients.push(channel, tokenSync);
  assert.equal(await failureCode(call(channel, 'Push', { messages: [] })), grpc.status.PERMISSION_DENIED);
  assert.equal(await failureCode(call(tokenSync, 'Sync', {})), grpc.status.PERMISSION_DENIED);
  assert.deepEqual(await snapshot(), before);
});

test('a bad leaf push is refused and the ports keep serving the current leaf', async () => {
  const before = node.currentLeaf();
  const wrongKey = await generateRsaKeyPair(1024);
  assert.throws(() => node.identity.setIdentity(before.certPem, wrongKey.privateKeyPem), { code: 'ERR_INVALID_CERTIFICATE' });
  const operator = await operatorCert(node.nodeCa);
  // New connections (new channels) still complete their handshakes on both ports.
  const gossip = await call<{ status: string }>(gossipHealth(materialFor(node, operator)), 'Check', { service: '' });
  assert.equal(gossip.status, 'SERVING');
  const registerHealth = healthClient(`127.0.0.1:${node.boundPorts.register}`, materialFor(node));
  clients.push(registerHealth);
  assert.equal((await call<{ status: string }>(registerHealth, 'Check', { service: '' })).status, 'SERVING');
  assert.equal(node.currentLeaf().fingerprint, before.fingerprint);
});

test('an operator certificate valid for longer than operatorCertMaxLifetime (24 h) is refused: PERMISSION_DENIED, ERR_OPERATOR_CERT_LIFETIME; one of exactly 24 h is served', async () => {
  const issue = (lifetimeMs: number) => issueOperatorCertificate(node.nodeCa, { name: 'carol', now: new Date(), lifetimeMs, keyBits: 1024 });
  const admin = (material: ReturnType<typeof materialFor>) => {
    const client = new (g2gProto().g2g.v1.Admin)(`127.0.0.1:${node.boundPorts.gossip}`, tlsCredentials(material), channelOptions(node.nodeId));
    clients.push(client);
    return client;
  };
  const longLived = await issue(100_000 * 24 * 3600_000);
  const error = await call(admin(materialFor(node, longLived)), 'Status', {}).then(
    () => assert.fail('a 100,000-day operator certificate was accepted'),
    (e: grpc.ServiceError) => e,
  );
  assert.equal(error.code, grpc.status.PERMISSION_DENIED);
  assert.match(error.details, /operatorCertMaxLifetime of 24 h/);
  assert.deepEqual(error.metadata.get('g2g-error-code'), ['ERR_OPERATOR_CERT_LIFETIME']);
  const justOver = await issue(25 * 3600_000);
  assert.equal(await failureCode(call(admin(materialFor(node, justOver)), 'Status', {})), grpc.status.PERMISSION_DENIED);
  const atTheCap = await issue(24 * 3600_000);
  assert.equal((await call<{ nodeId: string }>(admin(materialFor(node, atTheCap)), 'Status', {})).nodeId, node.nodeId, 'the longest certificate g2g credentials issues (backdated for skew) is served');
});

/** What the node knows, to check that a refusal changed nothing. */
async function snapshot(): Promise<{ trusted: string[]; members: string[] }> {
  const admin = new (g2gProto().g2g.v1.Admin)(`127.0.0.1:${node.boundPorts.gossip}`, tlsCredentials(materialFor(node, await operatorCert(node.nodeCa, 'snapshot'))), channelOptions(node.nodeId));
  clients.push(admin);
  const members = await call<MembersResponse__Output>(admin, 'Members', {});
  return { trusted: node.trust.members().sort(), members: members.members.map((m) => `${m.nodeId}@${m.version}:${m.caFingerprint}:${m.mode}`).sort() };
}

/** A member the node knows: trusted, and admitted through its own first exchange. */
async function admittedMember(mode: 'server' | 'client' = 'server'): Promise<{ ca: NodeCa; gossip: grpc.Client; material: ReturnType<typeof materialFor> }> {
  const ca = await makeCa();
  node.trust.set(ca.nodeId, ca.certPem);
  await node.trust.settled();
  const material = materialFor(node, await memberLeaf(ca));
  const gossip = gossipClient(material);
  const request = { sender: signedRecord(ca, { mode, cluster: node.status().cluster }), records: [], digests: [], heartbeats: [], claims: [], digestsComplete: false, followUp: false, rumourDigests: [], joining: true };
  await call(gossip, 'Exchange', exchangeRequestToWire(request));
  return { ca, gossip, material };
}

test('an expired leaf of a trusted member is refused at the handshake, and nothing changes', async () => {
  const ca = await makeCa();
  node.trust.set(ca.nodeId, ca.certPem);
  await node.trust.settled();
  try {
    const before = await snapshot();
    const expired = await issueLeaf(ca, { now: new Date(Date.now() - 2 * 3_600_000), lifetimeMs: 3_600_000, ips: ['127.0.0.1'], keyBits: 1024 });
    const error = await call(gossipClient(materialFor(node, expired)), 'Ping', { nonce: 1 }, 5000).then(
      () => assert.fail('an expired leaf was accepted'),
      (e: grpc.ServiceError) => e,
    );
    assert.equal(error.code, grpc.status.UNAVAILABLE);
    assert.deepEqual(await snapshot(), before);
  } finally {
    node.trust.remove(ca.nodeId);
  }
});

test('a removed member: its open stream is ended and its next call refused (Admin.Remove); a client-mode member may not remove', async () => {
  const { ca, gossip, material } = await admittedMember();
  assert.ok((await snapshot()).trusted.includes(ca.nodeId));
  const health = gossipHealth(material);
  const watch = (health as unknown as { Watch(req: object): grpc.ClientReadableStream<unknown> }).Watch({ service: '' });
  const ended = new Promise<grpc.ServiceError | undefined>((resolve) => {
    watch.on('data', () => undefined);
    watch.on('error', (e: grpc.ServiceError) => resolve(e));
    watch.on('end', () => resolve(undefined));
  });
  await call(gossip, 'Ping', { nonce: 1 });

  // A client-mode member is refused, with no change.
  const client = await admittedMember('client');
  const asClient = new (g2gProto().g2g.v1.Admin)(`127.0.0.1:${node.boundPorts.gossip}`, tlsCredentials(client.material), channelOptions(node.nodeId));
  clients.push(asClient);
  assert.equal(await failureCode(call(asClient, 'Remove', { nodeId: ca.nodeId })), grpc.status.PERMISSION_DENIED);
  assert.ok((await snapshot()).trusted.includes(ca.nodeId));

  const operator = new (g2gProto().g2g.v1.Admin)(`127.0.0.1:${node.boundPorts.gossip}`, tlsCredentials(materialFor(node, await operatorCert(node.nodeCa, 'remover'))), channelOptions(node.nodeId));
  clients.push(operator);
  const removed = await call<{ nodeId: string; wasKnown: boolean; removedBy: string }>(operator, 'Remove', { nodeId: ca.nodeId, reason: 'test' });
  assert.deepEqual({ ...removed, issuedAtUnixMs: undefined }, { nodeId: ca.nodeId, wasKnown: true, removedBy: node.nodeId, issuedAtUnixMs: undefined });
  const error = await ended;
  assert.equal(error?.code, grpc.status.UNAUTHENTICATED);
  assert.equal(await failureCode(call(gossip, 'Ping', { nonce: 2 })), grpc.status.UNAUTHENTICATED);
  const after = await snapshot();
  assert.ok(!after.trusted.includes(ca.nodeId) && !after.members.some((m) => m.startsWith(ca.nodeId)));
  assert.equal(await failureCode(call(operator, 'Remove', { nodeId: 'not-a-node-id' })), grpc.status.INVALID_ARGUMENT);
  assert.equal(await failureCode(call(operator, 'Remove', { nodeId: node.nodeId })), grpc.status.FAILED_PRECONDITION, 'a node does not remove itself');
  const nobody = await makeCa();
  assert.equal(await failureCode(call(operator, 'Remove', { nodeId: nobody.nodeId })), grpc.status.NOT_FOUND, 'an id no one has is refused');
});

test('a new CA endorsed by the wrong key is refused (INVALID_ARGUMENT, ERR_INVALID_RECORD) and nothing changes', async () => {
  const { ca, gossip } = await admittedMember();
  const before = await snapshot();
  const stranger = await makeCa();
  const { generateRsaKeyPair } = await import('../../src/identity/keygen');
  const made = createNodeCa({ keyPair: await generateRsaKeyPair(1024), now: new Date(), lifetimeMs: 86_400_000, nodeId: ca.nodeId, generation: 2 });
  // The lineage claims the new CA, but the endorsement is the stranger's signature.
  const lineage = [{ caCertPem: ca.certPem, signature: new Uint8Array(0) }, endorse(ca.nodeId, made.certPem, stranger.keyPem)];
  const forged = signedRecord({ ...made, nodeId: ca.nodeId, lineage }, { version: 5, previousCaCertPem: ca.certPem, cluster: node.status().cluster });
  const request = { sender: forged, records: [], digests: [], heartbeats: [], claims: [], digestsComplete: false, followUp: false, rumourDigests: [] };
  const error = await call(gossip, 'Exchange', exchangeRequestToWire(request)).then(
    () => assert.fail('the forged endorsement was accepted'),
    (e: grpc.ServiceError) => e,
  );
  assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
  assert.deepEqual(error.metadata.get('g2g-error-code'), ['ERR_INVALID_RECORD']);
  assert.deepEqual(await snapshot(), before, 'the CA was not trusted and the record not taken');
  // Its correctly endorsed rotation is taken: the new CA joins the trust entry of the same node id.
  const good = signedRecord({ ...made, nodeId: ca.nodeId, lineage: [lineage[0]!, endorse(ca.nodeId, made.certPem, ca.keyPem)] }, { version: 6, previousCaCertPem: ca.certPem, cluster: node.status().cluster }, made.keyPem);
  await call(gossip, 'Exchange', exchangeRequestToWire({ ...request, sender: good }));
  const after = await snapshot();
  assert.ok(after.members.some((m) => m.startsWith(`${ca.nodeId}@6:`)), 'the endorsed rotation is taken');
});

test("a member's record whose CA (its own key) is named after another member is refused: it could mint that member's leaves", async () => {
  const { ca, gossip } = await admittedMember();
  const before = await snapshot();
  const { generateRsaKeyPair } = await import('../../src/identity/keygen');
  // The attacker's key pair, but a CA certificate named "<the node's id> CA".
  const keyPair = await generateRsaKeyPair(1024);
  const attacker = createNodeCa({ keyPair, now: new Date(), lifetimeMs: 86_400_000 });
  const misnamed = createNodeCa({ keyPair, now: new Date(), lifetimeMs: 86_400_000, nodeId: node.nodeId });
  node.trust.set(attacker.nodeId, attacker.certPem);
  await node.trust.settled();
  try {
    const attackerGossip = gossipClient(materialFor(node, await memberLeaf(attacker)));
    const request = { sender: signedRecord({ ...attacker, certPem: misnamed.certPem }, { cluster: node.status().cluster }), records: [], digests: [], heartbeats: [], claims: [], digestsComplete: false, followUp: false, rumourDigests: [], joining: true };
    const error = await call(attackerGossip, 'Exchange', exchangeRequestToWire(request)).then(
      () => assert.fail('a misnamed CA was accepted'),
      (e: grpc.ServiceError) => e,
    );
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    const after = await snapshot();
    assert.deepEqual(after.members, before.members);
    assert.ok(after.members.some((m) => m.startsWith(ca.nodeId)) && !after.members.some((m) => m.startsWith(attacker.nodeId)));
  } finally {
    node.trust.remove(attacker.nodeId);
    void gossip;
  }
});

test('a client-mode member may not publish on the gossip channel as a server: its pushes are refused (PERMISSION_DENIED), nothing is delivered, and it cannot promote its own record', async () => {
  const { ca, gossip, material } = await admittedMember('client');
  const delivered: string[] = [];
  const unsubscribe = node.channel.subscribe('', (m) => delivered.push(`${m.origin}:${m.topic}`));
  try {
    const before = await snapshot();
    const refusedBefore = node.channel.stats().pushesRefused;
    // A message in its own name, correctly signed with its own CA key, pushed as a server relays.
    const unsigned = { origin: ca.nodeId, epoch: 1, seq: 1, topic: 'test/as-a-server', data: Buffer.from('hello'), publishedAtMs: Date.now() };
    const message = { ...unsigned, signature: await new CaMessageAuthenticator(ca.keyPem).sign(unsigned) };
    const channel = new (g2gProto().g2g.v1.Channel)(`127.0.0.1:${node.boundPorts.gossip}`, tlsCredentials(material), channelOptions(node.nodeId));
    clients.push(channel);
    const error = await call(channel, 'Push', { messages: [envelopeToWire(message)] }).then(
      () => assert.fail("a client-mode member's push was accepted"),
      (e: grpc.ServiceError) => e,
    );
    assert.equal(error.code, grpc.status.PERMISSION_DENIED);
    assert.deepEqual(error.metadata.get('g2g-error-code'), ['ERR_CHANNEL_SENDER_REFUSED']);
    assert.equal(node.channel.stats().pushesRefused, refusedBefore + 1);

    // Its own record re-signed as a server, newer: refused, and it stays a client-mode member.
    const promoted = signedRecord(ca, { mode: 'server', version: 2, cluster: node.status().cluster });
    const request = { sender: promoted, records: [], digests: [], heartbeats: [], claims: [], digestsComplete: false, followUp: false, rumourDigests: [] };
    const escalation = await call(gossip, 'Exchange', exchangeRequestToWire(request)).then(
      () => assert.fail('a client-mode member promoted itself to a server'),
      (e: grpc.ServiceError) => e,
    );
    assert.equal(escalation.code, grpc.status.PERMISSION_DENIED);
    assert.deepEqual(escalation.metadata.get('g2g-error-code'), ['ERR_MODE_ESCALATION']);
    // Relayed by someone else (a server pushing it as gossip), it is not taken either.
    const relay = await admittedMember();
    await call(relay.gossip, 'Exchange', exchangeRequestToWire({ sender: signedRecord(relay.ca, { version: 2, cluster: node.status().cluster }), records: [promoted], digests: [], heartbeats: [], claims: [], digestsComplete: false, followUp: false, rumourDigests: [] }));
    const after = await snapshot();
    assert.ok(after.members.includes(`${ca.nodeId}@1:${certFingerprint(ca.certPem)}:NODE_MODE_CLIENT`), 'still a client-mode member at its admitted version');
    assert.deepEqual(after.trusted, [...before.trusted, relay.ca.nodeId].sort());
    await assert.rejects(call(channel, 'Push', { messages: [envelopeToWire({ ...message, seq: 2 })] }), (e: grpc.ServiceError) => e.code === grpc.status.PERMISSION_DENIED);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(delivered, []);
  } finally {
    unsubscribe();
  }
});
