import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { G2gError, RemoteCallError, ERROR_CODE_TRAILER, serverStreamHandler, unaryCall, unaryHandler } from '../../src/plugins/index';
import type { G2gPlugin, PluginContext, PluginServer } from '../../src/plugins/contract';
import { createFakeContext, FakeNetwork } from '../../src/plugins/testing';
import { CallTracker, guardHandlers } from '../../src/plugins/guarded-handlers';
import { createLogger } from '../../src/log/logger';

/**
 * A plugin unit test must see what a caller of a real node sees: the status and the
 * `g2g-error-code` trailer of the node's one mapping (the plugin host's guard around the
 * handlers), not a conversion of the testing kit's own.
 */

const SERVICE = 'quota.v1.Quota';

class QuotaError extends G2gError {
  readonly code = 'ERR_TEST_QUOTA';
  override readonly status = grpc.status.RESOURCE_EXHAUSTED;
}

type Call = grpc.ServerUnaryCall<{ text?: string }, unknown>;

function handlers(log: PluginContext['log']): grpc.UntypedServiceImplementation {
  return {
    ThrowSync: () => {
      throw new QuotaError('over quota (sync)');
    },
    RejectAsync: async () => {
      throw new QuotaError('over quota (async)');
    },
    Wrapped: unaryHandler(log, 'Wrapped', () => {
      throw new QuotaError('over quota (wrapped)');
    }),
    Boom: () => {
      throw new Error('secret request contents');
    },
    Answered: (_call: Call, callback: grpc.sendUnaryData<unknown>) => callback({ code: grpc.status.NOT_FOUND, details: 'no such thing' }),
    Stream: serverStreamHandler(log, 'Stream', async (call: grpc.ServerWritableStream<unknown, { n: number }>) => {
      call.write({ n: 1 });
      throw new QuotaError('over quota (stream)');
    }),
  };
}

class QuotaPlugin implements G2gPlugin {
  constructor(private readonly ctx: PluginContext) {}
  register(server: PluginServer): void {
    server.addService(SERVICE, handlers(this.ctx.log));
  }
}

interface Seen {
  code: number;
  details: string;
  remoteCode: string | undefined;
}

function seen(error: { code?: number; details?: string; metadata?: grpc.Metadata | null }): Seen {
  const value = error.metadata?.get(ERROR_CODE_TRAILER)[0];
  return { code: error.code!, details: error.details!, remoteCode: typeof value === 'string' ? value : undefined };
}

function capture(): { log: PluginContext['log']; lines: () => string } {
  let out = '';
  return { log: createLogger('info', { write: (s: string) => void (out += s) }), lines: () => out };
}

/** What the plugin host's guard answers a unary call with, read as grpc-js sends it. */
async function onNode(method: string): Promise<Seen> {
  const definition = { [method]: { path: `/${SERVICE}/${method}`, requestStream: false, responseStream: false } } as unknown as grpc.ServiceDefinition;
  const { log } = capture();
  const guarded = guardHandlers({ name: 'quota', serving: () => true, state: () => 'running', log }, definition, handlers(log), new CallTracker());
  const status = await new Promise<grpc.StatusObject>((resolve) =>
    (guarded[method] as Function)({ request: {} }, (error: grpc.StatusObject, _value: unknown, trailer?: grpc.Metadata) => resolve({ ...error, metadata: trailer ?? error.metadata })),
  );
  return seen(status);
}

async function inKit(): Promise<{ client: grpc.Client; lines: () => string }> {
  const network = new FakeNetwork();
  const { log, lines } = capture();
  const server = createFakeContext({ name: 'quota', services: [SERVICE], network, log });
  const caller = createFakeContext({ name: 'quota', services: [SERVICE], network });
  await server.start(QuotaPlugin);
  const client = caller.pool.client(server.nodeId, SERVICE)!;
  assert.ok(client, 'the kit gives a client of the serving node');
  return { client, lines };
}

function callUnary(client: grpc.Client, method: string): Promise<grpc.ServiceError> {
  return new Promise((resolve, reject) =>
    (client as unknown as Record<string, Function>)[method]!({}, (error: grpc.ServiceError | null) => (error ? resolve(error) : reject(new Error(`${method} answered OK`)))),
  );
}

test('a handler that throws, rejects or is wrapped answers in the kit with the status and trailer of a real node', { timeout: 10_000 }, async () => {
  const { client } = await inKit();
  for (const method of ['ThrowSync', 'RejectAsync', 'Wrapped']) {
    const kit = seen(await callUnary(client, method));
    assert.equal(kit.code, grpc.status.RESOURCE_EXHAUSTED, method);
    assert.equal(kit.remoteCode, 'ERR_TEST_QUOTA', method);
    assert.match(kit.details, /^over quota/, method);
    assert.deepEqual(kit, await onNode(method), `${method}: the kit and the node's guard agree`);
  }
});

test('an unexpected error is INTERNAL without its message, and logged on the serving plugin\'s logger', { timeout: 10_000 }, async () => {
  const { client, lines } = await inKit();
  const kit = seen(await callUnary(client, 'Boom'));
  assert.deepEqual(kit, { code: grpc.status.INTERNAL, details: 'internal error', remoteCode: undefined });
  assert.deepEqual(kit, await onNode('Boom'));
  assert.match(lines(), /secret request contents/, 'the log line has the error');
  assert.match(lines(), /Boom/, 'and names the method');
});

test('a status the handler answers with itself passes as grpc-js sends it', { timeout: 10_000 }, async () => {
  const { client } = await inKit();
  assert.deepEqual(seen(await callUnary(client, 'Answered')), { code: grpc.status.NOT_FOUND, details: 'no such thing', remoteCode: undefined });
  assert.deepEqual(seen(await callUnary(client, 'Answered')), await onNode('Answered'));
});

test('unaryCall over a kit client rejects with the same typed error as over a real connection', { timeout: 10_000 }, async () => {
  const { client } = await inKit();
  const error = await unaryCall(client as grpc.Client & { Wrapped: grpc.Client['makeUnaryRequest'] } as never, 'Wrapped' as never, {} as never, { timeoutMs: 1000 }).then(
    () => assert.fail('resolved'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RemoteCallError, String(error));
  assert.equal(error.status, grpc.status.RESOURCE_EXHAUSTED);
  assert.equal(error.remoteCode, 'ERR_TEST_QUOTA');
});

test('a stream handler that fails ends the client stream with the status and trailer, on error and status', { timeout: 10_000 }, async () => {
  const { client } = await inKit();
  const stream = (client as unknown as Record<string, Function>).Stream!({}) as grpc.ClientReadableStream<{ n: number }>;
  const replies: number[] = [];
  stream.on('data', (m: { n: number }) => replies.push(m.n));
  const [error, status] = await Promise.all([
    new Promise<grpc.ServiceError>((resolve) => stream.on('error', resolve)),
    new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve)),
  ]);
  assert.deepEqual(replies, [1]);
  assert.deepEqual(seen(error), { code: grpc.status.RESOURCE_EXHAUSTED, details: 'over quota (stream)', remoteCode: 'ERR_TEST_QUOTA' });
  assert.deepEqual(seen(status), seen(error));
});
