import assert from 'node:assert/strict';
import { TLSSocket } from 'node:tls';
import { after, before, test } from 'node:test';
import type * as grpc from '@grpc/grpc-js';
import type { G2gNode } from '../../src/node/g2g-node';
import { call, channelOptions, g2gProto, healthClient, tlsCredentials } from '../helpers/clients';
import { materialFor, operatorCert, startInProcessNode } from '../helpers/in-process-node';

let node: G2gNode;
let close: () => Promise<void>;

before(async () => {
  ({ node, close } = await startInProcessNode());
});

after(() => close());

/** How many times `work` made a TLS socket read its peer certificate. */
async function peerCertificateReads(work: () => Promise<void>): Promise<number> {
  const original = TLSSocket.prototype.getPeerCertificate;
  let reads = 0;
  TLSSocket.prototype.getPeerCertificate = function (this: TLSSocket, detailed?: boolean) {
    reads++;
    return original.call(this, detailed as true);
  } as typeof original;
  try {
    await work();
  } finally {
    TLSSocket.prototype.getPeerCertificate = original;
  }
  return reads;
}

test('authorisation reads the peer certificate once per connection, not once per call', async () => {
  const client: grpc.Client = healthClient(`127.0.0.1:${node.boundPorts.gossip}`, materialFor(node, await operatorCert(node.nodeCa)));
  try {
    await call(client, 'Check', { service: '' });
    const reads = await peerCertificateReads(async () => {
      for (let i = 0; i < 20; i++) assert.equal((await call<{ status: string }>(client, 'Check', { service: '' })).status, 'SERVING');
    });
    // If this fails, grpc-js changed its internals: transport/connection-identity.ts falls back to
    // getAuthContext() (still correct, but the per-call cost is back).
    assert.equal(reads, 0);
  } finally {
    client.close();
  }
});

test('handlers that ask who is calling (callerOf) read the peer certificate once per connection too', async () => {
  const material = materialFor(node, await operatorCert(node.nodeCa));
  const { Admin } = g2gProto().g2g.v1;
  const client: grpc.Client = new Admin(`127.0.0.1:${node.boundPorts.gossip}`, tlsCredentials(material), channelOptions(node.nodeId));
  try {
    await call(client, 'Status', {});
    const reads = await peerCertificateReads(async () => {
      for (let i = 0; i < 20; i++) assert.match((await call<{ caller: string }>(client, 'Status', {})).caller, /^operator:/);
    });
    assert.equal(reads, 0);
  } finally {
    client.close();
  }
});
