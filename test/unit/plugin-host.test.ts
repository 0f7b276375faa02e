import 'reflect-metadata';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { container as rootContainer } from 'tsyringe';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log/logger';
import { PluginHost, type PluginHostComponents, type PluginInfo } from '../../src/plugins/plugin-host';
import type { PeerPool } from '../../src/pool/peer-pool';
import { g2gPackageDefinition, healthPackageDefinition, SERVICE_NAMES } from '../../src/proto/protos';
import type { Clock } from '../../src/util/clock';
import type { ScopableChannel } from '../../src/plugins/scoped-channel';
import { FakeNetwork } from '../../src/plugins/testing';
import { removeDir, tempDir } from '../helpers/node-process';
import { defaultEntry, packageOf, pluginEvents, resetPluginEvents, writePlugin } from '../helpers/plugin-folders';

let root = '';
before(async () => {
  root = await tempDir('g2g-plugin-host-');
});
after(async () => {
  await removeDir(root);
});
beforeEach(() => resetPluginEvents());

/** Real time with timers that keep the process alive (the node's servers do that in production). */
const clock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

type Plugins = Record<string, Parameters<typeof writePlugin>[2]>;

/** A host over fresh plugin folders, with no network (pool, membership and channel are empty). */
async function host(plugins: Plugins, flags: Record<string, string> = {}, channel?: ScopableChannel, pool?: PluginHostComponents['pool']): Promise<{ host: PluginHost; health: Map<string, string>; dataDir: string }> {
  const dir = await mkdtemp(path.join(root, 'plugins-'));
  const dataDir = await mkdtemp(path.join(root, 'data-'));
  for (const [folder, options] of Object.entries(plugins)) await writePlugin(dir, folder, options);
  const config = loadConfig({ flags: { 'data-dir': dataDir, 'plugins-dir': dir, 'plugins-stop-timeout': '200ms', 'plugins-start-timeout': '300ms', ...flags }, env: {} });
  const health = new Map<string, string>();
  const components: PluginHostComponents = {
    nodeId: 'self',
    settings: config,
    hostVersion: '0.1.0',
    hostServices: Object.values(SERVICE_NAMES),
    hostDefinitions: [g2gPackageDefinition(), healthPackageDefinition()],
    channel: () => channel,
    pool: pool ?? { pool: () => undefined, serves: () => false },
    members: { members: () => [], onEvent: () => () => undefined },
    clock,
    log: silentLogger(),
    packagePluginsDir: path.join(dir, 'none'),
  };
  const h = new PluginHost(components);
  return { host: h, health, dataDir };
}

async function loaded(plugins: Plugins, flags: Record<string, string> = {}, channel?: ScopableChannel) {
  const made = await host(plugins, flags, channel);
  await made.host.load();
  made.host.attachHealth({ set: (service, status) => made.health.set(service, status) });
  return made;
}

function info(h: PluginHost, name: string): PluginInfo {
  const found = h.describe().find((p) => p.name === name);
  assert.ok(found, `no plugin ${name}`);
  return found;
}

const svc = (folder: string) => `${packageOf(folder)}.Svc`;
const throwing = (folder: string, where: 'constructor' | 'register' | 'start' | 'stop', how: 'throw' | 'reject' = 'throw') => {
  const body = how === 'throw' ? `throw new Error('${where} broke');` : `return Promise.reject(new Error('${where} broke'));`;
  const base = defaultEntry(svc(folder));
  if (where === 'constructor') return { entry: base.replace("events.push(ctx.name + ':construct');", `events.push(ctx.name + ':construct'); ${body}`) };
  return { entry: base.replace(`  ${where}(`, `  ${where}(...a) { events.push(this.ctx.name + ':${where}'); ${body} }\n  ${where}_unused(`) };
};

/** Calls a guarded unary handler the way grpc-js would, returning its outcome. */
function callUnary(h: PluginHost, service: string, request: object): Promise<{ error: grpc.ServiceError | null; value: unknown }> {
  const entry = h.entries().find((e) => e.name === service);
  assert.ok(entry, `${service} is not served`);
  const handler = entry.handlers.Ping as grpc.handleUnaryCall<unknown, unknown>;
  return new Promise((resolve) => handler({ request } as grpc.ServerUnaryCall<unknown, unknown>, (error, value) => resolve({ error: (error as grpc.ServiceError) ?? null, value })));
}

