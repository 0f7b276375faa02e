import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Membership, type MembershipEvent } from '../../src/membership/membership';
import type { NodeRecord } from '../../src/membership/node-record';
import type { Transport } from '../../src/membership/transport';
import { ManualClock } from '../../src/testing/manual-clock';
import { SeededRandom } from '../../src/testing/seeded-random';
import { SimAuthority, type SimIdentity } from '../../src/testing/sim-authenticator';

const silentTransport: Transport = {
  exchange: () => Promise.reject(new Error('offline')),
  ping: () => Promise.reject(new Error('offline')),
  pingVia: () => Promise.reject(new Error('offline')),
};

function node(authority: SimAuthority, clock: ManualClock, id: SimIdentity, cluster = 'c'): Membership {
  return new Membership(
    { clock, random: new SeededRandom(1), transport: silentTransport, authenticator: id.authenticator },
    { nodeId: id.nodeId, cluster, mode: 'server', addresses: ['10.0.0.1'], registerPort: 1, gossipPort: 2, caCertPem: id.caCertPem, leaf: { fingerprint: 'sha256:00', notAfterMs: 0 } },
    { tombstoneTtlMs: 60_000 },
  );
}

test('merge rules: newer (version, heartbeat) from the owner wins; replays, forgeries, other clusters and tombstones do not', () => {
  const authority = new SimAuthority(new SeededRandom(5));
  const clock = new ManualClock(1_000_000);
  const [a, b, c] = [authority.createIdentity(), authority.createIdentity(), authority.createIdentity()];
  const observer = node(authority, clock, a);
  const owner = node(authority, clock, b);
  const events: MembershipEvent[] = [];
  observer.onEvent((e) => events.push(e));

  const v1 = owner.localRecord();
  assert.equal(observer.admit(v1), 'added');
  assert.equal(observer.admit(v1), 'stale', 'the same record again is a replay');
  const v2 = owner.updateLocal({ addresses: ['10.0.0.2'] });
  assert.equal(observer.admit(v2), 'updated');
  assert.equal(observer.admit(v1), 'stale', 'an older version after a newer one is out of order');
  assert.deepEqual(observer.member(b.nodeId)?.addresses, ['10.0.0.2']);

  // A forged record in b's name (signed by c) and a tampered one are invalid.
  const cAuth = authority.authenticatorFor(c.nodeId);
  const forgedBody = { ...v2, version: v2.version + 1, addresses: ['203.0.113.1'] };
  const forged: NodeRecord = { ...forgedBody, signature: cAuth.signBody(forgedBody), heartbeatSignature: cAuth.signHeartbeat(b.nodeId, forgedBody.version, forgedBody.heartbeat) };
  assert.equal(observer.admit(forged), 'invalid');
  assert.equal(observer.admit({ ...v2, version: v2.version + 1 }), 'invalid');
  // The same node in another cluster is refused.
  const foreign = node(authority, clock, c, 'other');
  assert.equal(observer.admit(foreign.localRecord()), 'invalid');
  assert.equal(observer.member(c.nodeId), undefined);

  // Removed by an operator: refused whatever the version, until the tombstone expires.
  assert.ok(observer.remove(b.nodeId));
  assert.equal(observer.admit(owner.updateLocal({ tags: [{ key: 'k', value: 'v' }] })), 'tombstoned');
  clock.advance(60_001);
  assert.equal(observer.admit(owner.updateLocal({ tags: [] })), 'added');
  assert.deepEqual(events.map((e) => e.type), ['joined', 'updated', 'removed', 'joined']);
});

test('a node that hears a newer record of its own (it restarted and forgot) jumps past it', () => {
  const authority = new SimAuthority(new SeededRandom(6));
  const clock = new ManualClock(0);
  const id = authority.createIdentity();
  const before = node(authority, clock, id);
  before.updateLocal({ addresses: ['10.0.0.3'] });
  const old = before.updateLocal({ addresses: ['10.0.0.4'] });
  const restarted = node(authority, clock, id);
  assert.ok(restarted.localRecord().version < old.version);
  assert.equal(restarted.admit(old), 'self');
  assert.ok(restarted.localRecord().version > old.version, 'the restarted node must publish a version above what the network holds');
});
