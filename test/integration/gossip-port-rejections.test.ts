import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import type { G2gNode } from '../../src/node/g2g-node';
import { call, channelOptions, failureCode, g2gProto, healthClient, tlsCredentials } from '../helpers/clients';
import { makeCa, materialFor, memberLeaf, operatorCert, startInProcessNode } from '../helpers/in-process-node';

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
