import { EventScheduler } from '../../src/testing/event-scheduler';
import { MemoryNetwork } from '../../src/testing/memory-network';
import { SeededRandom } from '../../src/testing/seeded-random';
import { channelTransportSuite, type ChannelTransportEndpoint } from './channel-transport-suite';

channelTransportSuite('in-memory network', async () => {
  const scheduler = new EventScheduler(Date.UTC(2025, 0, 1));
  const network = new MemoryNetwork(scheduler, new SeededRandom(4101), { latencyMs: [1, 20] });
  const endpoints: ChannelTransportEndpoint[] = ['a', 'b', 'c'].map((id, i) => {
    const ep = network.endpoint(`node-${id}`);
    return { nodeId: ep.nodeId, target: { nodeId: ep.nodeId, addresses: [`10.0.0.${i + 1}`], gossipPort: 7947 }, transport: ep.channel, serve: (h) => ep.serveChannel(h) };
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
