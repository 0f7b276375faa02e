import { pingRequestSize, pingResponseSize } from '../../src/membership/message-size';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventScheduler } from '../../src/testing/event-scheduler';
import { MemoryNetwork } from '../../src/testing/memory-network';
import { SeededRandom } from '../../src/testing/seeded-random';
import { TieredTopology } from '../../src/testing/tiered-topology';

test('tiered topology: tiers by the innermost shared group, every node sees every tier, latency ranges with jitter', () => {
  const t = new TieredTopology([2, 3, 2], [1, 20, 80], 0.1);
  assert.equal(t.capacity, 12);
  const ids = [...Array(12).keys()].map((i) => `n${i}`);
  for (const id of ids) t.place(id);
  assert.throws(() => t.place('n12'), RangeError);
  assert.throws(() => t.place('n0'), RangeError);
  // n0..n5 region 0 (zones n0-1, n2-3, n4-5), n6..n11 region 1.
  assert.equal(t.tierOf('n0', 'n1'), 0);
  assert.equal(t.tierOf('n0', 'n2'), 1);
  assert.equal(t.tierOf('n5', 'n4'), 0);
  assert.equal(t.tierOf('n5', 'n0'), 1);
  assert.equal(t.tierOf('n5', 'n6'), 2);
  assert.equal(t.groupOf('n5'), 0);
  assert.equal(t.groupOf('n6'), 1);
  assert.equal(t.groupOf('n6', 1), 3);
  assert.equal(t.rttMs('n0', 'n11'), 160);
  for (const a of ids) {
    const counts = [0, 0, 0];
    for (const b of ids) if (a !== b) counts[t.tierOf(a, b)]!++;
    assert.deepEqual(counts, [1, 4, 6], a);
  }
  assert.deepEqual(t.latency('n0', 'n1'), [1, 1]);
  assert.deepEqual(t.latency('n0', 'n2'), [18, 22]);
  assert.deepEqual(t.latency('n0', 'n6'), [72, 88]);
  assert.equal(t.latency('n0', 'elsewhere'), undefined);
  assert.throws(() => new TieredTopology([2, 2], [1]), RangeError);
});

test('memory network: a latency model sets link delays; an explicit link setting overrides it; the traffic observer sees requests and answers', async () => {
  const scheduler = new EventScheduler(0);
  const network = new MemoryNetwork(scheduler, new SeededRandom(1), { latencyMs: [1, 1], latencyModel: (from, to) => (from === 'a' && to === 'b' ? [30, 30] : undefined) });
  const a = network.endpoint('a');
  const b = network.endpoint('b');
  const unused = async (): Promise<never> => {
    throw new Error('unused');
  };
  b.serve({ handlePing: () => ({ nonce: 1, nodeId: 'b', heartbeat: 0 }), handleExchange: unused, handlePingVia: unused });
  const seen: string[] = [];
  network.observeTraffic((from, to, bytes, kind, answer) => seen.push(`${from}>${to} ${kind} ${answer ? 'answer' : 'request'} ${bytes}`));
  const start = scheduler.now();
  const p = a.transport.ping({ nodeId: 'b', addresses: [], gossipPort: 1 }, { nonce: 1 }, { timeoutMs: 1000 });
  let answeredAt = -1;
  void p.then(() => (answeredAt = scheduler.now()));
  await scheduler.run(100);
  assert.equal(answeredAt - start, 31, 'a→b from the model (30 ms), b→a the default (1 ms)');
  // Counted in protobuf bytes, as every other message (membership's message sizes).
  const requestBytes = pingRequestSize({ nonce: 1 });
  const answerBytes = pingResponseSize({ nonce: 1, nodeId: 'b', heartbeat: 0 });
  assert.deepEqual(seen, [`a>b ping request ${requestBytes}`, `b>a ping answer ${answerBytes}`]);
  network.setLinkLatency('a', 'b', [5, 5]);
  network.observeTraffic(undefined);
  const before = seen.length;
  const again = scheduler.now();
  const q = a.transport.ping({ nodeId: 'b', addresses: [], gossipPort: 1 }, { nonce: 2 }, { timeoutMs: 1000 });
  let second = -1;
  void q.then(() => (second = scheduler.now()));
  await scheduler.run(100);
  assert.equal(second - again, 6);
  assert.equal(seen.length, before, 'no observer, no records');
});
