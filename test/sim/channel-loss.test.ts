import assert from 'node:assert/strict';
import { channelSimTest, publishRounds, total } from './channel-sim-helpers';

/* The channel on 1,000 simulated server nodes with 10 % of all messages (requests and answers) lost. */

const N = 1000;

channelSimTest('1,000 nodes with 10 % message loss: still exactly once everywhere, pulls repairing what push lost', 502, { loss: 0.1 }, async (c) => {
  c.addNodes(N);
  c.start();
  await c.runIntervals(1);
  const keys = await publishRounds(c, 4, 4, 50);
  const rounds = await c.runUntil(() => c.countComplete(keys) === N, 30);
  assert.ok(rounds > 0, `only ${c.countComplete(keys)} of ${N} nodes got all ${keys.length} messages`);
  assert.deepEqual(c.deliveryProblems(keys), []);
  assert.ok(total(c.nodes, 'pushesFailed') > 0, 'the loss was felt');
  assert.ok(total(c.nodes, 'repaired') > 0, 'some messages came by pull');
  assert.equal(total(c.nodes, 'lost'), 0);
});
