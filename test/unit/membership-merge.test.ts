import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Membership, type MembershipEvent } from '../../src/membership/membership';
import type { NodeRecord } from '../../src/membership/node-record';
import { EMPTY_RESPONSE, type ExchangeRequest, type Transport } from '../../src/membership/transport';
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
    { tombstoneTtlMs: 60_000, removalTtlMs: 120_000 },
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

  // Removed by an operator: refused whatever the version, until the removal expires (it outlives
  // an ordinary tombstone).
  observer.start();
  assert.equal(observer.remove(b.nodeId).nodeId, b.nodeId);
  assert.equal(observer.admit(owner.updateLocal({ tags: [{ key: 'k', value: 'v' }] })), 'tombstoned');
  clock.advance(60_001);
  assert.equal(observer.admit(owner.updateLocal({ tags: [{ key: 'k', value: 'w' }] })), 'tombstoned');
  clock.advance(60_000);
  assert.equal(observer.removalOf(b.nodeId), undefined);
  assert.equal(observer.admit(owner.updateLocal({ tags: [] })), 'added');
  observer.stop();
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

/** Membership instances that reach each other directly (exchanges only), on one manual clock. */
function linkedPair(seed: number) {
  const authority = new SimAuthority(new SeededRandom(seed));
  const clock = new ManualClock(1_000_000);
  const nodes = new Map<string, Membership>();
  const transportOf = (self: string): Transport => ({
    exchange: (target, request) => nodes.get(target.nodeId)!.handleExchange(self, request),
    ping: () => Promise.reject(new Error('offline')),
    pingVia: () => Promise.reject(new Error('offline')),
  });
  const make = (id: SimIdentity, version?: number) => {
    const m = new Membership(
      { clock, random: new SeededRandom(seed), transport: transportOf(id.nodeId), authenticator: id.authenticator },
      { nodeId: id.nodeId, cluster: 'c', mode: 'server', addresses: ['10.0.0.1'], registerPort: 1, gossipPort: 2, caCertPem: id.caCertPem, leaf: { fingerprint: 'sha256:00', notAfterMs: 0 }, version },
      { tombstoneTtlMs: 3_600_000, leftRetentionMs: 10_000 },
    );
    nodes.set(id.nodeId, m);
    return m;
  };
  return { authority, clock, make, nodes };
}

test('a node that comes back at the version its peers hold as left (its leave was not saved) is told, and is heard again at a newer one', async () => {
  const { authority, clock, make } = linkedPair(7);
  const [o, j] = [authority.createIdentity(), authority.createIdentity()];
  const observer = make(o);
  observer.start();
  const before = make(j);
  await before.join([observer.localRecord()]);
  assert.equal(observer.member(j.nodeId)?.state, 'alive');
  before.start();
  clock.advance(5_000); // a few heartbeats: the copy the observer holds is ahead of a fresh start
  await before.leave();
  const left = before.localRecord();
  assert.equal(observer.member(j.nodeId)?.state, 'left');

  const again = make(j, left.version); // restarted from a save made before the leave
  again.start();
  const first = await again.join([observer.localRecord()]);
  assert.deepEqual(first.joined, [o.nodeId]);
  assert.ok(again.localRecord().version > left.version, 'told of its own newer record, it jumps past it');
  await again.join([observer.localRecord()]);
  assert.equal(observer.member(j.nodeId)?.state, 'alive');
  assert.equal(observer.member(j.nodeId)?.version, again.localRecord().version);
  for (const m of [observer, before, again]) m.stop();
});

test('a node that comes back at the version of its tombstone is told, and is heard again at a newer one', async () => {
  const { authority, clock, make } = linkedPair(8);
  const [o, j] = [authority.createIdentity(), authority.createIdentity()];
  const observer = make(o);
  observer.start();
  const before = make(j);
  await before.join([observer.localRecord()]);
  await before.leave();
  const left = before.localRecord();
  clock.advance(20_000); // past leftRetentionMs: removed, tombstoned at the left version
  assert.equal(observer.member(j.nodeId), undefined);

  const again = make(j, left.version);
  again.start(); // as a node does before it joins: a claim is refuted only while running
  const refused = await again.join([observer.localRecord()]);
  assert.equal(observer.member(j.nodeId), undefined, 'its record is refused at the tombstoned version…');
  assert.ok(refused.joined.length + refused.failures.length === 1);
  assert.ok(again.localRecord().version > left.version, '…but it is told, and takes a newer one');
  await again.join([observer.localRecord()]);
  assert.equal(observer.member(j.nodeId)?.state, 'alive');
  for (const m of [observer, before, again]) m.stop();
});

