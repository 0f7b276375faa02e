import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { fanOut, type FanOutCall, type FanOutOptions } from '../../src/pool/fan-out';
import type { PeerPool } from '../../src/pool/peer-pool';
import { pluginPool } from '../../src/plugins/plugin-pool';
import { ManualClock } from '../../src/testing/manual-clock';

const SERVICE = 'echo.v1.Echo';
const definition: grpc.ServiceDefinition = {
  Say: {
    path: `/${SERVICE}/Say`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
    requestDeserialize: (b: Buffer) => JSON.parse(b.toString()) as unknown,
    responseSerialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
    responseDeserialize: (b: Buffer) => JSON.parse(b.toString()) as unknown,
  },
};

/**
 * The plugin pool over the pool's real fan-out on a manual clock; the node's PeerPool is stubbed
 * down to what the plugin pool uses (client, fanOut), its clients are placeholders named by peer.
 */
function harness(peers: string[], serves: (nodeId: string) => boolean = () => true) {
  const clock = new ManualClock(1_000);
  const pool = {
    client: (nodeId: string) => ({ nodeId }) as unknown as grpc.Client,
    fanOut: <T>(k: number, call: FanOutCall<T>, options: FanOutOptions & { eligible?: (nodeId: string) => boolean }) =>
      fanOut({ clock, now: () => clock.now(), stats: () => undefined, connected: () => true }, peers.filter(options.eligible ?? (() => true)), k, call, options),
  } as unknown as PeerPool;
  return { clock, plugin: pluginPool({ pool: () => pool, serves: (nodeId) => serves(nodeId) }, new Map([[SERVICE, definition]])) };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

test('a plugin fan-out: the silent peer is cancelled at its deadline and listed as DEADLINE_EXCEEDED, the next one asked, the answer kept', async () => {
  const { clock, plugin } = harness(['mute', 'ok', 'spare']);
  const cancelledAt: Record<string, number> = {};
  const asked: string[] = [];
  const outcome = plugin.fanOut<string>(1, (client, nodeId, deadline, cancel) => {
    asked.push(nodeId);
    assert.equal((client as unknown as { nodeId: string }).nodeId, nodeId, "the pool's client for that peer");
    assert.equal(deadline.getTime(), clock.now() + 50);
    cancel.cancelOnEnd({ cancel: () => (cancelledAt[nodeId] = clock.now()) });
    return nodeId === 'mute' ? new Promise<string>(() => {}) : Promise.resolve(`answer of ${nodeId}`);
  }, { deadlineMs: 50 });
  await flush();
  clock.advance(50);
  const { results, errors } = await outcome;
  assert.deepEqual(asked, ['mute', 'ok']);
  assert.deepEqual(results, [{ nodeId: 'ok', value: 'answer of ok' }]);
  assert.deepEqual(errors.map((e) => [e.nodeId, (e.error as grpc.ServiceError).code, e.code]), [['mute', grpc.status.DEADLINE_EXCEEDED, grpc.status.DEADLINE_EXCEEDED]]);
  assert.match((errors[0]!.error as Error).message, /mute did not answer within 50 ms/);
  assert.deepEqual(cancelledAt, { mute: 1_050 }, 'only the call the pool gave up on is cancelled');
});

test('fan-out failures are typed: always an Error with a gRPC status (the call\'s own, UNKNOWN for whatever else was thrown)', async () => {
  const { plugin } = harness(['unavailable', 'threw', 'string']);
  const outcome = await plugin.fanOut<string>(3, (_client, nodeId) => {
    if (nodeId === 'unavailable') return Promise.reject(Object.assign(new Error('14 UNAVAILABLE: down'), { code: grpc.status.UNAVAILABLE, details: 'down', metadata: new grpc.Metadata() }));
    if (nodeId === 'threw') return Promise.reject(new TypeError('a bug in the plugin'));
    return Promise.reject('a string, not an Error');
  }, { deadlineMs: 50 });
  const byPeer = Object.fromEntries(outcome.errors.map((e) => [e.nodeId, e]));
  assert.equal(byPeer.unavailable!.code, grpc.status.UNAVAILABLE);
  assert.equal(byPeer.threw!.code, grpc.status.UNKNOWN);
  assert.ok(byPeer.threw!.error instanceof TypeError, 'the thrown Error itself');
  assert.equal(byPeer.string!.code, grpc.status.UNKNOWN);
  assert.ok(byPeer.string!.error instanceof Error, 'a thrown non-Error is wrapped');
  assert.equal(byPeer.string!.error.cause, 'a string, not an Error');
  for (const e of outcome.errors) assert.equal(typeof e.error.message, 'string');
});

test('a plugin fan-out asks only the peers that serve the service; without a pool it is empty', async () => {
  const { plugin } = harness(['a', 'b', 'c'], (nodeId) => nodeId !== 'b');
  const outcome = await plugin.fanOut<string>(3, async (_client, nodeId) => nodeId, { deadlineMs: 50 });
  assert.deepEqual(outcome.results.map((r) => r.nodeId), ['a', 'c']);
  const none = pluginPool({ pool: () => undefined, serves: () => true }, new Map([[SERVICE, definition]]));
  assert.deepEqual(await none.fanOut(2, async () => 1, { deadlineMs: 50 }), { results: [], errors: [] });
});

test('client() refuses a peer that does not serve the service; peersServing lists the ones that do, in query order', () => {
  const order = ['far', 'near', 'idle'];
  const pool = {
    client: (nodeId: string) => ({ nodeId }) as unknown as grpc.Client,
    peekOrder: () => [...order],
    allStats: () => [...order, 'new'].map((nodeId) => ({ nodeId, stats: {} })),
  } as unknown as PeerPool;
  const plugin = pluginPool({ pool: () => pool, serves: (nodeId) => nodeId !== 'idle' }, new Map([[SERVICE, definition]]));
  assert.equal(plugin.client('idle'), undefined);
  assert.equal((plugin.client('far') as unknown as { nodeId: string }).nodeId, 'far');
  assert.deepEqual(plugin.peersServing(), ['far', 'near', 'new'], 'measured peers in order, then unmeasured ones');
  assert.throws(() => plugin.peersServing('other.v1.Svc'), RangeError);
});
