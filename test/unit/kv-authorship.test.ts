import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import KvPlugin, { type KvConfig } from '../../plugins/kv/index';
import { entrySigningBytes, type KvEntry } from '../../plugins/kv/entry';
import { entryToWire } from '../../plugins/kv/entry-codec';
import { HybridLogicalClock, MAX_COUNTER } from '../../plugins/kv/hlc';
import { KEY_VALUE_SERVICE } from '../../plugins/kv/key-value-service';
import { KEY_VALUE_SYNC_SERVICE } from '../../plugins/kv/sync-service';
import { createFakeContext, FakeNetwork, ManualClock, stubClient, type FakeContext } from '../../src/plugins/testing';

const SERVICES = [KEY_VALUE_SERVICE, KEY_VALUE_SYNC_SERVICE];
const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 1);
const CONFIG: KvConfig = {
  maxKeyBytes: 64,
  maxValueBytes: 1024,
  tombstoneRetention: 7 * 24 * 60 * MINUTE,
  syncInterval: 1_000,
  syncTimeout: 5_000,
  fsync: false,
  compactAfter: 1000,
  watchQueueLimit: 100,
  clockOffset: 0,
  maxClockDrift: MINUTE,
  storageProbeInterval: 1000,
};

async function cluster(n: number) {
  const network = new FakeNetwork({ clock: new ManualClock(START) });
  const nodes: FakeContext<KvConfig>[] = [];
  for (let i = 0; i < n; i++) nodes.push(createFakeContext<KvConfig>({ name: 'kv', services: SERVICES, network, config: CONFIG }));
  const plugins: KvPlugin[] = [];
  for (const node of nodes) plugins.push(await node.start(KvPlugin));
  const settle = async () => {
    await network.settle();
    await Promise.all(plugins.map((p) => p.settled()));
    await network.settle();
  };
  return { network, nodes, plugins, settle, dispose: () => Promise.all(nodes.map((x) => x.dispose())) };
}

function unary(node: FakeContext<KvConfig>, service: string, method: string, request: object, caller: Parameters<typeof stubClient>[2]): Promise<Record<string, unknown>> {
  const client = stubClient(service, node.server.implementation(service)!, caller) as unknown as Record<string, Function>;
  return new Promise((resolve, reject) => client[method]!(request, (error: Error | null, reply: Record<string, unknown>) => (error ? reject(error) : resolve(reply))));
}

/** `signer` signs an entry that names `writer` as its author. */
async function signedBy(signer: FakeContext<KvConfig>, entry: Omit<KvEntry, 'signature'>): Promise<KvEntry> {
  return { ...entry, signature: await signer.context.authorship.sign(entrySigningBytes(entry)) };
}

async function value(node: FakeContext<KvConfig>, key: string): Promise<string | undefined> {
  try {
    const reply = (await unary(node, KEY_VALUE_SERVICE, 'Get', { key }, { kind: 'operator', name: 't', nodeId: node.nodeId })) as { entry: { value: Uint8Array } };
    return Buffer.from(reply.entry.value).toString();
  } catch (error) {
    if ((error as grpc.ServiceError).code === grpc.status.NOT_FOUND) return undefined;
    throw error;
  }
}

async function listAll(node: FakeContext<KvConfig>): Promise<string[]> {
  const reply = (await unary(node, KEY_VALUE_SERVICE, 'List', { prefix: '', pageSize: 1000, pageToken: '' }, { kind: 'operator', name: 't', nodeId: node.nodeId })) as {
    entries: { key: string; value: Uint8Array }[];
  };
  return reply.entries.map((e) => `${e.key}=${Buffer.from(e.value).toString()}`);
}

test('a member cannot push an entry stamped with another node id: refused, counted, never served', async () => {
  const { nodes, plugins, dispose } = await cluster(3);
  try {
    const [a, b, c] = nodes as [FakeContext<KvConfig>, FakeContext<KvConfig>, FakeContext<KvConfig>];
    const version = { wallMs: START, counter: 0, nodeId: c.nodeId };
    // b signs with its own key an entry that claims c wrote it; and one with no signature at all.
    const forged = await signedBy(b, { key: 'owned-by-c', value: Buffer.from('forged'), deleted: false, version });
    const unsigned: KvEntry = { key: 'unsigned', value: Buffer.from('x'), deleted: false, version, signature: new Uint8Array(0) };
    const reply = await unary(a, KEY_VALUE_SYNC_SERVICE, 'Push', { entries: [forged, unsigned].map(entryToWire) }, { kind: 'member', nodeId: b.nodeId });
    assert.equal(reply.applied, 0);
    assert.equal(await value(a, 'owned-by-c'), undefined);
    assert.equal(await value(a, 'unsigned'), undefined);
    assert.equal(plugins[0]!.refusals().forged, 2);
    // Counted where an operator sees it too: the plugin's metric on the node's metrics port.
    const exposition = await (a.context.metrics as unknown as { registry: Registry }).registry.metrics();
    assert.match(exposition, /^kv_entries_refused_total\{reason="forged"\} 2$/m);
    // b's own, correctly signed entry in the same kind of push is taken.
    const honest = await signedBy(b, { key: 'from-b', value: Buffer.from('ok'), deleted: false, version: { ...version, nodeId: b.nodeId } });
    assert.equal((await unary(a, KEY_VALUE_SYNC_SERVICE, 'Push', { entries: [entryToWire(honest)] }, { kind: 'member', nodeId: b.nodeId })).applied, 1);
    assert.equal(await value(a, 'from-b'), 'ok');
  } finally {
    await dispose();
  }
});

