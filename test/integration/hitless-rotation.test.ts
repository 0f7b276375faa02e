import assert from 'node:assert/strict';
import { derFingerprint } from '../../src/identity/cert-info';
import tls from 'node:tls';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { Leaf } from '../../src/identity/leaf';
import type { G2gNode } from '../../src/node/g2g-node';
import { call, channelOptions, g2gProto, healthClient, tlsCredentials } from '../helpers/clients';
import { materialFor, operatorCert, startInProcessNode } from '../helpers/in-process-node';

let node: G2gNode;
let close: () => Promise<void>;

before(async () => {
  ({ node, close } = await startInProcessNode());
});

after(() => close());

/** Opens a brand-new TLS connection and returns the fingerprint of the leaf the port presented. */
function presentedFingerprint(port: number, client?: Leaf): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: '127.0.0.1', port, ca: node.nodeCa.certPem, servername: node.nodeId, cert: client?.certPem, key: client?.keyPem, ALPNProtocols: ['h2'] },
      () => {
        const raw = socket.getPeerCertificate().raw;
        socket.destroy();
        resolve(derFingerprint(raw));
      },
    );
    socket.once('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('TLS handshake timed out')));
  });
}

test('rotating the leaf 5 times fails no call, keeps a stream open, and each new handshake sees the new leaf', async () => {
  const operator = await operatorCert(node.nodeCa, 'rotation-test');
  const gossipMaterial = materialFor(node, operator);
  const gossipHealth = healthClient(`127.0.0.1:${node.boundPorts.gossip}`, gossipMaterial);
  const proto = g2gProto();
  const register = new proto.g2g.v1.Register(`127.0.0.1:${node.boundPorts.register}`, tlsCredentials(materialFor(node)), channelOptions(node.nodeId));

  let running = true;
  const counts = { ok: 0, failed: 0 };
  const failures: string[] = [];
  const loop = async (fn: () => Promise<unknown>) => {
    while (running) {
      try {
        await fn();
        counts.ok++;
      } catch (error) {
        counts.failed++;
        failures.push((error as Error).message);
      }
    }
  };
  const loops = [
    loop(() => call(gossipHealth, 'Check', { service: '' })),
    loop(() => call(register, 'WhoAmI', {})),
  ];

  const updates: string[] = [];
  const watch = (gossipHealth as unknown as { Watch(req: object): grpc.ClientReadableStream<{ status: string }> }).Watch({ service: 'g2g.v1.Admin' });
  const streamEnded = new Promise<grpc.status | undefined>((resolve) => {
    watch.on('data', (m: { status: string }) => updates.push(m.status));
    watch.on('error', (e: grpc.ServiceError) => resolve(e.code));
    watch.on('end', () => resolve(undefined));
  });

  const waitForCalls = async (n: number) => {
    const target = counts.ok + counts.failed + n;
    while (counts.ok + counts.failed < target) await new Promise((r) => setImmediate(r));
  };

  const seen = new Set<string>([node.currentLeaf().fingerprint]);
  await waitForCalls(20);
  for (let i = 0; i < 5; i++) {
    const { current } = await node.rotate(`test rotation ${i + 1}`);
    assert.ok(!seen.has(current.fingerprint), 'each rotation installs a new leaf');
    seen.add(current.fingerprint);
    assert.equal(await presentedFingerprint(node.boundPorts.register), current.fingerprint);
    assert.equal(await presentedFingerprint(node.boundPorts.gossip, operator), current.fingerprint);
    await waitForCalls(20);
  }

  // The stream opened before the first rotation still delivers after the last one.
  node.setServingStatus('g2g.v1.Admin', 'NOT_SERVING');
  while (!updates.includes('NOT_SERVING')) await new Promise((r) => setTimeout(r, 5));
  watch.cancel();
  const streamStatus = await streamEnded;
  node.setServingStatus('g2g.v1.Admin', 'SERVING');
  running = false;
  await Promise.all(loops);

  assert.deepEqual(failures, []);
  assert.equal(counts.failed, 0);
  assert.ok(counts.ok >= 120, `calls kept flowing during rotations (${counts.ok})`);
  assert.deepEqual(updates, ['SERVING', 'NOT_SERVING']);
  assert.equal(streamStatus, grpc.status.CANCELLED, 'the stream ended only because the client cancelled it');
  assert.equal(seen.size, 6);
  gossipHealth.close();
  register.close();
});
