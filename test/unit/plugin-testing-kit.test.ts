import 'reflect-metadata';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { inject, injectable } from 'tsyringe';
import type { ChannelMessage, G2gPlugin, MembershipEventView, PluginContext, PluginServer } from '../../src/plugins/contract';
import { createFakeContext, FakeNetwork } from '../../src/plugins/testing';
import { PluginTokens } from '../../src/plugins/tokens';
import EchoPlugin, { type EchoConfig } from '../fixtures/plugins/echo/index';
import { ECHO_SERVICE, FIXTURE_PLUGINS_DIR } from '../helpers/plugin-folders';
import path from 'node:path';

const SERVICE = 'echo.v1.Echo';

/** A small plugin: echoes, and records what its channel subscription receives. */
class Echo implements G2gPlugin {
  readonly received: ChannelMessage[] = [];
  stopped = false;
  constructor(private readonly ctx: PluginContext<{ prefix?: string }>) {}
  register(server: PluginServer): void {
    server.addService(SERVICE, {
      Say: (call: grpc.ServerUnaryCall<{ text: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        if (call.request.text === 'fail') return callback({ code: grpc.status.FAILED_PRECONDITION, details: 'asked to fail' });
        const caller = this.ctx.callerOf(call);
        callback(null, { text: `${this.ctx.config.prefix ?? ''}${call.request.text}`, from: this.ctx.nodeId, caller: caller?.nodeId });
      },
    });
  }
  start(): void {
    this.ctx.channel.subscribe('', (m) => this.received.push(m));
  }
  stop(): void {
    this.stopped = true;
  }
}

function say(client: grpc.Client, text: string): Promise<{ text: string; from: string; caller?: string }> {
  return new Promise((resolve, reject) =>
    (client as unknown as { Say: Function }).Say({ text }, (error: grpc.ServiceError | null, value: { text: string; from: string }) => (error ? reject(error) : resolve(value))),
  );
}

describe('plugin testing kit', () => {
  test('the channel is scoped to the plugin and reaches every alive server member, publisher included', async () => {
    const network = new FakeNetwork();
    const a = createFakeContext({ name: 'echo', services: [SERVICE], network });
    const b = createFakeContext({ name: 'echo', services: [SERVICE], network });
    const other = createFakeContext({ name: 'other', network });
    const pa = await a.start(Echo);
    const pb = await b.start(Echo);
    const otherSeen: ChannelMessage[] = [];
    other.context.channel.subscribe('', (m) => otherSeen.push(m));

    const sent = await a.context.channel.publish('greeting/hi', new Uint8Array([1, 2]));
    assert.equal(sent.topic, 'echo/greeting/hi');
    assert.equal(sent.origin, a.nodeId);
    assert.equal(sent.seq, 1);
    await network.settle();
    for (const p of [pa, pb]) assert.deepEqual(p.received.map((m) => [m.topic, m.origin, m.seq, [...m.data]]), [['echo/greeting/hi', a.nodeId, 1, [1, 2]]]);
    assert.equal(otherSeen.length, 0, "another plugin's subscription does not see echo's topics");

    // A topic filter matches itself and what lies under it, not a longer sibling.
    const filtered: string[] = [];
    b.context.channel.subscribe('greeting', (m) => filtered.push(m.topic));
    await a.context.channel.publish('greeting', new Uint8Array());
    await a.context.channel.publish('greetings', new Uint8Array());
    await network.settle();
    assert.deepEqual(filtered, ['echo/greeting']);

    for (const bad of ['/x', 'x/', 'a//b', 'with space']) {
      await assert.rejects(a.context.channel.publish(bad, new Uint8Array()), { code: 'ERR_PLUGIN_TOPIC' });
    }
    assert.equal((await a.context.channel.publish('', new Uint8Array())).topic, 'echo', "'' is the plugin's own topic");
    for (const c of [a, b, other]) await c.dispose();
  });

  test('a partition holds messages back; heal delivers them', async () => {
    const network = new FakeNetwork();
    const a = createFakeContext({ name: 'echo', network });
    const b = createFakeContext({ name: 'echo', network });
    const seen: string[] = [];
    b.context.channel.subscribe('', (m) => seen.push(m.topic));
    network.partition([a.nodeId], [b.nodeId]);
    await a.context.channel.publish('while-cut', new Uint8Array());
    await network.settle();
    assert.deepEqual(seen, []);
    network.heal();
    await network.settle();
    assert.deepEqual(seen, ['echo/while-cut']);
    await a.dispose();
    await b.dispose();
  });

  test('a subscriber that throws is reported by settle()', async () => {
    const a = createFakeContext({ name: 'echo' });
    a.context.channel.subscribe('', () => {
      throw new Error('handler bug');
    });
    await a.context.channel.publish('x', new Uint8Array());
    await assert.rejects(a.network.settle(), /handler bug/);
    await a.dispose();
  });

  test('membership lists the other members and reports changes', async () => {
    const network = new FakeNetwork();
    const a = createFakeContext({ network, services: [SERVICE] });
    const events: MembershipEventView[] = [];
    a.context.members.onChange((e) => events.push(e));
    const b = createFakeContext({ network, services: [SERVICE] });
    network.addMember({ nodeId: 'client-1', mode: 'client' });
    network.setState(b.nodeId, 'dead');
    assert.deepEqual(events, [
      { type: 'joined', nodeId: b.nodeId },
      { type: 'joined', nodeId: 'client-1' },
      { type: 'dead', nodeId: b.nodeId },
    ]);
    assert.equal(a.context.members.self, a.nodeId);
    assert.deepEqual(a.context.members.list().map((m) => m.nodeId), [b.nodeId, 'client-1']);
    assert.deepEqual(a.context.members.get(b.nodeId)?.services, [], 'b never started: as on a node, its record advertises nothing yet');
    assert.deepEqual(a.context.pool.queryOrder(), [], 'dead and client-mode members are not query targets');
    await a.dispose();
    await b.dispose();
  });

  test('a pool can start empty and gain peers: onPeersChanged fires, and a peer serves once its start() returned', async () => {
    const network = new FakeNetwork();
    const a = createFakeContext({ name: 'echo', network, services: [SERVICE] });
    await a.start(Echo);
    await a.context.pool.ready();
    assert.deepEqual(a.context.pool.queryOrder(), [], 'alone on the network');
    let changes = 0;
    a.context.pool.onPeersChanged(() => changes++);
    const b = createFakeContext({ name: 'echo', network, services: [SERVICE] });
    assert.ok(changes >= 1, 'the joiner is announced');
    assert.deepEqual(a.context.pool.peekOrder(), [b.nodeId]);
    assert.deepEqual(a.context.pool.peersServing(), [], 'b has not started its plugin');
    assert.equal(a.context.pool.client(b.nodeId), undefined, 'client() refuses a peer that does not serve the service');
    const before = changes;
    await b.start(Echo);
    assert.ok(changes > before, 'b advertising the service is a change');
    assert.deepEqual(a.context.pool.peersServing(), [b.nodeId]);
    assert.equal((await say(a.context.pool.client(b.nodeId)!, 'hi')).from, b.nodeId);
    await a.dispose();
    await b.dispose();
  });

  test("the pool reaches peers' plugins in process; fan-out skips failures and slow peers", async () => {
    const network = new FakeNetwork();
    const nodes = [1, 2, 3, 4].map((i) => createFakeContext({ name: 'echo', nodeId: `n${i}`, services: [SERVICE], network, config: { prefix: `${i}:` } }));
    for (const n of nodes) await n.start(Echo);
    const [a] = nodes;
    assert.deepEqual(a!.context.pool.queryOrder(), ['n2', 'n3', 'n4']);

    const direct = await say(a!.context.pool.client('n3')!, 'hello');
    assert.deepEqual(direct, { text: '3:hello', from: 'n3', caller: 'n1' }, 'the callee reads the caller from the call');
    await assert.rejects(say(a!.context.pool.client('n2')!, 'fail'), { code: grpc.status.FAILED_PRECONDITION });
    assert.equal(a!.context.pool.client('nobody'), undefined);

    // n2 fails, n3 never answers (its deadline passes on the kit clock), n4 answers.
    a!.pool.setClient('n2', { Say: (_r: unknown, cb: Function) => cb({ code: grpc.status.UNAVAILABLE, details: 'down' }) });
    a!.pool.setClient('n3', { Say: () => ({ cancel: () => cancelled.push('n3') }) });
    const cancelled: string[] = [];
    const outcome = a!.context.pool.fanOut(2, (client, nodeId, _deadline, cancel) => {
      if (nodeId === 'n3') cancel.cancelOnEnd((client as unknown as { Say: () => { cancel(): void } }).Say());
      return nodeId === 'n3' ? new Promise<never>(() => {}) : say(client, nodeId);
    }, { deadlineMs: 100 });
    await network.settle();
    a!.clock.advance(100);
    const { results, errors } = await outcome;
    assert.deepEqual(results, [{ nodeId: 'n4', value: { text: '4:n4', from: 'n4', caller: 'n1' } }]);
    assert.deepEqual(errors.map((e) => [e.nodeId, (e.error as grpc.ServiceError).code]), [['n2', grpc.status.UNAVAILABLE], ['n3', grpc.status.DEADLINE_EXCEEDED]]);
    assert.deepEqual(cancelled, ['n3'], 'the call given up on at its deadline is cancelled, as in the host');
    for (const n of nodes) await n.dispose();
  });

  test('register refuses undeclared and repeated services, as the host does', () => {
    const a = createFakeContext({ name: 'echo', services: [SERVICE] });
    assert.throws(() => a.server.addService('other.v1.Other', {}), { code: 'ERR_PLUGIN_REGISTER' });
    a.server.addService(SERVICE, {});
    assert.throws(() => a.server.addService(SERVICE, {}), { code: 'ERR_PLUGIN_REGISTER' });
    return a.dispose();
  });

  test("the plugin's own container resolves the context parts for its injectable classes", async () => {
    @injectable()
    class Greeter {
      constructor(@inject(PluginTokens.config) readonly config: { prefix: string }, @inject(PluginTokens.signal) readonly signal: AbortSignal) {}
    }
    const a = createFakeContext({ config: { prefix: '>' } });
    const greeter = a.context.container.resolve(Greeter);
    assert.equal(greeter.config.prefix, '>');
    assert.equal(greeter.signal, a.context.signal);
    assert.equal(a.context.container.resolve(PluginTokens.context), a.context);
    await a.dispose();
  });

  test('dispose aborts the signal, stops plugins and removes the temporary data dir', async () => {
    const a = createFakeContext({ name: 'echo', services: [SERVICE] });
    const plugin = await a.start(Echo);
    assert.ok(existsSync(a.context.dataDir));
    await a.dispose();
    assert.equal(a.context.signal.aborted, true);
    assert.equal(plugin.stopped, true);
    assert.equal(existsSync(a.context.dataDir), false);
    assert.throws(() => (a.context.config as { prefix?: string }).prefix = 'x', TypeError, 'config is frozen');
  });

  test("with pluginDir the manifest gives name, services and config defaults, and config is validated", async () => {
    const dir = path.join(FIXTURE_PLUGINS_DIR, 'echo');
    const network = new FakeNetwork();
    const a = createFakeContext<EchoConfig>({ pluginDir: dir, network, config: { prefix: 'a:' } });
    const b = createFakeContext<EchoConfig>({ pluginDir: dir, network, config: { prefix: 'b:' } });
    assert.equal(a.context.name, 'echo');
    assert.deepEqual(a.context.config, { prefix: 'a:', fanOutDeadline: 5000 });
    assert.throws(() => createFakeContext({ pluginDir: dir, config: { prefix: 7 } as never }), { code: 'ERR_PLUGIN_CONFIG' });
    // The fixture plugin itself, fanning out to its peer through the kit's pool.
    await a.start(EchoPlugin);
    await b.start(EchoPlugin);
    assert.deepEqual(b.server.serviceNames(), [ECHO_SERVICE]);
    const sayOnPeers = a.server.implementation(ECHO_SERVICE)!.SayOnPeers as Function;
    const answer = await new Promise<{ answers: { nodeId: string; response: { text: string; servedBy: string; caller: string } }[] }>((resolve, reject) =>
      sayOnPeers({ request: { text: 'hi', count: 1 } }, (error: unknown, value: never) => (error ? reject(error) : resolve(value))),
    );
    assert.deepEqual(answer.answers, [{ nodeId: b.nodeId, response: { text: 'b:hi', servedBy: b.nodeId, caller: `member:${a.nodeId}` } }]);
    await a.dispose();
    await b.dispose();
  });
});

describe('plugin testing kit: streaming stub clients', () => {
  const STREAMS = 'streams.v1.Streams';
  /** Server stream: counts to n; client stream: sums; bidi: echoes doubled; Fail: an error status mid-stream. */
  class Streams implements G2gPlugin {
    constructor(private readonly ctx: PluginContext) {}
    register(server: PluginServer): void {
      server.addService(STREAMS, {
        Count: (call: grpc.ServerWritableStream<{ n: number }, { i: number; caller?: string }>) => {
          for (let i = 1; i <= call.request.n; i++) call.write({ i, caller: this.ctx.callerOf(call)?.nodeId });
          call.end();
        },
        Sum: (call: grpc.ServerReadableStream<{ v: number }, { total: number }>, callback: grpc.sendUnaryData<{ total: number }>) => {
          let total = 0;
          call.on('data', (m: { v: number }) => (total += m.v));
          call.on('end', () => callback(null, { total }));
        },
        Double: (call: grpc.ServerDuplexStream<{ v: number }, { v: number }>) => {
          call.on('data', (m: { v: number }) => call.write({ v: 2 * m.v }));
          call.on('end', () => call.end());
        },
        Fail: (call: grpc.ServerWritableStream<object, object>) => {
          call.write({});
          call.emit('error', { code: grpc.status.FAILED_PRECONDITION, details: 'not now' });
        },
      });
    }
  }
  type Client = {
    Count(r: { n: number }): grpc.ClientReadableStream<{ i: number; caller?: string }>;
    Sum(cb: (e: grpc.ServiceError | null, r?: { total: number }) => void): grpc.ClientWritableStream<{ v: number }>;
    Double(): grpc.ClientDuplexStream<{ v: number }, { v: number }>;
    Fail(r: object): grpc.ClientReadableStream<object>;
  };

  test('server, client and bidi streams and a stream that fails behave as grpc-js clients do', async () => {
    const network = new FakeNetwork();
    const a = createFakeContext({ name: 'streams', services: [STREAMS], network });
    const b = createFakeContext({ name: 'streams', services: [STREAMS], network });
    await a.start(Streams);
    await b.start(Streams);
    const client = a.pool.client(b.nodeId) as unknown as Client;

    const counted: { i: number; caller?: string }[] = [];
    const count = client.Count({ n: 3 });
    count.on('data', (m) => counted.push(m));
    const countStatus = await new Promise<grpc.StatusObject>((resolve) => count.on('status', resolve));
    assert.equal(countStatus.code, grpc.status.OK);
    assert.deepEqual(counted, [1, 2, 3].map((i) => ({ i, caller: a.nodeId })), 'in order, the caller seen by the handler');

    const total = await new Promise<number>((resolve, reject) => {
      const sum = client.Sum((e, r) => (e ? reject(e) : resolve(r!.total)));
      for (const v of [1, 2, 39]) sum.write({ v });
      sum.end();
    });
    assert.equal(total, 42);

    const doubled: number[] = [];
    const double = client.Double();
    double.on('data', (m) => doubled.push(m.v));
    double.write({ v: 1 });
    double.write({ v: 21 });
    double.end();
    await new Promise((resolve) => double.on('status', resolve));
    assert.deepEqual(doubled, [2, 42]);

    const fail = client.Fail({});
    fail.on('data', () => undefined);
    const error = await new Promise<grpc.ServiceError>((resolve) => fail.on('error', resolve));
    assert.equal(error.code, grpc.status.FAILED_PRECONDITION);
    assert.equal(error.details, 'not now');
    await a.dispose();
    await b.dispose();
  });

  test("with pluginDir the kit knows each method's shape from the protos: the echo fixture's Watch is a server stream, cancellable", async () => {
    const network = new FakeNetwork();
    const a = createFakeContext<EchoConfig>({ pluginDir: path.join(FIXTURE_PLUGINS_DIR, 'echo'), network });
    const b = createFakeContext<EchoConfig>({ pluginDir: path.join(FIXTURE_PLUGINS_DIR, 'echo'), network });
    await a.start(EchoPlugin);
    await b.start(EchoPlugin);
    // No request: inferred as bidi without the protos; the definition says server stream.
    const watch = (a.pool.client(b.nodeId) as unknown as { Watch(): grpc.ClientReadableStream<{ servedBy: string }> & { cancel(): void } }).Watch();
    assert.equal((await new Promise<{ servedBy: string }>((resolve) => watch.once('data', resolve))).servedBy, b.nodeId);
    const cancelled = new Promise<grpc.ServiceError>((resolve) => watch.on('error', resolve));
    watch.cancel();
    assert.equal((await cancelled).code, grpc.status.CANCELLED);
    await a.dispose();
    await b.dispose();
  });
});

test('kit: a node that starts later gets the retained backlog after its start(), within the retention limits, as on a real channel', async () => {
  const network = new FakeNetwork({ retention: { maxMessages: 2, maxAgeMs: 60_000 } });
  const a = createFakeContext({ name: 'echo', services: [SERVICE], network });
  await a.start(Echo);
  await a.context.channel.publish('said', new TextEncoder().encode('too old'));
  network.clock.advance(61_000);
  for (const text of ['dropped by count', 'one', 'two']) await a.context.channel.publish('said', new TextEncoder().encode(text));
  await network.settle();
  const b = createFakeContext({ name: 'echo', services: [SERVICE], network });
  const late = await b.start(Echo);
  await network.settle();
  assert.deepEqual(late.received.map((m) => new TextDecoder().decode(m.data)), ['one', 'two']);
  await a.context.channel.publish('said', new TextEncoder().encode('live'));
  await network.settle();
  assert.deepEqual(late.received.map((m) => new TextDecoder().decode(m.data)), ['one', 'two', 'live'], 'no duplicates; live messages follow');
  await a.dispose();
  await b.dispose();
});