test('a value changed by a relay fails its writer signature', async () => {
  const { nodes, plugins, dispose } = await cluster(2);
  try {
    const [a, b] = nodes as [FakeContext<KvConfig>, FakeContext<KvConfig>];
    const genuine = await signedBy(b, { key: 'k', value: Buffer.from('genuine'), deleted: false, version: { wallMs: START, counter: 0, nodeId: b.nodeId } });
    const tampered = { ...genuine, value: Buffer.from('tampered') };
    assert.equal((await unary(a, KEY_VALUE_SYNC_SERVICE, 'Push', { entries: [entryToWire(tampered)] }, { kind: 'member', nodeId: b.nodeId })).applied, 0);
    assert.equal(plugins[0]!.refusals().forged, 1);
  } finally {
    await dispose();
  }
});

test('an entry stamped far in the future is refused, does not drag the clock, and replicas still converge', async () => {
  const { network, nodes, plugins, settle, dispose } = await cluster(3);
  try {
    const [a, b, c] = nodes as [FakeContext<KvConfig>, FakeContext<KvConfig>, FakeContext<KvConfig>];
    // The extreme entry: the largest time and counter the wire carries, correctly signed by b.
    const pinning = await signedBy(b, { key: 'pinned', value: Buffer.from('forever'), deleted: false, version: { wallMs: Number.MAX_SAFE_INTEGER, counter: MAX_COUNTER, nodeId: b.nodeId } });
    const ahead = await signedBy(b, { key: 'ahead', value: Buffer.from('2 min'), deleted: false, version: { wallMs: START + 2 * MINUTE, counter: 0, nodeId: b.nodeId } });
    const reply = await unary(a, KEY_VALUE_SYNC_SERVICE, 'Push', { entries: [pinning, ahead].map(entryToWire) }, { kind: 'member', nodeId: b.nodeId });
    assert.equal(reply.applied, 0);
    assert.equal(plugins[0]!.refusals().future, 2);
    // a's clock stayed at real time: its next write is stamped now, not after the pinning entry.
    const put = (await unary(a, KEY_VALUE_SERVICE, 'Put', { key: 'after', value: Buffer.from('a') }, { kind: 'operator', name: 't', nodeId: a.nodeId })) as { version: { wallMs: number } };
    assert.ok(Number(put.version.wallMs) < START + MINUTE, `stamped ${put.version.wallMs}`);
    for (const [i, node] of nodes.entries()) await unary(node, KEY_VALUE_SERVICE, 'Put', { key: `k${i}`, value: Buffer.from(String(i)) }, { kind: 'operator', name: 't', nodeId: node.nodeId });
    await settle();
    network.clock.advance(5_000);
    await settle();
    const views = await Promise.all([a, b, c].map(listAll));
    assert.deepEqual(views[0], ['after=a', 'k0=0', 'k1=1', 'k2=2']);
    assert.deepEqual(views[1], views[0]);
    assert.deepEqual(views[2], views[0]);
  } finally {
    await dispose();
  }
});

test('the hybrid clock counter never passes what the wire carries (uint32)', () => {
  const now = 1_000;
  const hlc = new HybridLogicalClock(() => now);
  hlc.observe({ wallMs: now, counter: MAX_COUNTER });
  const next = hlc.tick();
  assert.ok(next.counter <= MAX_COUNTER, `counter ${next.counter}`);
  // Observing (now, MAX) moved the clock to (now + 1, 0); the next event is after that.
  assert.deepEqual(next, { wallMs: now + 1, counter: 1 });
  const again = new HybridLogicalClock(() => now);
  again.observe({ wallMs: now, counter: MAX_COUNTER - 2 });
  assert.deepEqual(again.tick(), { wallMs: now, counter: MAX_COUNTER });
  assert.deepEqual(again.tick(), { wallMs: now + 1, counter: 0 });
});
