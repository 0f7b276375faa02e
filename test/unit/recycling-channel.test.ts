import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation, service as healthService } from 'grpc-health-check';
import { RecyclingChannel } from '../../src/transport/recycling-channel';

const HealthClient = grpc.makeClientConstructor(healthService, 'grpc.health.v1.Health');
type Health = grpc.Client & {
  Check(req: object, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: { status: string }) => void): void;
  Watch(req: object): grpc.ClientReadableStream<{ status: string }>;
};

let server: grpc.Server;
let port: number;
const health = new HealthImplementation({ '': 'SERVING' });
/** Remote ports of the connections the server saw, in order of first call. */
const connections: string[] = [];

before(async () => {
  server = new grpc.Server({
    interceptors: [
      (_method, call) => {
        const peer = call.getPeer();
        if (!connections.includes(peer)) connections.push(peer);
        return new grpc.ServerInterceptingCall(call);
      },
    ],
  });
  health.addToServer(server);
  port = await new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
});

after(() => server.forceShutdown());

function check(client: Health): Promise<string> {
  return new Promise((resolve, reject) => client.Check({ service: '' }, { deadline: Date.now() + 5000 }, (e, r) => (e ? reject(e) : resolve(r!.status))));
}

test('recycling moves later calls to a new connection; a stream on the old one runs on, and the old channel closes when it ends', async () => {
  let opened = 0;
  const channel = new RecyclingChannel(() => {
    opened++;
    return new grpc.Channel(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  });
  // A typed client made once, as a plugin would keep it.
  const client = new HealthClient(channel.getTarget(), grpc.credentials.createInsecure(), { channelOverride: channel }) as unknown as Health;
  try {
    assert.equal(await check(client), 'SERVING');
    const updates: string[] = [];
    const watch = client.Watch({ service: '' });
    const ended = new Promise<grpc.status | undefined>((resolve) => {
      watch.on('data', (m: { status: string }) => updates.push(m.status));
      watch.on('error', (e: grpc.ServiceError) => resolve(e.code));
      watch.on('end', () => resolve(undefined));
    });
    while (updates.length === 0) await new Promise((r) => setTimeout(r, 5));

    channel.recycle();
    assert.equal(opened, 2);
    assert.equal(channel.draining(), 1, 'the old channel waits for its stream');
    assert.equal(await check(client), 'SERVING', 'the same client works after the recycle');
    assert.equal(connections.length, 2, 'later calls use a new connection');

    health.setStatus('', 'NOT_SERVING');
    while (!updates.includes('NOT_SERVING')) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(updates, ['SERVING', 'NOT_SERVING'], 'the stream opened before the recycle still delivers');
    watch.cancel();
    assert.equal(await ended, grpc.status.CANCELLED);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(channel.draining(), 0, 'the old channel closed once its last call ended');
    health.setStatus('', 'SERVING');
  } finally {
    client.close();
  }
});

test('calls waiting for a connection are not failed by a recycle', async () => {
  const channel = new RecyclingChannel(() => new grpc.Channel(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {}));
  const client = new HealthClient(channel.getTarget(), grpc.credentials.createInsecure(), { channelOverride: channel }) as unknown as Health;
  try {
    // Started on an idle channel (still connecting), then recycled at once, twice.
    const pending = [check(client), check(client)];
    channel.recycle();
    pending.push(check(client));
    channel.recycle();
    assert.deepEqual(await Promise.all(pending), ['SERVING', 'SERVING', 'SERVING']);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(channel.draining(), 0);
  } finally {
    client.close();
  }
  // A closed channel refuses new calls, as any grpc-js channel does.
  assert.throws(() => channel.createCall('/grpc.health.v1.Health/Check', Infinity, undefined, null, undefined));
});

test('drain refuses new calls at once and closes the channel when the running calls end', async () => {
  const channel = new RecyclingChannel(() => new grpc.Channel(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
  const client = new HealthClient(channel.getTarget(), grpc.credentials.createInsecure(), { channelOverride: channel }) as unknown as Health;
  const watch = client.Watch({ service: '' });
  const updates: string[] = [];
  const ended = new Promise<grpc.status | undefined>((resolve) => {
    watch.on('data', (m: { status: string }) => updates.push(m.status));
    watch.on('error', (e: grpc.ServiceError) => resolve(e.code));
    watch.on('end', () => resolve(undefined));
  });
  while (updates.length === 0) await new Promise((r) => setTimeout(r, 5));
  channel.drain();
  assert.equal(channel.draining(), 1, 'the stream keeps its channel');
  assert.throws(() => channel.createCall('/grpc.health.v1.Health/Check', Infinity, undefined, null, undefined), /shut down/);
  health.setStatus('', 'NOT_SERVING');
  while (!updates.includes('NOT_SERVING')) await new Promise((r) => setTimeout(r, 5));
  watch.cancel();
  assert.equal(await ended, grpc.status.CANCELLED);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(channel.draining(), 0);
  health.setStatus('', 'SERVING');
});