test('no follow-up goes to a peer whose answer says it left (it would only be dialled again)', async () => {
  const authority = new SimAuthority(new SeededRandom(9));
  const clock = new ManualClock(1_000_000);
  const [o, l, t] = [authority.createIdentity(), authority.createIdentity(), authority.createIdentity()];
  const leaver = node(authority, clock, l);
  const alive = leaver.localRecord();
  await leaver.leave(); // knows nobody: takes its left version and stops
  const leftRecord = leaver.localRecord();
  assert.equal(leftRecord.left, true);
  const sent: ExchangeRequest[] = [];
  const transport: Transport = {
    // The leaver answers with its left record and asks for a record it lacks (t's).
    exchange: async (_target, request) => {
      sent.push(request);
      return request.followUp ? EMPTY_RESPONSE : { ...EMPTY_RESPONSE, records: [leftRecord], wants: [t.nodeId] };
    },
    ping: () => Promise.reject(new Error('offline')),
    pingVia: () => Promise.reject(new Error('offline')),
  };
  const observer = new Membership(
    { clock, random: new SeededRandom(9), transport, authenticator: o.authenticator },
    { nodeId: o.nodeId, cluster: 'c', mode: 'server', addresses: ['10.0.0.1'], registerPort: 1, gossipPort: 2, caCertPem: o.caCertPem, leaf: { fingerprint: 'sha256:00', notAfterMs: 0 } },
    {},
  );
  assert.equal(observer.admit(node(authority, clock, t).localRecord()), 'added');
  await observer.join([alive]);
  await new Promise((r) => setImmediate(r));
  assert.equal(observer.member(l.nodeId)?.state, 'left');
  assert.deepEqual(sent.map((r) => r.followUp), [false], 'only the exchange itself, no follow-up to the leaver');
});

test('a caller that the callee already holds at its current version sends its heartbeat, not its record; a callee that lacks the version asks for the record', async () => {
  const authority = new SimAuthority(new SeededRandom(8));
  const clock = new ManualClock(1_000_000);
  const [a, b] = [authority.createIdentity(), authority.createIdentity()];
  const requests: ExchangeRequest[] = [];
  let callee: Membership | undefined;
  const relay: Transport = {
    exchange: (_target, request) => {
      requests.push(request);
      return callee!.handleExchange(a.nodeId, request);
    },
    ping: () => Promise.reject(new Error('offline')),
    pingVia: () => Promise.reject(new Error('offline')),
  };
  const mk = (id: SimIdentity, transport: Transport): Membership =>
    new Membership(
      { clock, random: new SeededRandom(1), transport, authenticator: id.authenticator },
      { nodeId: id.nodeId, cluster: 'c', mode: 'server', addresses: ['10.0.0.1'], registerPort: 1, gossipPort: 2, caCertPem: id.caCertPem, leaf: { fingerprint: 'sha256:00', notAfterMs: 0 } },
      { intervalMs: 1000 },
    );
  const caller = mk(a, relay);
  callee = mk(b, silentTransport);
  caller.start();
  callee.start();
  caller.admit(callee.localRecord());
  await caller.join([callee.localRecord()]);
  assert.ok(requests[0]?.sender, 'a join sends the record');
  assert.equal(callee.member(a.nodeId)?.version, caller.localRecord().version);
  requests.length = 0;
  clock.advance(1000);
  await new Promise((r) => setImmediate(r));
  const ordinary = requests.find((r) => !r.followUp);
  assert.ok(ordinary, 'the caller exchanged in its interval');
  assert.equal(ordinary.sender, undefined, 'the callee holds our version: no record');
  assert.equal(ordinary.senderBeat?.nodeId, a.nodeId);
  assert.equal(callee.member(a.nodeId)?.heartbeat, caller.heartbeat(), 'the heartbeat advanced at the callee');

  // A callee that does not hold our current version asks for the record and gets it in the follow-up.
  caller.updateLocal({ tags: [{ key: 'k', value: 'v' }] });
  const response = await callee.handleExchange(a.nodeId, { senderBeat: { ...caller.localRecord(), signature: caller.localRecord().heartbeatSignature }, records: [], digests: [], heartbeats: [], claims: [], digestsComplete: false, followUp: false, rumourDigests: [] });
  assert.ok(response.wants.includes(a.nodeId));
  caller.stop();
  callee.stop();
});
