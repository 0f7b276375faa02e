import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SignedMessage } from '../../src/channel/message';
import { OutboundQueue } from '../../src/channel/outbound-queue';
import { Subscriptions } from '../../src/channel/subscriptions';
import type { ChannelMessage } from '../../src/plugins/contract';

const msg = (seq: number, bytes = 10): SignedMessage => ({ origin: 'o', epoch: 1, seq, topic: 't', data: new Uint8Array(bytes), publishedAtMs: 0, signature: new Uint8Array(0) });

const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
};

test('publishing waits for room, in order, and a slot is held from reserve to add', async () => {
  const q = new OutboundQueue({ maxMessages: 2, maxBytes: 1e9 });
  await q.reserve();
  q.addReserved(msg(1), []);
  await q.reserve(); // held: counts before its message is added
  const third = q.reserve();
  const fourth = q.reserve();
  assert.equal(await settled(third), false);
  assert.equal(q.waiting, 2);
  q.addReserved(msg(2), []);
  q.removeWhere((e) => e.message.seq === 1);
  assert.equal(await settled(third), true);
  assert.equal(await settled(fourth), false);
  q.release(); // third gave up its slot: fourth goes in
  assert.equal(await settled(fourth), true);
  assert.equal(q.waiting, 0);
});

test('the byte limit applies too; relays never wait but are refused beyond twice the limits', async () => {
  const q = new OutboundQueue({ maxMessages: 100, maxBytes: 200 });
  await q.reserve();
  q.addReserved(msg(1, 290), []);
  const waiting = q.reserve();
  assert.equal(await settled(waiting), false);
  assert.ok(q.tryAddRelay(msg(2, 100), ['x'])); // over the limit, under twice it
  assert.ok(!q.tryAddRelay(msg(3, 100), ['x'])); // now over twice the limit
  assert.equal(q.length, 2);
  q.removeWhere(() => true);
  assert.equal(q.queuedBytes, 0);
  assert.equal(await settled(waiting), true);
});

test('close rejects every waiting publish', async () => {
  const q = new OutboundQueue({ maxMessages: 1, maxBytes: 1e9 });
  await q.reserve();
  const waiting = q.reserve();
  q.close(new Error('stopped'));
  await assert.rejects(waiting, /stopped/);
  assert.equal(q.length, 0);
});

const message = (topic: string): ChannelMessage => ({ topic, data: new Uint8Array(0), origin: 'o', epoch: 1, seq: 1, publishedAtMs: 0 });

test('subscriptions match a topic and what is below it, never a sibling with the same prefix', () => {
  const s = new Subscriptions();
  const got: string[] = [];
  s.add('kv', (m) => got.push(`kv<-${m.topic}`));
  s.add('kv/put', (m) => got.push(`kv/put<-${m.topic}`));
  s.add('', (m) => got.push(`*<-${m.topic}`));
  for (const t of ['kv/put', 'kv/putx', 'kv/put/a', 'kvx', 'kv']) s.deliver(message(t), () => assert.fail());
  assert.deepEqual(got.sort(), [
    '*<-kv',
    '*<-kv/put',
    '*<-kv/put/a',
    '*<-kv/putx',
    '*<-kvx',
    'kv/put<-kv/put',
    'kv/put<-kv/put/a',
    'kv<-kv',
    'kv<-kv/put',
    'kv<-kv/put/a',
    'kv<-kv/putx',
  ]);
});

test('each subscription is its own: the same function twice is called twice; unsubscribe removes one; a throwing handler is isolated', () => {
  const s = new Subscriptions();
  let calls = 0;
  const h = () => calls++;
  const off1 = s.add('a', h);
  s.add('a', h);
  s.add('a', () => {
    throw new Error('boom');
  });
  const errors: unknown[] = [];
  assert.equal(s.deliver(message('a'), (e) => errors.push(e)), 3);
  assert.equal(calls, 2);
  assert.equal(errors.length, 1);
  off1();
  off1();
  s.deliver(message('a'), () => undefined);
  assert.equal(calls, 3);
  assert.equal(s.size, 2);
});
