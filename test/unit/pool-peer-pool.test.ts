import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { silentLogger } from '../../src/log/logger';
import { PeerPool } from '../../src/pool/peer-pool';
import { ManualClock } from '../../src/testing/manual-clock';
import type { PeerClients, PeerEndpoint } from '../../src/transport/peer-clients';

/**
 * A pool over fake channels. Pings are held until `deliver()`, which answers them in latency
 * order on a fake high-resolution clock, so every sample is exactly `latency[id]`.
 */
function fakePool(latency: Record<string, number>, connected = true) {
  let t = 0;
  let pending: { latency: number; startedAt: number; cb: (e: Error | null) => void }[] = [];
  const members: PeerEndpoint[] = Object.keys(latency).map((nodeId) => ({ nodeId, addresses: ['127.0.0.1'], gossipPort: 1, caCertPem: '' }));
  const clients = {
    gossip: (endpoint: PeerEndpoint) => ({
      getChannel: () => ({ getConnectivityState: () => (connected ? grpc.connectivityState.READY : grpc.connectivityState.IDLE), getTarget: () => 'fake' }),
      Ping: (_req: object, _opts: object, cb: (e: Error | null) => void) => void pending.push({ latency: latency[endpoint.nodeId]!, startedAt: t, cb }),
    }),
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
    }
  };
  return { pool, rounds };
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
});

test('a ping that had to open the connection is not an RTT sample (it measured a handshake)', async () => {
  const { pool, rounds } = fakePool({ a1: 5 }, false);
  pool.start();
  await rounds(2);
  pool.stop();
  assert.equal(pool.statsOf('a1')!.samples, 0);
  assert.ok(pool.statsOf('a1')!.lastSuccessMs !== null);
});

test('fan-out asks k peers in query order, skips failures, and reports them', async () => {
  const { pool, rounds } = fakePool({ a1: 1, a2: 1, b1: 80, b2: 80 });
  pool.start();
  await rounds(3);
  pool.stop();
  const first = pool.peekOrder()[0]!;
  const result = await pool.fanOut(2, async (nodeId) => {
    if (nodeId === first) throw new Error('down');
    return nodeId.toUpperCase();
  }, { deadlineMs: 100 });
  assert.equal(result.results.length, 2);
  assert.deepEqual(result.errors.map((e) => e.nodeId), [first]);
  assert.ok(!result.results.some((r) => r.nodeId === first));
  assert.equal(pool.statsOf(first)!.errors, 1);
});