describe('plugin host: a failing plugin is isolated and reported with its name', () => {
  for (const where of ['constructor', 'register', 'start'] as const) {
    for (const how of where === 'constructor' ? (['throw'] as const) : (['throw', 'reject'] as const)) {
      test(`a plugin that ${how}s in ${where} fails alone; the others run`, async () => {
        const { host: h, health } = await loaded({ bad: throwing('bad', where, how), good: {} });
        await h.start();
        const bad = info(h, 'bad');
        assert.equal(bad.state, 'failed');
        assert.match(bad.error, new RegExp(`^ERR_PLUGIN_LIFECYCLE: plugin bad: ${where === 'constructor' ? 'construct' : where} failed: ${where} broke`));
        assert.equal(info(h, 'good').state, 'running');
        assert.equal(health.get(svc('good')), 'SERVING');
        if (where === 'start') {
          assert.equal(health.get(svc('bad')), 'NOT_SERVING');
          assert.ok(pluginEvents().includes('bad:stop'), 'a plugin whose start failed gets its stop to clean up');
          const refused = await callUnary(h, svc('bad'), { text: 'x' });
          assert.equal(refused.error?.code, grpc.status.UNAVAILABLE, 'a failed plugin is not called');
        } else {
          assert.equal(h.entries().some((e) => e.name === svc('bad')), false, 'a plugin that failed before register finished serves nothing');
        }
        await h.stop();
      });
    }
  }

  test('a plugin that throws in stop is reported; the others still stop, in reverse order', async () => {
    const { host: h } = await loaded({ a: {}, b: throwing('b', 'stop'), c: {} });
    await h.start();
    assert.deepEqual(pluginEvents().filter((e) => e.endsWith(':start')), ['a:start', 'b:start', 'c:start']);
    await h.stop();
    assert.deepEqual(pluginEvents().filter((e) => e.endsWith(':stop')), ['c:stop', 'b:stop', 'a:stop']);
    assert.match(info(h, 'b').error, /ERR_PLUGIN_LIFECYCLE: plugin b: stop failed: stop broke/);
    assert.deepEqual(h.describe().map((p) => p.state), ['stopped', 'stopped', 'stopped']);
  });

  test('register, start and stop are bounded in time (ERR_PLUGIN_TIMEOUT)', async () => {
    const hang = (where: string) => ({ entry: defaultEntry(svc(`hang-${where}`)).replace(`  ${where}(`, `  ${where}() { return new Promise(() => {}); }\n  ${where}_unused(`) });
    const { host: h } = await loaded({ 'hang-register': hang('register'), 'hang-start': hang('start'), 'hang-stop': hang('stop'), fine: {} });
    await h.start();
    assert.match(info(h, 'hang-register').error, /^ERR_PLUGIN_TIMEOUT: plugin hang-register: register did not finish within 300 ms/);
    assert.match(info(h, 'hang-start').error, /^ERR_PLUGIN_TIMEOUT: plugin hang-start: start did not finish within 300 ms/);
    assert.equal(info(h, 'fine').state, 'running');
    await h.stop();
    assert.match(info(h, 'hang-stop').error, /^ERR_PLUGIN_TIMEOUT: plugin hang-stop: stop did not finish within 200 ms/);
    assert.equal(info(h, 'fine').state, 'stopped');
  });

  test('a module that throws when loaded, or exports no class, is ERR_PLUGIN_LOAD', async () => {
    const { host: h } = await loaded({ explodes: { entry: "throw new Error('import broke');" }, empty: { entry: 'module.exports = { notAClass: 1 };' }, good: {} });
    assert.match(info(h, 'explodes').error, /^ERR_PLUGIN_LOAD: plugin explodes: loading .* failed: import broke/);
    assert.match(info(h, 'empty').error, /^ERR_PLUGIN_LOAD: plugin empty: .* has no default-exported class/);
    assert.equal(info(h, 'good').state, 'registered');
    await h.stop();
  });

  test('with pluginsFailOnError, load and start reject with ERR_PLUGINS_FAILED listing each failure', async () => {
    const made = await host({ bad: throwing('bad', 'register'), invalid: { manifest: { host: '>=9.0.0' } }, good: {} }, { 'plugins-fail-on-error': 'true' });
    await assert.rejects(made.host.load(), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ERR_PLUGINS_FAILED');
      assert.match(error.message, /ERR_PLUGIN_LIFECYCLE: plugin bad: register failed/);
      assert.match(error.message, /ERR_PLUGIN_HOST_VERSION: plugin invalid/);
      return true;
    });
    await made.host.stop();
    const late = await loaded({ late: throwing('late', 'start') }, { 'plugins-fail-on-error': 'true' });
    await assert.rejects(late.host.start(), { code: 'ERR_PLUGINS_FAILED' });
    await late.host.stop();
  });
});

