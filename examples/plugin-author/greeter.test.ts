import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as grpc from '@grpc/grpc-js';
import { createFakeContext, FakeNetwork, stubClient, type FakeContext } from 'g2g/testing';
import Greeter, { type GreeterConfig } from './index';

const SERVICE = 'example.greeter.v1.Greeter';
const config: GreeterConfig = { greeting: 'Hi', keepHeard: 2, peerTimeout: 1000 };

/** Calls a unary method of `node`'s Greeter as `caller` would. */
function call(node: FakeContext<GreeterConfig>, method: string, request: object, caller = { kind: 'operator' as const, name: 'alice', nodeId: node.nodeId }): Promise<any> {
  const client = stubClient(SERVICE, node.server.implementation(SERVICE)!, caller) as unknown as Record<string, Function>;
  return new Promise((resolve, reject) => client[method]!(request, (error: grpc.ServiceError | null, reply: unknown) => (error ? reject(error) : resolve(reply))));
}

test('greeter: greets the caller by certificate, fans out to peers, and hears shouts from every node', async () => {
  const network = new FakeNetwork();
  const nodes = [1, 2, 3].map(() => createFakeContext<GreeterConfig>({ name: 'greeter', services: [SERVICE], network, config }));
  try {
    for (const node of nodes) await node.start(Greeter);
    const [a, b, c] = nodes as [FakeContext<GreeterConfig>, FakeContext<GreeterConfig>, FakeContext<GreeterConfig>];

    assert.deepEqual(await call(a, 'Hello', {}), { message: `Hi, operator alice, from ${a.nodeId}` });
    assert.deepEqual(await call(a, 'Hello', {}, { kind: 'member', nodeId: b.nodeId } as never), { message: `Hi, member ${b.nodeId}, from ${a.nodeId}` });

    // HelloPeers: the pool calls Hello on the peers, which see node a as the calling member.
    const peers = await call(a, 'HelloPeers', { count: 5 });
    assert.deepEqual(peers.hellos.map((h: { nodeId: string }) => h.nodeId).sort(), [b.nodeId, c.nodeId].sort());
    assert.equal(peers.hellos[0].message, `Hi, member ${a.nodeId}, from ${peers.hellos[0].nodeId}`);
    assert.deepEqual(peers.failures, []);

    // Shouts reach every node, the shouter included; each keeps the last `keepHeard`.
    await call(a, 'Shout', { text: 'one' });
    await call(b, 'Shout', { text: 'two' });
    await call(c, 'Shout', { text: 'three' });
    await network.settle();
    for (const node of nodes) {
      assert.deepEqual((await call(node, 'Heard', {})).shouts, [{ nodeId: b.nodeId, text: 'two' }, { nodeId: c.nodeId, text: 'three' }]);
    }
    await assert.rejects(call(a, 'Shout', { text: '' }), (e: grpc.ServiceError) => e.code === 3);
  } finally {
    for (const node of nodes) await node.dispose();
  }
});
