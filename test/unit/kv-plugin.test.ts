import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import KvPlugin, { type KvConfig } from '../../plugins/kv/index';
import { encodeEntry } from '../../plugins/kv/entry-codec';
import { KEY_VALUE_SERVICE } from '../../plugins/kv/key-value-service';
import { KEY_VALUE_SYNC_SERVICE } from '../../plugins/kv/sync-service';
import { createFakeContext, FakeNetwork, ManualClock, stubClient, type FakeContext } from '../../src/plugins/testing';
import { removeDir, tempDir } from '../helpers/node-process';
import { eventually } from '../helpers/eventually';

const SERVICES = [KEY_VALUE_SERVICE, KEY_VALUE_SYNC_SERVICE];
const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 1);

const CONFIG: KvConfig = {
  maxKeyBytes: 64,
  maxValueBytes: 1024,
  tombstoneRetention: 7 * 24 * 60 * MINUTE,
  syncInterval: 30_000,
  syncTimeout: 5_000,
  fsync: false,
  compactAfter: 1000,
  watchQueueLimit: 100,
  clockOffset: 0,
  maxClockDrift: MINUTE,
  storageProbeInterval: 1000,
};

type Unary = (request: object) => Promise<Record<string, unknown>>;

/** The node's KeyValue service as an operator on that node would call it. */
function api(node: FakeContext<KvConfig>): Record<'Put' | 'Get' | 'Delete' | 'List', Unary> {
  const impl = node.server.implementation(KEY_VALUE_SERVICE)!;
  const client = stubClient(KEY_VALUE_SERVICE, impl, { kind: 'operator', name: 'tester', nodeId: node.nodeId }) as unknown as Record<string, Function>;
  const unary = (method: string): Unary => (request) =>
    new Promise((resolve, reject) => client[method]!(request, (error: Error | null, reply: Record<string, unknown>) => (error ? reject(error) : resolve(reply))));
  return { Put: unary('Put'), Get: unary('Get'), Delete: unary('Delete'), List: unary('List') };
}

async function value(node: FakeContext<KvConfig>, key: string): Promise<string | undefined> {
  try {
    const reply = (await api(node).Get({ key })) as { entry: { value: Uint8Array } };
    return Buffer.from(reply.entry.value).toString();
  } catch (error) {
    if ((error as grpc.ServiceError).code === grpc.status.NOT_FOUND) return undefined;
    throw error;
  }
}

async function listAll(node: FakeContext<KvConfig>): Promise<string[]> {
  const reply = (await api(node).List({ prefix: '', pageSize: 1000, pageToken: '' })) as { entries: { key: string; value: Uint8Array }[] };
  return reply.entries.map((e) => `${e.key}=${Buffer.from(e.value).toString()}`);
}

async function cluster(n: number, configs: Partial<KvConfig>[] = []) {
  const network = new FakeNetwork({ clock: new ManualClock(START) });
  const nodes: FakeContext<KvConfig>[] = [];
  for (let i = 0; i < n; i++) nodes.push(createFakeContext<KvConfig>({ name: 'kv', services: SERVICES, network, config: { ...CONFIG, ...configs[i] } }));
  const plugins: KvPlugin[] = [];
  for (const node of nodes) plugins.push(await node.start(KvPlugin));
  // Channel entries are applied once on disk: deliver, wait for the disk, until nothing moves.
  const settle = async () => {
    await network.settle();
    await Promise.all(plugins.map((p) => p.settled()));
    await network.settle();
  };
  return { network, nodes, plugins, settle, dispose: () => Promise.all(nodes.map((x) => x.dispose())) };
}

const put = (node: FakeContext<KvConfig>, key: string, v: string) => api(node).Put({ key, value: Buffer.from(v) });

test('a write on one node is served by every node (over the channel), deletes too', async () => {
  const { nodes, settle, dispose } = await cluster(3);
  try {
    const [a, b, c] = nodes as [FakeContext<KvConfig>, FakeContext<KvConfig>, FakeContext<KvConfig>];
    const reply = (await put(a, 'color', 'blue')) as { version: { nodeId: string; wallMs: number } };
    assert.equal(reply.version.nodeId, a.nodeId);
    await settle();
    assert.equal(await value(b, 'color'), 'blue');
    assert.equal(await value(c, 'color'), 'blue');
    const deleted = (await api(b).Delete({ key: 'color' })) as { existed: boolean };
    assert.equal(deleted.existed, true);
    await settle();
    for (const node of nodes) assert.equal(await value(node, 'color'), undefined);
  } finally {
    await dispose();
  }
});

