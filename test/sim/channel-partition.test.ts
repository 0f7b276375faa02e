import assert from 'node:assert/strict';
import { channelSimTest, publishRounds, total } from './channel-sim-helpers';

/*
 * A node cut off by a partition fetches what it missed after the heal (pull-based repair within
 * the retention window), and nothing is delivered twice.
 */

const N = 1000;

channelSimTest('1,000 nodes split in two: each half gets its own messages, and after the heal every node gets all, exactly once', 503, {}, async (c) => {
  c.addNodes(N);
  c.start();
  await c.runIntervals(1);
  const before = await publishRounds(c, 1, 4, 50);
  assert.ok((await c.runUntil(() => c.countComplete(before) === N, 10)) > 0);
  const left = c.nodes.slice(0, N / 2);
  const right = c.nodes.slice(N / 2);
  c.partition([left.map((n) => n.id), right.map((n) => n.id)]);
  const keysLeft = await publishRounds(c, 3, 2, 100, left);
  const keysRight = await publishRounds(c, 3, 2, 100, right);
  // While split, each side converges on its own messages, by push and by pulls within the side.
  await c.runIntervals(10);
  assert.equal(c.countComplete([...before, ...keysLeft], left), left.length);
  assert.equal(c.countComplete([...before, ...keysRight], right), right.length);
  for (const n of left) for (const k of keysRight) assert.equal(n.deliveries.has(k), false, 'nothing crosses the partition');
  const repairedBefore = total(c.nodes, 'repaired');

  c.heal();
  const all = [...before, ...keysLeft, ...keysRight];
  // No new pushes after the heal: only pulls can bring the other half's messages.
  const rounds = await c.runUntil(() => c.countComplete(all) === N, 40);
  assert.ok(rounds > 0, `only ${c.countComplete(all)} of ${N} nodes got all ${all.length} messages`);
  assert.deepEqual(c.deliveryProblems(all), []);
  assert.ok(total(c.nodes, 'repaired') - repairedBefore >= N * 6, 'each node pulled the 6 messages of the other side');
  assert.equal(total(c.nodes, 'lost'), 0);
});
