import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { BorrowedChannel } from '../../src/transport/borrowed-channel';

/** A channel to a port nothing listens on; nothing dials until a call is made. */
const idleChannel = () => new grpc.Channel('127.0.0.1:9', grpc.credentials.createInsecure(), {});

function unary(client: grpc.Client): Promise<grpc.ServiceError | null> {
  return new Promise((resolve) =>
    client.makeUnaryRequest('/test.Echo/Say', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), { deadline: Date.now() + 2000 }, (error) => resolve(error)),
  );
}

test('closing a client on a borrowed channel leaves the pooled channel open', () => {
  const pooled = idleChannel();
  const client = new grpc.Client('x', grpc.credentials.createInsecure(), { channelOverride: new BorrowedChannel('peer', pooled, () => pooled) });
  client.close();
  assert.notEqual(pooled.getConnectivityState(false), grpc.connectivityState.SHUTDOWN);
  pooled.close();
  assert.equal(pooled.getConnectivityState(false), grpc.connectivityState.SHUTDOWN, 'the owner can close it');
});

test('calls follow the peer\'s current channel, so a client survives the channel being recycled', () => {
  let current = idleChannel();
  const first = current;
  const borrowed = new BorrowedChannel('peer', current, () => current);
  const used: grpc.ChannelInterface[] = [];
  const spy = (channel: grpc.Channel) => {
    const original = channel.createCall.bind(channel);
    channel.createCall = (...args) => {
      used.push(channel);
      return original(...args);
    };
  };
  spy(first);
  const client = new grpc.Client('x', grpc.credentials.createInsecure(), { channelOverride: borrowed });
  const call1 = client.makeUnaryRequest('/test.Echo/Say', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), () => undefined);
  call1.cancel();
  first.close();
  current = idleChannel();
  spy(current);
  const call2 = client.makeUnaryRequest('/test.Echo/Say', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), () => undefined);
  call2.cancel();
  assert.deepEqual(used, [first, current]);
  assert.equal(borrowed.getConnectivityState(false), current.getConnectivityState(false));
  current.close();
});

test('once the peer has left, calls fail with UNAVAILABLE instead of throwing', async () => {
  const pooled = idleChannel();
  let present = true;
  const borrowed = new BorrowedChannel('peer-x', pooled, () => (present ? pooled : undefined));
  const client = new grpc.Client('x', grpc.credentials.createInsecure(), { channelOverride: borrowed });
  present = false;
  pooled.close();
  const error = await unary(client);
  assert.equal(error?.code, grpc.status.UNAVAILABLE);
  assert.match(error!.details, /peer-x has left the pool/);
  assert.equal(borrowed.getConnectivityState(false), grpc.connectivityState.SHUTDOWN);
  await new Promise<void>((resolve) => borrowed.watchConnectivityState(grpc.connectivityState.READY, Date.now() + 1000, (e) => {
    assert.match(String(e), /left the pool/);
    resolve();
  }));
});
