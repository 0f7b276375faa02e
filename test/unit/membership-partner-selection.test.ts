import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeRecord } from '../../src/membership/node-record';
import { membershipOptions } from '../../src/membership/options';
import { PartnerSelection } from '../../src/membership/partner-selection';
import { newEntry, PeerTable } from '../../src/membership/peer-table';
import type { MemberState } from '../../src/membership/transport';
import { SeededRandom } from '../../src/testing/seeded-random';

function record(id: string, mode: 'server' | 'client' = 'server'): NodeRecord {
  return {
    nodeId: id, cluster: 'c', mode, addresses: ['10.0.0.1'], registerPort: 1, gossipPort: 2, caCertPem: '', leaf: { fingerprint: '', notAfterMs: 0 },
    version: 1, heartbeat: 0, services: [], tags: [], protocolVersion: 1, left: false, signature: new Uint8Array(), heartbeatSignature: new Uint8Array(),
  };
}

function table(random: SeededRandom, peers: { id: string; state?: MemberState; mode?: 'server' | 'client' }[]): PeerTable {
  const t = new PeerTable('self', 1000, random);
  for (const p of peers) {
    const e = newEntry(record(p.id, p.mode), p.state ?? 'alive', 0);
    t.add(e);
  }
  return t;
}

test('round-robin: every exchangeable peer is picked once per cycle; clients, dead and left peers are not', () => {
  const random = new SeededRandom(3);
  const servers = Array.from({ length: 12 }, (_, i) => ({ id: `s${i}` }));
  const t = table(random, [...servers, { id: 'client', mode: 'client' }, { id: 'dead', state: 'dead' }, { id: 'left', state: 'left' }, { id: 'sus', state: 'suspect' }]);
  const options = membershipOptions({ exchangeBudget: 2, randomExchanges: 0, spatialShare: 0, reconnectIntervalMs: Number.MAX_SAFE_INTEGER });
  const selection = new PartnerSelection({ table: t, random, options });
  const seen = new Map<string, number>();
  // 13 exchangeable peers (12 servers and the suspect), 2 per interval: 13 intervals are two cycles.
  for (let i = 0; i < 13; i++) {
    const picked = selection.pick(1000 + i);
    assert.equal(picked.length, 2);
    for (const p of picked) seen.set(p.nodeId, (seen.get(p.nodeId) ?? 0) + 1);
  }
  assert.deepEqual([...seen.keys()].sort(), [...servers.map((s) => s.id), 'sus'].sort());
  for (const [id, n] of seen) assert.equal(n, 2, `${id} was picked ${n} times in two cycles`);
});

test('random picks come on top of round-robin, distinct; a dead peer is tried once per reconnect interval', () => {
  const random = new SeededRandom(4);
  const t = table(random, [...Array.from({ length: 8 }, (_, i) => ({ id: `s${i}` })), { id: 'dead', state: 'dead' }]);
  const options = membershipOptions({ exchangeBudget: 1, randomExchanges: 2, spatialShare: 0, reconnectIntervalMs: 10_000 });
  const selection = new PartnerSelection({ table: t, random, options });
  const first = selection.pick(10_000).map((p) => p.nodeId);
  assert.equal(new Set(first).size, first.length, 'no peer twice in one interval');
  assert.equal(first.length, 4, 'one round-robin, two random, one dead peer to reconnect');
  assert.ok(first.includes('dead'));
  const second = selection.pick(15_000).map((p) => p.nodeId);
  assert.equal(second.length, 3);
  assert.ok(!second.includes('dead'), 'the next reconnect attempt waits for the reconnect interval');
  assert.ok(selection.pick(20_000).some((p) => p.nodeId === 'dead'));
});

test('spatial picks favour near peers but leave at least one uniform partner per interval', () => {
  const random = new SeededRandom(5);
  const peers = Array.from({ length: 20 }, (_, i) => ({ id: `p${i}` }));
  const t = table(random, peers);
  // p0 is 1 ms away, all others 100 ms: 1/d² makes p0 10,000 times likelier.
  const distance = (id: string): number => (id === 'p0' ? 1 : 100);
  const options = membershipOptions({ exchangeBudget: 1, randomExchanges: 1, spatialShare: 1, spatialFloorMs: 1, reconnectIntervalMs: Number.MAX_SAFE_INTEGER });
  const selection = new PartnerSelection({ table: t, random, options, distance });
  let withNear = 0;
  const intervals = 200;
  const others = new Set<string>();
  for (let i = 0; i < intervals; i++) {
    const picked = selection.pick(i).map((p) => p.nodeId);
    assert.equal(picked.length, 2, 'spatial share 1 still keeps one of two partners uniform');
    if (picked[0] === 'p0') withNear++;
    for (const id of picked) if (id !== 'p0') others.add(id);
  }
  assert.ok(withNear > 0.95 * intervals, `the near peer led only ${withNear} of ${intervals} intervals`);
  assert.equal(others.size, 19, 'every far peer still gets uniform picks');
});

test('shuffledIds is a permutation of the table', () => {
  const random = new SeededRandom(6);
  const peers = Array.from({ length: 30 }, (_, i) => ({ id: `p${i}` }));
  const selection = new PartnerSelection({ table: table(random, peers), random, options: membershipOptions() });
  const ids = selection.shuffledIds();
  assert.deepEqual([...ids].sort(), peers.map((p) => p.id).sort());
  assert.notDeepEqual(ids, peers.map((p) => p.id), 'a shuffle of 30 in their insertion order is a 1-in-30! chance');
});
