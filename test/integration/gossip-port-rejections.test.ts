import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import type { G2gNode } from '../../src/node/g2g-node';
import { call, channelOptions, failureCode, g2gProto, healthClient, tlsCredentials } from '../helpers/clients';
import { makeCa, materialFor, memberLeaf, operatorCert, startInProcessNode } from '../helpers/in-process-node';
import { issueLeaf } from '../../src/identity/leaf';
import { endorse } from '../../src/identity/ca-lineage';
import { createNodeCa, type NodeCa } from '../../src/identity/node-ca';
import { exchangeRequestToWire } from '../../src/transport/gossip-wire';
import type { MembersResponse__Output } from '../../src/proto/generated/g2g/v1/MembersResponse';
import { signedRecord } from '../helpers/records';

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

test('a caller without a client certificate is refused at the handshake', async () => {
  const code = await failureCode(call(gossipHealth(materialFor(node)), 'Check', { service: '' }, 5000));
  assert.equal(code, grpc.status.UNAVAILABLE);
});

test('a certificate from an unknown CA is refused at the handshake', async () => {
  const stranger = await makeCa();
  const code = await failureCode(call(gossipHealth(materialFor(node, await memberLeaf(stranger))), 'Check', { service: '' }, 5000));
  assert.equal(code, grpc.status.UNAVAILABLE);
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

test('an operator may read health and status but not call member-only Gossip methods', async () => {
  const operator = await operatorCert(node.nodeCa, 'alice');
  const material = materialFor(node, operator);
  const health = await call<{ status: string }>(gossipHealth(material), 'Check', { service: 'g2g.v1.Admin' });
  assert.equal(health.status, 'SERVING');
  const code = await failureCode(call(gossipClient(material), 'Ping', { nonce: 1 }));
  assert.equal(code, grpc.status.PERMISSION_DENIED);
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

/** What the node knows, to check that a refusal changed nothing. */
async function snapshot(): Promise<{ trusted: string[]; members: string[] }> {
  const admin = new (g2gProto().g2g.v1.Admin)(`127.0.0.1:${node.boundPorts.gossip}`, tlsCredentials(materialFor(node, await operatorCert(node.nodeCa, 'snapshot'))), channelOptions(node.nodeId));
  clients.push(admin);
  const members = await call<MembersResponse__Output>(admin, 'Members', {});
  return { trusted: node.trust.members().sort(), members: members.members.map((m) => `${m.nodeId}@${m.version}:${m.caFingerprint}`).sort() };
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
