import * as grpc from '@grpc/grpc-js';
import { RemoteCallError } from '../../src/transport/call-errors';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SignedMessage } from '../../src/channel/message';
import type { ChannelMessage } from '../../src/plugins/contract';
import { scopedChannel } from '../../src/plugins/scoped-channel';
import { messageKey, SimChannelCluster } from '../../src/testing/sim-channel-cluster';

/** Settles `p` while the simulation runs `ms`; a promise still pending then is reported as such. */
async function during<T>(c: SimChannelCluster, p: Promise<T>, ms = 50): Promise<{ ok: true; value: T } | { ok: false; error: unknown } | 'pending'> {
  let out: { ok: true; value: T } | { ok: false; error: unknown } | 'pending' = 'pending';
  p.then(
    (value) => (out = { ok: true, value }),
    (error: unknown) => (out = { ok: false, error }),
  );
  // Let the call's first steps run at the current simulated time, then move time on.
  await new Promise((resolve) => setImmediate(resolve));
  await c.run(ms);
  return out;
}

test('a message reaches every node once, the publisher included, with what was published', async () => {
  const c = new SimChannelCluster({ seed: 11 });
  const [a, ...rest] = c.addNodes(6);
  c.start();
  const got: ChannelMessage[] = [];
  rest[2]!.channel.subscribe('kv', (m) => got.push(m));
  const publishedAt = c.scheduler.now();
  const r = await during(c, a!.channel.publish('kv/put', Buffer.from('hello')));
  assert.ok(r !== 'pending' && r.ok);
  const published = r.value;
  assert.equal(published.origin, a!.id);
  assert.equal(published.seq, 1);
  assert.equal(published.epoch, 1);
  await c.runIntervals(1);
  assert.deepEqual(c.deliveryProblems([messageKey(published)]), []);
  assert.equal(got.length, 1);
  assert.equal(got[0]!.topic, 'kv/put');
  assert.equal(Buffer.from(got[0]!.data).toString(), 'hello');
  assert.equal(got[0]!.publishedAtMs, publishedAt);
  assert.equal(got[0]!.origin, a!.id);
  const second = await during(c, a!.channel.publish('kv/put', Buffer.from('again')));
  assert.ok(second !== 'pending' && second.ok && second.value.seq === 2);
});

test('a scoped channel publishes and listens under its prefix only', async () => {
  const c = new SimChannelCluster({ seed: 12 });
  const [a, b] = c.addNodes(3);
  c.start();
  const kv = scopedChannel(b!.channel, 'kv');
  const seen: string[] = [];
  kv.subscribe('', (m) => seen.push(`all:${m.topic}`));
  kv.subscribe('put', (m) => seen.push(`put:${m.topic}`));
  await during(c, scopedChannel(a!.channel, 'kv').publish('put', new Uint8Array([1])));
  await during(c, scopedChannel(a!.channel, 'kv').publish('', new Uint8Array([2])));
  await during(c, scopedChannel(a!.channel, 'query').publish('put', new Uint8Array([3])));
  await during(c, a!.channel.publish('kvx/put', new Uint8Array([4])));
  assert.deepEqual(seen.sort(), ['all:kv', 'all:kv/put', 'put:kv/put']);
  assert.throws(() => kv.subscribe('/x', () => undefined), { code: 'ERR_PLUGIN_TOPIC' });
  const bad = await during(c, kv.publish('x//y', new Uint8Array(1)));
  assert.ok(bad !== 'pending' && !bad.ok && (bad.error as { code: string }).code === 'ERR_PLUGIN_TOPIC');
});

test('coded refusals: too large, bad topic, client-mode publisher, stopped channel', async () => {
  const c = new SimChannelCluster({ seed: 13, channel: { maxMessageBytes: 1000 } });
  const [a] = c.addNodes(2);
  const client = c.addNode({ mode: 'client' });
  c.start();
  await assert.rejects(a!.channel.publish('t', new Uint8Array(1000)), { code: 'ERR_CHANNEL_MESSAGE_TOO_LARGE' });
  await assert.rejects(a!.channel.publish('', new Uint8Array(1)), { code: 'ERR_CHANNEL_TOPIC' });
  await assert.rejects(client.channel.publish('t', new Uint8Array(1)), { code: 'ERR_CHANNEL_NOT_SERVER' });
  a!.channel.stop();
  await assert.rejects(a!.channel.publish('t', new Uint8Array(1)), { code: 'ERR_CHANNEL_STATE' });
  assert.equal(a!.channel.stats().published, 0);
});

