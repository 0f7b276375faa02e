import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { PeerClients } from '../../src/transport/peer-clients';
import { PushCertificateProvider } from '../../src/transport/push-certificate-provider';
import { makeCa, memberLeaf } from '../helpers/in-process-node';

test('PeerClients.sweep closes the channels of departed peers only, including one re-created after the departure', async () => {
  const [self, a, b] = await Promise.all([makeCa(), makeCa(), makeCa()]);
  const leaf = await memberLeaf(self);
  const identity = new PushCertificateProvider();
  identity.setIdentity(leaf.certPem, leaf.keyPem);
  const clients = new PeerClients(identity);
  try {
    const endpoint = (ca: typeof a) => ({ nodeId: ca.nodeId, addresses: ['127.0.0.1'], gossipPort: 9, caCertPem: ca.certPem });
    clients.gossip(endpoint(a));
    clients.gossip(endpoint(b));
    clients.drop(a.nodeId);
    // A call started from a peer list read before the departure dials it again.
    const late = clients.gossip(endpoint(a)).getChannel();
    const stays = clients.channelOf(b.nodeId)!;
    assert.equal(clients.size(), 2);

    assert.equal(clients.sweep((nodeId) => nodeId === a.nodeId), 1);
    assert.equal(clients.size(), 1);
    assert.equal(clients.channelOf(a.nodeId), undefined);
    assert.equal(late.getConnectivityState(false), grpc.connectivityState.SHUTDOWN);
    assert.notEqual(stays.getConnectivityState(false), grpc.connectivityState.SHUTDOWN);
    assert.equal(clients.sweep(() => false), 0);
  } finally {
    clients.closeAll();
  }
});
