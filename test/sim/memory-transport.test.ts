import { EventScheduler } from '../../src/testing/event-scheduler';
import { MemoryNetwork } from '../../src/testing/memory-network';
import { SeededRandom } from '../../src/testing/seeded-random';
import { SimAuthority } from '../../src/testing/sim-authenticator';
import type { NodeRecord } from '../../src/membership/node-record';
import { transportSuite, type TransportEndpoint } from './transport-suite';

transportSuite('in-memory network', async () => {
  const scheduler = new EventScheduler(Date.UTC(2025, 0, 1));
  const random = new SeededRandom(4001);
  const network = new MemoryNetwork(scheduler, random.fork(), { latencyMs: [1, 20] });
  const authority = new SimAuthority(random.fork());
  const endpoints: TransportEndpoint[] = [0, 1, 2].map((i) => {
    const id = authority.createIdentity();
    const ep = network.endpoint(id.nodeId);
    const target = { nodeId: id.nodeId, addresses: [`10.0.0.${i + 1}`], gossipPort: 7947 };
    const body = { ...target, cluster: 'suite', mode: 'server' as const, registerPort: 7946, caCertPem: id.caCertPem, leaf: { fingerprint: 'sha256:00', notAfterMs: 1 }, version: 1, services: [], tags: [{ key: 'k', value: 'v' }], protocolVersion: 1, left: false };
    const record: NodeRecord = { ...body, heartbeat: 1, signature: id.authenticator.signBody(body), heartbeatSignature: id.authenticator.signHeartbeat(id.nodeId, 1, 1) };
    return { nodeId: id.nodeId, target, transport: ep.transport, serve: (h) => ep.serve(h), record: () => record };
  });
  network.endpoint('unreachable-node');
  return {
    endpoints,
    unreachable: { nodeId: 'unreachable-node', addresses: ['10.0.0.99'], gossipPort: 7947 },
    async settle<T>(p: Promise<T>): Promise<T> {
      const out = p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
      await scheduler.run(5000);
      const r = await out;
      if (!r.ok) throw r.error;
      return r.value;
    },
    teardown: async () => undefined,
  };
});
