import assert from 'node:assert/strict';
import { derFingerprint } from '../../src/identity/cert-info';
import tls from 'node:tls';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { Leaf } from '../../src/identity/leaf';
import type { NodeCa } from '../../src/identity/node-ca';
import { PushCertificateProvider } from '../../src/transport/push-certificate-provider';
import { mutualTlsServerCredentials, tlsServerCredentials } from '../../src/transport/server-credentials';
import { makeCa, memberLeaf } from '../helpers/in-process-node';

/*
 * Pins grpc-js's argument order of createCertificateProviderServerCredentials: the
 * FIRST argument is the identity provider, the SECOND the CA provider. The server identity and the
 * client CA below come from different CAs, so a swap in either place fails a handshake.
 */

let serverCa: NodeCa;
let clientCa: NodeCa;
let serverLeaf: Leaf;
let clientLeaf: Leaf;
const servers: grpc.Server[] = [];

before(async () => {
  [serverCa, clientCa] = await Promise.all([makeCa(), makeCa()]);
  [serverLeaf, clientLeaf] = await Promise.all([memberLeaf(serverCa), memberLeaf(clientCa)]);
});

after(() => servers.forEach((s) => s.forceShutdown()));

async function serve(credentials: grpc.ServerCredentials): Promise<number> {
  const server = new grpc.Server();
  servers.push(server);
  return new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (e, port) => (e ? reject(e) : resolve(port))));
}

function handshake(port: number, options: tls.ConnectionOptions): Promise<{ fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: serverCa.nodeId, ALPNProtocols: ['h2'], ...options }, () => {
      const raw = socket.getPeerCertificate().raw;
      // With TLS 1.3 a refused client certificate arrives as an alert after the client's side
      // completes; wait a moment for it before calling the handshake good.
      socket.once('data', () => undefined);
      setTimeout(() => {
        if (socket.destroyed) return;
        socket.destroy();
        resolve({ fingerprint: derFingerprint(raw) });
      }, 100);
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('connection closed by the server')));
  });
}

function providers(): { identity: PushCertificateProvider; trust: PushCertificateProvider } {
  const identity = new PushCertificateProvider();
  identity.setIdentity(serverLeaf.certPem, serverLeaf.keyPem);
  const trust = new PushCertificateProvider();
  trust.setCaCertificates([clientCa.certPem]);
  return { identity, trust };
}

test('mutual TLS: the server presents the identity provider leaf and accepts clients of the CA provider', async () => {
  const { identity, trust } = providers();
  const port = await serve(mutualTlsServerCredentials(identity, trust));
  const result = await handshake(port, { ca: serverCa.certPem, cert: clientLeaf.certPem, key: clientLeaf.keyPem });
  assert.equal(result.fingerprint, serverLeaf.fingerprint);
});

test('mutual TLS: a client without a certificate, or with one from another CA, is refused', async () => {
  const { identity, trust } = providers();
  const port = await serve(mutualTlsServerCredentials(identity, trust));
  await assert.rejects(handshake(port, { ca: serverCa.certPem }));
  const stranger = await memberLeaf(await makeCa());
  await assert.rejects(handshake(port, { ca: serverCa.certPem, cert: stranger.certPem, key: stranger.keyPem }));
});

test('grpc-js still takes the identity provider FIRST (if this fails, grpc-js fixed its swap: update server-credentials.ts)', async () => {
  const { identity, trust } = providers();
  // Called exactly as its parameter names suggest (CA first): the server then presents the
  // *client CA's* certificate chain as its identity... which has no key: credentials never load.
  const port = await serve(grpc.experimental.createCertificateProviderServerCredentials(trust, identity, true));
  await assert.rejects(handshake(port, { ca: serverCa.certPem, cert: clientLeaf.certPem, key: clientLeaf.keyPem }));
});

test('TLS only: the register-port credentials present the leaf and ask for no client certificate', async () => {
  const { identity } = providers();
  const port = await serve(tlsServerCredentials(identity));
  const result = await handshake(port, { ca: serverCa.certPem });
  assert.equal(result.fingerprint, serverLeaf.fingerprint);
});
