import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { silentLogger } from '../../src/log/logger';
import { PeerPool } from '../../src/pool/peer-pool';
import { ManualClock } from '../../src/testing/manual-clock';
import type { PeerClients, PeerEndpoint } from '../../src/transport/peer-clients';

/**
 * A pool over fake channels. Pings are held until the round ends, then answered in latency
 * order on a fake high-resolution clock, so every sample is exactly `latency[id]` (or, for a
 * list, its entry for the round, cycling).
 */
function fakePool(latency: Record<string, number | number[]>, connected: boolean | (() => boolean) = true) {
  let t = 0;
  let round = 0;
  const latencyOf = (id: string) => {
    const l = latency[id]!;
    return typeof l === 'number' ? l : l[round % l.length]!;
  };
  let pending: { latency: number; startedAt: number; cb: (e: Error | null) => void }[] = [];
  let members: PeerEndpoint[] = Object.keys(latency).map((nodeId) => ({ nodeId, addresses: ['127.0.0.1'], gossipPort: 1, caCertPem: '' }));
  const isConnected = typeof connected === 'function' ? connected : () => connected;
  const channel = { getConnectivityState: () => (isConnected() ? grpc.connectivityState.READY : grpc.connectivityState.IDLE), getTarget: () => 'fake' };
  const clients = {
    gossip: (endpoint: PeerEndpoint) => ({
      getChannel: () => channel,
      Ping: (_req: object, _opts: object, cb: (e: Error | null) => void) => void pending.push({ latency: latencyOf(endpoint.nodeId), startedAt: t, cb }),
    }),
    channelOf: (nodeId: string) => (members.some((m) => m.nodeId === nodeId) ? channel : undefined),
  } as unknown as PeerClients;
  const clock = new ManualClock();
  const pool = new PeerPool({ clients, members: () => members, clock, log: silentLogger(), now: () => t }, { pingIntervalMs: 1000, pingTimeoutMs: 500 });
  const flush = async () => {
    for (let j = 0; j < 20; j++) await Promise.resolve();
  };
  /** Runs `n` measurement rounds. */
  const rounds = async (n: number) => {
    for (let i = 0; i < n; i++) {
      clock.advance(i === 0 ? 0 : 1000);
      await flush();
      const batch = pending.sort((a, b) => a.latency - b.latency);
      pending = [];
      for (const p of batch) {
        t = p.startedAt + p.latency;
        p.cb(null);
        await flush();
      }
      round++;
    }
  };
  const remove = (nodeId: string) => (members = members.filter((m) => m.nodeId !== nodeId));
  const add = (nodeId: string, ms: number) => {
    latency[nodeId] = ms;
    members = [...members, { nodeId, addresses: ['127.0.0.1'], gossipPort: 1, caCertPem: '' }];
  };
  /** Answers every ping sent so far (and the follow-ups they cause) in latency order, without advancing the clock. */
  const answer = async () => {
    for (let k = 0; k < 5; k++) {
      await flush();
      const batch = pending.sort((a, b) => a.latency - b.latency);
      pending = [];
      for (const p of batch) {
        t = p.startedAt + p.latency;
        p.cb(null);
        await flush();
      }
    }
  };
  return { pool, rounds, clock, remove, add, answer };
}

test('pings become RTT samples, peers are grouped by latency and ordered far, near, far, near', async () => {
  const { pool, rounds } = fakePool({ a1: 1, a2: 1.2, b1: 80, b2: 82 });
  pool.start();
  await rounds(3);
  pool.stop();
  assert.deepEqual(pool.groups().map((g) => g.members.map((m) => m.id)), [['a1', 'a2'], ['b1', 'b2']]);
  const order = pool.queryOrder();
  assert.deepEqual(order.map((id) => id[0]), ['b', 'a', 'b', 'a']);
  assert.ok(pool.statsOf('b1')!.samples >= 2);
  assert.equal(pool.statsOf('b1')!.ewmaMs, 80);
  // The distance spatial gossip reads.
  assert.equal(pool.rttOf('b1'), 80);
  assert.equal(pool.rttOf('nobody'), undefined);
});

test('groups are cut on the minimum of the recent samples: spikes that inflate the mean and the EWMA do not move a peer', async () => {
  // A busy event loop adds 60–150 ms to a third of the near peers' samples; the far ones are 40 ms away.
  const { pool, rounds } = fakePool({ n1: [1, 1, 90, 1.2, 1, 150], n2: [1.5, 120, 1.1, 1, 60, 1], f1: [41, 42, 140, 41], f2: 40 });
  pool.start();
  for (let i = 0; i < 4; i++) {
    await rounds(6);
    assert.deepEqual(pool.groups().map((g) => g.members.map((m) => m.id).sort()), [['n1', 'n2'], ['f1', 'f2']], `after ${6 * (i + 1)} rounds`);
  }
  pool.stop();
  assert.ok(pool.statsOf('n1')!.ewmaMs! > pool.statsOf('f2')!.ewmaMs! || pool.statsOf('n1')!.meanMs! > 20, 'the averages alone would have mixed the tiers');
  assert.equal(pool.statsOf('n1')!.latencyMs, 1);
});

