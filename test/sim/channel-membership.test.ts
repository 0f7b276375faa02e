import assert from 'node:assert/strict';
import type { Channel } from '../../src/channel/channel';
import { attachChannel, messageKey } from '../../src/testing/sim-channel-cluster';
import { simTest } from './sim-helpers';

/*
 * The channel over the real Membership protocol (as the node wires it): peers and origins come
 * from each node's own membership table, with its detection delays. A partition is felt first
 * as failed pushes and pulls, then as peers declared dead; after the heal membership merges and
 * pulls repair what each side missed.
 */

simTest('channel on membership: 60 nodes and a client, partition then heal, every message exactly once', 601, { latencyMs: [1, 10], membership: { reconnectIntervalMs: 5000 } }, async (c) => {
  for (let i = 0; i < 60; i++) c.addNode();
  const client = c.addNode({ mode: 'client' });
  c.bootstrap();
  await c.runIntervals(10);
  assert.ok(c.converged(c.nodes.slice(0, 60)));
  const deliveries = new Map<string, Map<string, number>>();
  const channels = new Map<string, Channel>();
  for (const n of c.nodes) {
    const channel = attachChannel(c, n);
    const got = new Map<string, number>();
    channel.subscribe('', (m) => got.set(messageKey(m), (got.get(messageKey(m)) ?? 0) + 1));
    channels.set(n.id, channel);
    deliveries.set(n.id, got);
  }
  const complete = (keys: string[], ids = [...channels.keys()]) => ids.every((id) => keys.every((k) => deliveries.get(id)!.has(k)));
  const publish = async (ids: string[], count: number, tag: string): Promise<string[]> => {
    const keys: string[] = [];
    for (let i = 0; i < count; i++) keys.push(messageKey(await channels.get(ids[c.random.int(ids.length)]!)!.publish(`sim/${tag}`, Buffer.from(`${tag} ${i}`))));
    return keys;
  };

  const servers = c.nodes.slice(0, 60).map((n) => n.id);
  const before = await publish(servers, 5, 'before');
  assert.ok((await c.runUntil(() => complete(before), 10)) > 0, 'all, the client included, get the first messages');

  const left = servers.slice(0, 30);
  const right = servers.slice(30);
  c.network.partition([[...left, client.id], right]);
  const duringLeft = await publish(left, 5, 'left');
  const duringRight = await publish(right, 5, 'right');
  const split = await c.runUntil(() => left.every((a) => right.every((b) => c.stateAt(a, b) === 'dead')), 200);
  assert.ok(split > 0, 'membership notices the partition');
  assert.ok(complete([...before, ...duringLeft], [...left, client.id]));
  assert.ok(complete([...before, ...duringRight], right));

  c.network.heal();
  const all = [...before, ...duringLeft, ...duringRight];
  const healed = await c.runUntil(() => complete(all), 200);
  assert.ok(healed > 0, 'after the heal every node, the client included, gets every message');
  for (const [id, got] of deliveries) {
    for (const k of all) assert.equal(got.get(k), 1, `${id} got ${k} ${got.get(k)} times`);
    assert.equal(got.size, all.length);
  }
  assert.equal(channels.get(client.id)!.stats().pushesSent, 0);
});