test('bad keys and values are refused with INVALID_ARGUMENT and a stable code', async () => {
  const { nodes, dispose } = await cluster(1);
  try {
    const cases: [object, string][] = [
      [{ key: '', value: Buffer.from('x') }, 'ERR_KV_INVALID_KEY'],
      [{ key: 'k'.repeat(65), value: Buffer.from('x') }, 'ERR_KV_INVALID_KEY'],
      [{ key: 'k', value: Buffer.alloc(1025) }, 'ERR_KV_VALUE_TOO_LARGE'],
    ];
    for (const [request, code] of cases) {
      await assert.rejects(api(nodes[0]!).Put(request), (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT && e.details.includes(code === 'ERR_KV_INVALID_KEY' ? 'key' : 'value'));
    }
    await assert.rejects(api(nodes[0]!).Get({ key: 'missing' }), (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND);
    await assert.rejects(api(nodes[0]!).List({ prefix: '', pageSize: 0, pageToken: 'not-ours' }), (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT);
  } finally {
    await dispose();
  }
});

test('concurrent writes of one key on 3 nodes converge to the same winner everywhere', async () => {
  const { nodes, settle, dispose } = await cluster(3);
  try {
    // All three write at the same wall-clock time, before hearing each other.
    await Promise.all(nodes.map((node, i) => put(node, 'leader', `node-${i + 1}`)));
    for (let i = 0; i < 20; i++) await Promise.all(nodes.map((node, j) => put(node, `k${i}`, `from-${j}`)));
    await settle();
    const views = await Promise.all(nodes.map(listAll));
    assert.deepEqual(views[1], views[0]);
    assert.deepEqual(views[2], views[0]);
    // Same HLC time: the greatest node id wins the tie.
    assert.equal(await value(nodes[0]!, 'leader'), 'node-3');
  } finally {
    await dispose();
  }
});

test('a node whose wall clock is 10 minutes fast does not win with an older write', async () => {
  const { network, nodes, settle, dispose } = await cluster(2, [{ clockOffset: 10 * MINUTE, maxClockDrift: 20 * MINUTE }, { maxClockDrift: 20 * MINUTE }]);
  try {
    const [fast, honest] = nodes as [FakeContext<KvConfig>, FakeContext<KvConfig>];
    const first = (await put(fast, 'config', 'old')) as { version: { wallMs: number } };
    assert.equal(first.version.wallMs, START + 10 * MINUTE);
    await settle();
    network.clock.advance(1_000); // one real second later, the honest node overwrites it
    const second = (await put(honest, 'config', 'new')) as { version: { wallMs: number; counter: number } };
    assert.ok(second.version.wallMs >= first.version.wallMs, 'the honest node stamps after what it has seen');
    await settle();
    assert.equal(await value(fast, 'config'), 'new');
    assert.equal(await value(honest, 'config'), 'new');
  } finally {
    await dispose();
  }
});

test('a partition that heals converges: the channel repairs what each side missed', async () => {
  const { network, nodes, settle, dispose } = await cluster(3);
  try {
    const [a, b, c] = nodes as [FakeContext<KvConfig>, FakeContext<KvConfig>, FakeContext<KvConfig>];
    await put(a, 'shared', 'before');
    await settle();
    network.partition([a.nodeId], [b.nodeId, c.nodeId]);
    network.clock.advance(1_000);
    await put(a, 'shared', 'minority');
    await put(a, 'only-a', '1');
    network.clock.advance(1_000);
    await put(b, 'shared', 'majority-later');
    await put(c, 'only-c', '1');
    await settle();
    assert.equal(await value(a, 'only-c'), undefined, 'cut off');
    network.heal();
    await settle();
    const views = await Promise.all(nodes.map(listAll));
    assert.deepEqual(views[0], ['only-a=1', 'only-c=1', 'shared=majority-later']);
    assert.deepEqual(views[1], views[0]);
    assert.deepEqual(views[2], views[0]);
  } finally {
    await dispose();
  }
});

test('a node that was away (no channel messages at all) catches up by anti-entropy when it comes back', async () => {
  const { network, nodes, settle, dispose } = await cluster(3);
  try {
    const [a, b, c] = nodes as [FakeContext<KvConfig>, FakeContext<KvConfig>, FakeContext<KvConfig>];
    await put(a, 'k1', 'v1');
    await settle();
    network.setState(c.nodeId, 'dead'); // the channel skips it: nothing is held for it
    await put(a, 'k1', 'v1-updated');
    await put(b, 'k2', 'v2');
    await api(a).Delete({ key: 'k1' });
    await settle();
    assert.equal(await value(c, 'k1'), 'v1');
    network.setState(c.nodeId, 'alive'); // a and b see it come back and sync with it
    await eventually('the returning node converges', async () => {
      network.clock.advance(1_000);
      await settle();
      return JSON.stringify(await listAll(c)) === JSON.stringify(await listAll(a));
    }, 10_000, 20);
    assert.deepEqual(await listAll(c), ['k2=v2']);
  } finally {
    await dispose();
  }
});

test('a restarted node serves its data at once from the data dir, then catches up from a peer', async () => {
  const dataDir = await tempDir('g2g-kv-restart-');
  try {
    const network1 = new FakeNetwork({ clock: new ManualClock(START) });
    const first = createFakeContext<KvConfig>({ name: 'kv', nodeId: 'node-a', services: SERVICES, network: network1, config: CONFIG, dataDir });
    await first.start(KvPlugin);
    await put(first, 'kept', 'yes');
    await put(first, 'gone', 'soon');
    await api(first).Delete({ key: 'gone' });
    await first.dispose();

    // The node restarts into a network where a peer has written meanwhile.
    const network2 = new FakeNetwork({ clock: new ManualClock(START + MINUTE) });
    const peer = createFakeContext<KvConfig>({ name: 'kv', nodeId: 'node-b', services: SERVICES, network: network2, config: CONFIG });
    await peer.start(KvPlugin);
    await put(peer, 'written-meanwhile', 'x');
    const again = createFakeContext<KvConfig>({ name: 'kv', nodeId: 'node-a', services: SERVICES, network: network2, config: CONFIG, dataDir });
    const plugin = new KvPlugin(again.context);
    await plugin.register(again.server);
    assert.deepEqual(await listAll(again), ['kept=yes'], 'served from disk before start');
    assert.equal(await value(again, 'gone'), undefined);
    plugin.start();
    await eventually('the restarted node catches up', async () => {
      network2.clock.advance(100);
      await network2.settle();
      return (await listAll(again)).length === 2;
    }, 10_000, 20);
    assert.deepEqual(await listAll(again), ['kept=yes', 'written-meanwhile=x']);
    await plugin.stop();
    await again.dispose();
    await peer.dispose();
  } finally {
    await removeDir(dataDir);
  }
});

test('KeyValueSync refuses callers that are not members; a write published for another node is dropped', async () => {
  const { nodes, settle, dispose } = await cluster(2);
  try {
    const [a, b] = nodes as [FakeContext<KvConfig>, FakeContext<KvConfig>];
    const sync = stubClient(KEY_VALUE_SYNC_SERVICE, a.server.implementation(KEY_VALUE_SYNC_SERVICE)!, { kind: 'operator', name: 'mallory', nodeId: a.nodeId }) as unknown as Record<string, Function>;
    const refused = await new Promise<grpc.ServiceError>((resolve) => sync.Push!({ entries: [] }, (e: grpc.ServiceError) => resolve(e)));
    assert.equal(refused.code, grpc.status.PERMISSION_DENIED);
    // b publishes (signed as b) a write claiming to be a's.
    await b.nodeChannel.publish('kv/entries', encodeEntry({ key: 'forged', value: Buffer.from('x'), deleted: false, version: { wallMs: START, counter: 0, nodeId: a.nodeId }, signature: new Uint8Array(0) }));
    await settle();
    assert.equal(await value(a, 'forged'), undefined);
  } finally {
    await dispose();
  }
});

/** A server-streaming call as grpc-js hands it to a handler, recording what is written. */
function fakeStream(request: object) {
  const written: { type: string; entry: { key: string } }[] = [];
  let ended = false;
  let status: unknown;
  const call = Object.assign(new EventEmitter(), {
    request,
    write: (m: { type: string; entry: { key: string } }): boolean => (written.push(m), true),
    end: () => void (ended = true),
  });
  call.on('error', (e) => (status = e));
  return { call, written, isEnded: () => ended, status: () => status };
}

test('Watch streams the initial entries and then the changes under its prefix, and ends cleanly when the plugin stops', async () => {
  const { nodes, settle, dispose } = await cluster(2);
  try {
    const [a, b] = nodes as [FakeContext<KvConfig>, FakeContext<KvConfig>];
    await put(a, 'app/one', '1');
    await put(a, 'other', 'x');
    const stream = fakeStream({ prefix: 'app/', sendInitial: true });
    (a.server.implementation(KEY_VALUE_SERVICE)!.Watch as Function)(stream.call);
    await put(b, 'app/two', '2'); // from another node, over the channel
    await put(a, 'elsewhere', 'y');
    await api(a).Delete({ key: 'app/one' });
    await settle();
    assert.deepEqual(stream.written.map((m) => [m.type, m.entry.key]), [
      ['EVENT_TYPE_PUT', 'app/one'],
      ['EVENT_TYPE_PUT', 'app/two'],
      ['EVENT_TYPE_DELETE', 'app/one'],
    ]);
    assert.equal(stream.isEnded(), false);
    a.abort(); // the host aborts the plugin's signal when stopping it
    assert.equal(stream.isEnded(), true);
    assert.equal(stream.status(), undefined, 'ended with OK, not an error');
  } finally {
    await dispose();
  }
});

test('a Watch whose reader falls too far behind is ended with RESOURCE_EXHAUSTED', async () => {
  const { nodes, dispose } = await cluster(1, [{ watchQueueLimit: 3 }]);
  try {
    const stream = fakeStream({ prefix: '', sendInitial: false });
    stream.call.write = (m) => (stream.written.push(m), false); // the transport is never ready again
    (nodes[0]!.server.implementation(KEY_VALUE_SERVICE)!.Watch as Function)(stream.call);
    for (let i = 0; i < 6; i++) await put(nodes[0]!, `k${i}`, 'v');
    assert.equal((stream.status() as grpc.ServiceError).code, grpc.status.RESOURCE_EXHAUSTED);
    assert.equal(stream.written.length, 1, 'one write, then only queueing');
  } finally {
    await dispose();
  }
});
