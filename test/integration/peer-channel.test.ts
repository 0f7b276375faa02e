import assert from 'node:assert/strict';
import { derFingerprint } from '../../src/identity/cert-info';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { G2gNode } from '../../src/node/g2g-node';
import type { PingResponse__Output } from '../../src/proto/generated/g2g/v1/PingResponse';
import { peerChannelCredentials, peerChannelOptions, type PeerTarget } from '../../src/transport/peer-channel';
import { PushCertificateProvider } from '../../src/transport/push-certificate-provider';
import { call, failureCode, g2gProto } from '../helpers/clients';
import { makeCa, memberLeaf, startInProcessNode } from '../helpers/in-process-node';

let a: G2gNode;
let b: G2gNode;
const closers: Array<() => Promise<void>> = [];
const clients: grpc.Client[] = [];

before(async () => {
  const [first, second] = await Promise.all([startInProcessNode(), startInProcessNode()]);
  closers.push(first.close, second.close);
  a = first.node;
  b = second.node;
  // Until membership lands, the test plays its part: each node trusts the other's CA.
  a.trust.set(b.nodeId, b.nodeCa.certPem);
  b.trust.set(a.nodeId, a.nodeCa.certPem);
  await Promise.all([a.trust.settled(), b.trust.settled()]);
});

after(async () => {
  for (const c of clients) c.close();
  await Promise.all(closers.map((close) => close()));
});

function gossipClient(target: PeerTarget, identity: grpc.experimental.CertificateProvider): grpc.Client {
  const { Gossip } = g2gProto().g2g.v1;
  const client = new Gossip(target.address, peerChannelCredentials(target, identity), peerChannelOptions(target));
  clients.push(client);
  return client;
}

const targetOf = (node: G2gNode): PeerTarget => ({ nodeId: node.nodeId, caCertPem: node.nodeCa.certPem, address: `127.0.0.1:${node.boundPorts.gossip}` });

test("a node calls a peer over a channel pinned to the peer's CA, presenting its own current leaf", async () => {
  const pong = await call<PingResponse__Output>(gossipClient(targetOf(b), a.identity), 'Ping', { nonce: 42 });
  assert.equal(pong.nodeId, b.nodeId);
  assert.equal(pong.nonce, 42);
});

test('credentials consult our identity at each handshake: after our rotation a new connection presents the new leaf', async () => {
  // A peer that records the leaf each caller presents: a bare mutual-TLS server trusting a's CA.
  const peerCa = await makeCa();
  const peerLeaf = await memberLeaf(peerCa);
  const presented: string[] = [];
  const server = new grpc.Server();
  server.addService(g2gProto().g2g.v1.Gossip.service, {
    Ping(serverCall: grpc.ServerUnaryCall<{ nonce: number }, unknown>, callback: grpc.sendUnaryData<unknown>) {
      const raw = serverCall.getAuthContext().sslPeerCertificate?.raw ?? Buffer.alloc(0);
      presented.push(derFingerprint(raw));
      callback(null, { nonce: serverCall.request.nonce, nodeId: peerCa.nodeId, heartbeat: 0 });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createSsl(Buffer.from(a.nodeCa.certPem), [{ cert_chain: Buffer.from(peerLeaf.certPem), private_key: Buffer.from(peerLeaf.keyPem) }], true), (e, p) => (e ? reject(e) : resolve(p))),
  );
  try {
    const target: PeerTarget = { nodeId: peerCa.nodeId, caCertPem: peerCa.certPem, address: `127.0.0.1:${port}` };
    const credentials = peerChannelCredentials(target, a.identity);
    const { Gossip } = g2gProto().g2g.v1;
    // A local subchannel pool per client: each client opens its own connection.
    const connect = () => {
      const client = new Gossip(target.address, credentials, peerChannelOptions(target, { 'grpc.use_local_subchannel_pool': 1 }));
      clients.push(client);
      return client;
    };
    await call(connect(), 'Ping', { nonce: 1 });
    const before = a.currentLeaf().fingerprint;
    await a.rotate('test');
    const after = a.currentLeaf().fingerprint;
    await call(connect(), 'Ping', { nonce: 2 });
    assert.notEqual(before, after);
    assert.deepEqual(presented, [before, after]);
  } finally {
    server.forceShutdown();
  }
});

test('a channel expecting another nodeId refuses the peer (its leaf names someone else)', async () => {
  const impostor: PeerTarget = { ...targetOf(b), nodeId: a.nodeId, caCertPem: b.nodeCa.certPem };
  assert.equal(await failureCode(call(gossipClient(impostor, a.identity), 'Ping', { nonce: 1 }, 5000)), grpc.status.UNAVAILABLE);
});

test("a channel pinned to a different CA refuses the peer even when the nodeId matches", async () => {
  const stranger = await makeCa();
  const wrongPin: PeerTarget = { ...targetOf(b), caCertPem: stranger.certPem };
  assert.equal(await failureCode(call(gossipClient(wrongPin, a.identity), 'Ping', { nonce: 1 }, 5000)), grpc.status.UNAVAILABLE);
});

test('a caller whose CA is not a member of the peer is refused by the peer', async () => {
  const outsider = await makeCa();
  const identity = new PushCertificateProvider();
  const leaf = await memberLeaf(outsider);
  identity.setIdentity(leaf.certPem, leaf.keyPem);
  assert.equal(await failureCode(call(gossipClient(targetOf(b), identity), 'Ping', { nonce: 1 }, 5000)), grpc.status.UNAVAILABLE);
});
