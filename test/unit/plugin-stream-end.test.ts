/**
 * A plugin that ends its own streams in stop() with `call.end()` has left nothing open: the host
 * must not end them again nor warn "ended streams the plugin left open". grpc-js emits 'finish'
 * only a tick after `end()`, and the host used to count a stream as closed only then.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { silentLogger } from '../../src/log/logger';
import { CallTracker, guardHandlers } from '../../src/plugins/guarded-handlers';

const json = {
  serialize: (v: unknown) => Buffer.from(JSON.stringify(v ?? {})),
  deserialize: (b: Buffer) => JSON.parse(b.toString() || '{}') as unknown,
};
const method = (name: string, requestStream: boolean, responseStream: boolean): grpc.MethodDefinition<unknown, unknown> => ({
  path: `/t.v1.S/${name}`,
  requestStream,
  responseStream,
  requestSerialize: json.serialize,
  requestDeserialize: json.deserialize,
  responseSerialize: json.serialize,
  responseDeserialize: json.deserialize,
});
const definition: grpc.ServiceDefinition = { Watch: method('Watch', false, true), Chat: method('Chat', true, true) };

test('streams the plugin ended with call.end() are not counted as left open, and end with OK', { timeout: 20_000 }, async () => {
  const open: { end(): void }[] = [];
  const tracker = new CallTracker();
  const handlers = guardHandlers(
    { name: 't', serving: () => true, state: () => 'running', log: silentLogger() },
    definition,
    {
      Watch: (call: grpc.ServerWritableStream<unknown, unknown>) => {
        open.push(call);
        call.write({ hi: 1 });
      },
      Chat: (call: grpc.ServerDuplexStream<unknown, unknown>) => {
        open.push(call);
        call.write({ hi: 2 });
      },
    },
    tracker,
  );
  const server = new grpc.Server();
  server.addService(definition, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  const Client = grpc.makeGenericClientConstructor(definition, 't.v1.S');
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as {
    Watch(r: object): grpc.ClientReadableStream<unknown>;
    Chat(): grpc.ClientDuplexStream<unknown, unknown>;
    close(): void;
  };
  try {
    const streams = [client.Watch({}), client.Chat()];
    const statuses = streams.map((s) => new Promise<grpc.StatusObject>((resolve) => s.on('status', resolve)));
    await Promise.all(streams.map((s) => new Promise((resolve) => s.once('data', resolve))));
    for (const s of streams) s.on('error', () => undefined);
    assert.equal(tracker.size(), 2);
    // What a plugin's stop() does, and what the host does right after it returns.
    for (const call of open) call.end();
    assert.equal(tracker.endAll({ code: grpc.status.UNAVAILABLE, details: 'plugin t stopped' }), 0, 'no stream was left open');
    for (const status of await Promise.all(statuses)) assert.equal(status.code, grpc.status.OK, `${status.code} ${status.details}`);
  } finally {
    client.close();
    server.forceShutdown();
  }
});

test('a stream the plugin did not end is ended by the host with its status and counted', { timeout: 20_000 }, async () => {
  const tracker = new CallTracker();
  const handlers = guardHandlers(
    { name: 't', serving: () => true, state: () => 'running', log: silentLogger() },
    definition,
    { Watch: (call: grpc.ServerWritableStream<unknown, unknown>) => void call.write({ hi: 1 }) },
    tracker,
  );
  const server = new grpc.Server();
  server.addService(definition, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  const Client = grpc.makeGenericClientConstructor(definition, 't.v1.S');
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as { Watch(r: object): grpc.ClientReadableStream<unknown>; close(): void };
  try {
    const stream = client.Watch({});
    stream.on('error', () => undefined);
    const status = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    await new Promise((resolve) => stream.once('data', resolve));
    assert.equal(tracker.endAll({ code: grpc.status.UNAVAILABLE, details: 'plugin t stopped' }), 1);
    assert.equal((await status).code, grpc.status.UNAVAILABLE);
  } finally {
    client.close();
    server.forceShutdown();
  }
});