describe('plugin host: calls, context and containers', () => {
  test('calls reach the plugin only while it runs; a throwing or rejecting handler answers INTERNAL', async () => {
    const entry = defaultEntry(svc('calls')).replace(
      "{ Ping: (call, cb) => cb(null, { text: call.request.text, nodeId: this.ctx.nodeId }) }",
      `{ Ping: (call, cb) => {
          if (call.request.text === 'throw') throw new Error('secret detail');
          if (call.request.text === 'reject') return Promise.reject(new Error('secret detail'));
          cb(null, { text: call.request.text, nodeId: this.ctx.nodeId });
        } }`,
    );
    const { host: h } = await loaded({ calls: { entry } });
    const early = await callUnary(h, svc('calls'), { text: 'hi' });
    assert.equal(early.error?.code, grpc.status.UNAVAILABLE);
    assert.match(early.error?.details ?? '', /plugin calls is registered/);
    await h.start();
    assert.deepEqual((await callUnary(h, svc('calls'), { text: 'hi' })).value, { text: 'hi', nodeId: 'self' });
    for (const text of ['throw', 'reject']) {
      const failed = await callUnary(h, svc('calls'), { text });
      assert.equal(failed.error?.code, grpc.status.INTERNAL);
      assert.doesNotMatch(failed.error?.details ?? '', /secret detail/, 'nothing of the error goes on the wire');
    }
    await h.stop();
    assert.equal((await callUnary(h, svc('calls'), { text: 'hi' })).error?.code, grpc.status.UNAVAILABLE);
  });

  test('each plugin gets its own child container, a private data dir, a frozen config and the host-assigned names', async () => {
    const probe = (folder: string) =>
      defaultEntry(svc(folder), `
        globalThis.__probe = globalThis.__probe || {};
        ctx.container.register('mine', { useValue: ctx.name });
        globalThis.__probe[ctx.name] = ctx;`);
    const { host: h, dataDir } = await loaded(
      { one: { entry: probe('one'), manifest: { config: { size: { doc: 'd', default: 1, format: 'nat' } } } }, two: { entry: probe('two') } },
      { 'plugin-one-size': '7' },
    );
    const probes = (globalThis as unknown as { __probe: Record<string, import('../../src/plugins/contract').PluginContext<{ size?: number }>> }).__probe;
    const [one, two] = [probes.one!, probes.two!];
    assert.notEqual(one.container, rootContainer);
    assert.equal(one.container.resolve('mine'), 'one');
    assert.equal(two.container.resolve('mine'), 'two', "a registration in one plugin's container is not seen by another");
    assert.equal(rootContainer.isRegistered('mine', true), false, 'nothing reaches the global container');
    assert.equal(one.config.size, 7);
    assert.ok(Object.isFrozen(one.config));
    assert.equal(one.dataDir, path.join(dataDir, 'plugins', 'one'));
    assert.ok(existsSync(one.dataDir));
    assert.equal(statSync(one.dataDir).mode & 0o777, 0o700);
    assert.equal(one.nodeId, 'self');
    await assert.rejects(one.channel.publish('topic', new Uint8Array()), { code: 'ERR_CHANNEL_UNAVAILABLE' });
    assert.deepEqual(one.pool.queryOrder(), []);
    assert.deepEqual(one.members.list(), []);
    await h.start();
    await h.stop();
    assert.equal(one.signal.aborted, true, 'the signal is aborted when the plugin stops');
  });

  test('an ES module entry is imported', async () => {
    const esm = `export default class { constructor(ctx) { this.ctx = ctx; }
      register(server) { server.addService(${JSON.stringify(svc('esm'))}, { Ping: (call, cb) => cb(null, { text: 'esm' }) }); } }`;
    const { host: h } = await loaded({ esm: { entry: esm, entryFile: 'index.mjs' } });
    await h.start();
    assert.equal(info(h, 'esm').state, 'running');
    assert.deepEqual((await callUnary(h, svc('esm'), {})).value, { text: 'esm' });
    await h.stop();
  });

  test('a declared service the plugin did not add is not served; adding an undeclared one fails register', async () => {
    const undeclared = defaultEntry(svc('sneaky')).replace(`server.addService(${JSON.stringify(svc('sneaky'))}`, "server.addService('other.v1.Other'");
    const quiet = defaultEntry(svc('quiet')).replace(/server\.addService\([^;]*\);/, '');
    const { host: h } = await loaded({ sneaky: { entry: undeclared }, quiet: { entry: quiet } });
    assert.match(info(h, 'sneaky').error, /^ERR_PLUGIN_LIFECYCLE: plugin sneaky: register failed: plugin sneaky: service other\.v1\.Other is not declared/);
    assert.equal(info(h, 'quiet').state, 'registered');
    assert.deepEqual(h.entries(), []);
    await h.stop();
  });

  test('with a node channel, a plugin publishes and subscribes under its own prefix', async () => {
    const network = new FakeNetwork();
    network.addMember({ nodeId: 'self' });
    const nodeChannel = network.channelOf('self');
    const channel: ScopableChannel = nodeChannel;
    const probe = defaultEntry(svc('talker'), 'globalThis.__talker = ctx;');
    const { host: h } = await loaded({ talker: { entry: probe } }, {}, channel);
    const ctx = (globalThis as unknown as { __talker: import('../../src/plugins/contract').PluginContext }).__talker;
    const atNode: string[] = [];
    const inPlugin: string[] = [];
    nodeChannel.subscribe('talker', (m) => atNode.push(m.topic));
    ctx.channel.subscribe('', (m) => inPlugin.push(m.topic));
    await ctx.channel.publish('hello', new Uint8Array([1]));
    await nodeChannel.publish('other/hello', new Uint8Array([2]));
    await network.settle();
    assert.deepEqual(atNode, ['talker/hello']);
    assert.deepEqual(inPlugin, ['talker/hello'], "another plugin's topic does not reach it");
    await h.stop();
    await nodeChannel.publish('talker/after-stop', new Uint8Array([3]));
    await network.settle();
    assert.deepEqual(inPlugin, ['talker/hello'], 'the subscription a plugin left open is removed when it stops');
  });
});

test("plugins start only once the node's pool has measured its peers (pool.ready), and hear of later changes", async () => {
  let measured!: () => void;
  const ready = new Promise<void>((resolve) => (measured = resolve));
  let change: (() => void) | undefined;
  const peerPool = { ready: () => ready, onChange: (l: () => void) => ((change = l), () => undefined), peekOrder: () => ['p1'], allStats: () => [] } as unknown as PeerPool;
  const made = await host({ one: { entry: defaultEntry(svc('one'), "ctx.pool.onPeersChanged(() => events.push('one:peers-changed'));") } }, {}, undefined, { pool: () => peerPool, serves: () => true });
  await made.host.load();
  const starting = made.host.start();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(pluginEvents().includes('one:start'), false, 'start waits for the pool');
  measured();
  await starting;
  assert.ok(pluginEvents().includes('one:start'));
  change!();
  assert.ok(pluginEvents().includes('one:peers-changed'));
  await made.host.stop();
  change!();
  assert.equal(pluginEvents().filter((e) => e === 'one:peers-changed').length, 1, 'no plugin code runs after its stop');
});
