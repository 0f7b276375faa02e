import assert from 'node:assert/strict';
import { channelSimTest, publishRounds, total } from './channel-sim-helpers';

/*
 * The channel on 1,000 simulated server nodes: every message is delivered
 * exactly once on every live node, by push and, for the few that push misses, by pull.
 */

const N = 1000;

channelSimTest('1,000 nodes: every message is delivered exactly once on every live node (10 crashed)', 501, {}, async (c) => {
  c.addNodes(N);
  c.start();
  await c.runIntervals(1);
  for (const n of c.nodes.slice(0, 10)) c.crash(n.id);
  const keys = await publishRounds(c, 4, 4, 50);
  const rounds = await c.runUntil(() => c.countComplete(keys) === c.live().length, 20);
  assert.ok(rounds > 0, `only ${c.countComplete(keys)} of ${c.live().length} nodes got all ${keys.length} messages`);
  assert.deepEqual(c.deliveryProblems(keys), []);
  const live = c.live();
  assert.equal(live.length, N - 10);
  // Push alone reaches almost everyone (fanout ⌈ln N⌉ + 1 = 8); pulls do the rest.
  const received = total(live, 'received');
  const repaired = total(live, 'repaired');
  assert.equal(received, keys.length * (live.length - 1));
  assert.ok(repaired < received * 0.02, `${repaired} of ${received} deliveries needed a repair pull`);
  assert.equal(total(live, 'droppedForged'), 0);
  assert.equal(total(live, 'lost'), 0);
});
