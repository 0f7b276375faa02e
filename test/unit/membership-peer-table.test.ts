import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeRecord } from '../../src/membership/node-record';
import { newEntry, PeerTable } from '../../src/membership/peer-table';
import { SeededRandom } from '../../src/testing/seeded-random';

function record(id: string, version = 1): NodeRecord {
  return {
    nodeId: id, cluster: 'c', mode: 'server', addresses: [], registerPort: 1, gossipPort: 2, caCertPem: '', leaf: { fingerprint: '', notAfterMs: 0 },
    version, heartbeat: 0, services: [], tags: [], protocolVersion: 1, left: false, signature: new Uint8Array(), heartbeatSignature: new Uint8Array(),
  };
}

function ids(n: number, r: SeededRandom): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let id = '';
    for (let j = 0; j < 32; j++) id += 'abcdefghijklmnopqrstuvwxyz234567'[r.int(32)];
    out.push(id);
  }
  return out;
}

test('below its bound a table admits everyone; at the bound it never grows and keeps a near-uniform sample', () => {
  const r = new SeededRandom(7);
  const all = ids(5000, r);
  const table = new PeerTable('self', 64, r);
  
  const now = 1_000_000;
  all.forEach((id) => {
    // Membership feeds every id it hears of to the size sketch, kept or not.
    table.observe(id);
    const a = table.admission(now, 10_000);
    if (!a.admit) return;
    if (a.evict) table.delete(a.evict);
    table.add(newEntry(record(id), 'alive', now));

  });
  assert.equal(table.size, 64);
  // Reservoir sampling: members come from every part of the arrival order, not only the first 64.
  const kept = all.map((id, i) => (table.has(id) ? i : -1)).filter((i) => i >= 0);
  const late = kept.filter((i) => i >= 2500).length;
  assert.ok(late >= 16 && late <= 48, `${late} of 64 kept from the second half`);
});

test('recently heard peers are not evicted; dead ones go first', () => {
  const r = new SeededRandom(8);
  const table = new PeerTable('self', 4, r);
  for (const id of ['a', 'b', 'c', 'd']) table.add(newEntry(record(id), 'alive', 0));
  for (const id of ['a', 'b', 'c']) table.get(id)!.lastDirectMs = 1000;
  table.get('d')!.state = 'dead';
  for (let i = 0; i < 50; i++) {
    const a = table.admission(1000, 5000);
    if (a.admit) assert.equal(a.evict, 'd');
  }
});

test('tombstones refuse records at or below the buried version, newer ones pass; forced ones refuse all until they expire', () => {
  const table = new PeerTable('self', 10, new SeededRandom(9));
  table.tombstone('x', { version: 5, untilMs: 1000, forced: false });
  assert.ok(table.refuses('x', 5, 0));
  assert.ok(table.refuses('x', 1, 0));
  assert.ok(!table.refuses('x', 6, 0));
  assert.ok(!table.refuses('x', 5, 1000), 'expired');
  table.tombstone('y', { version: 1, untilMs: 1000, forced: true });
  assert.ok(table.refuses('y', 99, 999));
  // A later ordinary tombstone does not weaken a forced one.
  table.tombstone('y', { version: 2, untilMs: 500, forced: false });
  assert.ok(table.refuses('y', 99, 999));
});

test('the size sketch estimates the network within 25 % from the ids it has seen', () => {
  const r = new SeededRandom(10);
  for (const n of [1000, 10_000]) {
    const table = new PeerTable('self', 64, r);
    for (const id of ids(64, r)) table.add(newEntry(record(id), 'alive', 0));
    for (const id of ids(n, r)) table.observe(id);
    const est = table.networkSize();
    assert.ok(Math.abs(est - n) / n < 0.25, `estimated ${est} for ${n}`);
  }
  const small = new PeerTable('self', 64, r);
  for (const id of ids(10, r)) small.add(newEntry(record(id), 'alive', 0));
  assert.equal(small.networkSize(), 11, 'below the bound the table is the network');
});