test('a ping that had to open the connection is not an RTT sample (it measured a handshake)', async () => {
  const { pool, rounds } = fakePool({ a1: 5 }, false);
  pool.start();
  await rounds(2);
  pool.stop();
  assert.equal(pool.statsOf('a1')!.samples, 0);
  assert.equal(pool.rttOf('a1'), undefined);
  assert.ok(pool.statsOf('a1')!.lastSuccessMs !== null);
});

test('fan-out asks k peers in query order, skips failures, and reports them', async () => {
  const { pool, rounds } = fakePool({ a1: 1, a2: 1, b1: 80, b2: 80 });
  pool.start();
  await rounds(3);
  pool.stop();
  const first = pool.peekOrder()[0]!;
  const result = await pool.fanOut(2, async ({ nodeId }) => {
    if (nodeId === first) throw new Error('down');
    return nodeId.toUpperCase();
  }, { deadlineMs: 100 });
  assert.equal(result.results.length, 2);
  assert.deepEqual(result.errors.map((e) => e.nodeId), [first]);
  assert.ok(!result.results.some((r) => r.nodeId === first));
  assert.equal(pool.statsOf(first)!.errors, 1);
});

test('a peer that keeps failing is asked after the healthy ones, which keep their query order', async () => {
  const { pool, rounds } = fakePool({ a1: 1, a2: 1, b1: 80, b2: 80 });
  pool.start();
  await rounds(3);
  pool.stop();
  const broken = 'a2';
  const fanOutRound = async () => {
    const expected = pool.peekOrder();
    const asked: string[] = [];
    await pool.fanOut(4, async ({ nodeId: id }) => {
      asked.push(id);
      if (id === broken) throw new Error('down');
      return id;
    }, { deadlineMs: 100, hedgeMs: 'off' });
    return { expected, asked };
  };
  for (let i = 0; i < 3; i++) {
    const { expected, asked } = await fanOutRound();
    assert.deepEqual(asked, expected, 'in query order while it has failed fewer than 3 times in a row');
  }
  for (let i = 0; i < 4; i++) {
    const { expected, asked } = await fanOutRound();
    assert.deepEqual(asked, [...expected.filter((id) => id !== broken), broken]);
  }
  assert.equal(pool.statsOf(broken)!.consecutiveErrors, 7);
});

test('typed clients are cached per peer and class, and forgotten with the peer; a peer that left leaves the groups at once', async () => {
  const { pool, rounds, clock, remove } = fakePool({ a1: 1, b1: 80 });
  pool.start();
  await rounds(2);
  pool.stop();
  const Ctor = grpc.makeGenericClientConstructor({}, 'Test');
  const c1 = pool.client('a1', Ctor)!;
  assert.equal(pool.client('a1', Ctor), c1);
  assert.equal(pool.client('nobody', Ctor), undefined);
  remove('a1');
  pool.membersChanged();
  clock.advance(0);
  assert.deepEqual(pool.groups().flatMap((g) => g.members.map((m) => m.id)), ['b1']);
  assert.equal(pool.statsOf('a1'), undefined);
  assert.equal(pool.client('a1', Ctor), undefined);
});

test('ready() resolves after the first round, with every peer in the query order although the first pings opened the connections', async () => {
  // Channels connect on the first ping (the pool's ping opens them), as on a node that just joined.
  let pinged = false;
  const { pool, clock, answer } = fakePool({ a1: 1, b1: 80 }, () => pinged);
  let ready = false;
  void pool.ready().then(() => (ready = true));
  pool.start();
  clock.advance(0);
  pinged = true; // the first ping's connection is up from now on
  await answer();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ready, true);
  assert.deepEqual([...pool.peekOrder()].sort(), ['a1', 'b1'], 'a second ping on the fresh connection took a sample');
  assert.equal(pool.statsOf('a1')!.samples, 1);
  pool.stop();
});

test('onChange fires when the peers in the query order change, not on every round; peekOrder does not rotate', async () => {
  const { pool, rounds, add, remove, clock } = fakePool({ a1: 1, a2: 1.1 });
  let changes = 0;
  pool.onChange(() => changes++);
  pool.start();
  await rounds(3);
  assert.equal(changes, 1, 'the first peers measured');
  assert.deepEqual(pool.peekOrder(), pool.peekOrder(), 'peek is read-only');
  const first = pool.queryOrder()[0];
  assert.notEqual(pool.queryOrder()[0], first, 'queryOrder rotates within the group');
  add('c1', 50);
  await rounds(2);
  assert.equal(changes, 2, 'a new peer measured');
  remove('a2');
  pool.membersChanged();
  clock.advance(0);
  assert.equal(changes, 3, 'a peer gone');
  pool.stop();
});