test('peers refuse a client-mode member that pushes, and drop messages whose origin is a client-mode member', async () => {
  const c = new SimChannelCluster({ seed: 14 });
  const [a, b] = c.addNodes(3);
  const client = c.addNode({ mode: 'client' });
  c.start();
  // The client signs a message as itself (it has its key) and pushes it directly...
  const unsigned = { origin: client.id, epoch: 1, seq: 1, topic: 'kv/put', data: new Uint8Array([1]), publishedAtMs: c.scheduler.now() };
  const fromClient: SignedMessage = { ...unsigned, signature: c.authority.messageAuthenticatorFor(client.id).sign(unsigned) as Uint8Array };
  const pushed = await during(c, client.endpoint.channel.push(a!.target, { messages: [fromClient] }, { timeoutMs: 500 }));
  assert.ok(pushed !== 'pending' && !pushed.ok);
  // As a gRPC caller reads it: the refusal's status and its code from the trailer.
  assert.ok(pushed.error instanceof RemoteCallError, `a RemoteCallError, got ${String(pushed.error)}`);
  assert.equal(pushed.error.remoteCode, 'ERR_CHANNEL_SENDER_REFUSED');
  assert.equal(pushed.error.status, grpc.status.PERMISSION_DENIED);
  assert.equal(a!.channel.stats().pushesRefused, 1);
  // ...or a server relays it: the origin is not a server, so it is dropped and counted.
  const relayed = await during(c, b!.endpoint.channel.push(a!.target, { messages: [fromClient] }, { timeoutMs: 500 }));
  assert.ok(relayed !== 'pending' && relayed.ok && relayed.value.accepted === 0);
  assert.equal(a!.channel.stats().droppedRefused, 1);
  assert.equal(a!.deliveries.size, 0);
});

test('a client-mode member receives the channel by pulling, and never relays', async () => {
  const c = new SimChannelCluster({ seed: 15 });
  const [a] = c.addNodes(4);
  const client = c.addNode({ mode: 'client' });
  c.start();
  const r = await during(c, a!.channel.publish('kv/put', new Uint8Array([7])));
  assert.ok(r !== 'pending' && r.ok);
  await c.runIntervals(3);
  assert.equal(client.deliveries.get(messageKey(r.value)), 1);
  assert.equal(client.channel.stats().pushesSent, 0);
  assert.ok(client.channel.stats().repaired >= 1);
});

test('backpressure: publishing waits while the queue is full and pushes are outstanding, and memory stays bounded', async () => {
  const c = new SimChannelCluster({ seed: 16, channel: { queueMessages: 2, maxInFlightPerPeer: 1, pushTimeoutMs: 1000, repairIntervalMs: 200 } });
  const [a, b, d] = c.addNodes(3);
  c.start();
  await c.run(10);
  // Cut the publisher off: its pushes hang until they time out.
  c.network.partition([[a!.id]]); // the network only: membership has not noticed yet
  const first = await during(c, a!.channel.publish('t', new Uint8Array([1])), 5);
  assert.ok(first !== 'pending' && first.ok);
  // The first push to each peer is outstanding; two more messages fill the queue.
  const second = a!.channel.publish('t', new Uint8Array([2]));
  const third = a!.channel.publish('t', new Uint8Array([3]));
  const fourth = a!.channel.publish('t', new Uint8Array([4]));
  assert.notEqual(await during(c, second, 5), 'pending');
  assert.notEqual(await during(c, third, 0), 'pending');
  assert.equal(await during(c, fourth, 100), 'pending');
  const stats = a!.channel.stats();
  assert.equal(stats.queued, 2);
  assert.equal(stats.publishersWaiting, 1);
  // The pushes time out, the queue drains, the waiting publish goes in.
  const after = await during(c, fourth, 1000);
  assert.ok(after !== 'pending' && after.ok);
  assert.ok(a!.channel.stats().pushesFailed >= 2);
  // After the heal, the others repair all four by pulling.
  c.heal();
  const keys = [1, 2, 3, 4].map((seq) => `${a!.id}/1/${seq}`);
  assert.ok((await c.runUntil(() => c.countComplete(keys) === 3, 20)) > 0);
  assert.deepEqual(c.deliveryProblems(keys), []);
  assert.ok(b!.channel.stats().repaired + d!.channel.stats().repaired >= 4);
});

test('a lone node delivers its own messages and keeps no queue', async () => {
  const c = new SimChannelCluster({ seed: 17 });
  const [a] = c.addNodes(1);
  c.start();
  const r = await during(c, a!.channel.publish('t', new Uint8Array([1])));
  assert.ok(r !== 'pending' && r.ok);
  assert.equal(a!.deliveries.get(messageKey(r.value)), 1);
  assert.equal(a!.channel.stats().queued, 0);
});
