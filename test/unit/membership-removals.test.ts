import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GossipCounters } from '../../src/membership/gossip-counters';
import { LocalRecord } from '../../src/membership/local-record';
import { MemberRemovals } from '../../src/membership/member-removals';
import type { LifeState } from '../../src/membership/membership-core';
import { MembershipEvents, type MembershipEvent } from '../../src/membership/membership-events';
import { MembershipRumours } from '../../src/membership/membership-rumours';
import { MessageBudget } from '../../src/membership/message-budget';
import { membershipOptions } from '../../src/membership/options';
import { newEntry, PeerTable } from '../../src/membership/peer-table';
import { SeenVersions } from '../../src/membership/seen-versions';
import { ManualClock } from '../../src/testing/manual-clock';
import { SeededRandom } from '../../src/testing/seeded-random';
import { SimAuthority, type SimIdentity } from '../../src/testing/sim-authenticator';

function local(id: SimIdentity, mode: 'server' | 'client' = 'server'): LocalRecord {
  return new LocalRecord(id.authenticator, { nodeId: id.nodeId, cluster: 'c', mode, addresses: ['10.0.0.1'], registerPort: 1, gossipPort: 2, caCertPem: id.caCertPem, leaf: { fingerprint: 'sha256:00', notAfterMs: 0 } });
}

function removals(id: SimIdentity, clock: ManualClock, mode: 'server' | 'client' = 'server') {
  const random = new SeededRandom(9);
  const options = membershipOptions({ removalTtlMs: 100_000 });
  const table = new PeerTable(id.nodeId, 100, random);
  const me = local(id, mode);
  const rumours = new MembershipRumours(me, table, options);
  const events = new MembershipEvents(undefined);
  const seen: MembershipEvent[] = [];
  events.on((e) => seen.push(e));
  const state = { life: 'running' as LifeState };
  const counters = new GossipCounters();
  const held = new MemberRemovals({
    clock,
    options,
    table,
    local: me,
    auth: id.authenticator,
    rumours,
    seen: new SeenVersions(),
    events,
    gossip: counters,
    log: undefined,
    get life() {
      return state.life;
    },
    verifyRecord: (r) => id.authenticator.verifyRecord(r),
  });
  return { held, table, rumours, events: seen, state, me, counters };
}

test('a removal drops the member, tombstones it whatever its version, is gossiped and expires', () => {
  const authority = new SimAuthority(new SeededRandom(1));
  const [a, b] = [authority.createIdentity(), authority.createIdentity()];
  const clock = new ManualClock(1_000_000);
  const { held, table, rumours, events, counters } = removals(a, clock);
  table.add(newEntry(local(b).record, 'alive', clock.now()));
  const applied: string[] = [];
  held.onRemoval((r) => applied.push(r.nodeId));

  const removal = held.issue(b.nodeId, false);
  assert.equal(removal.remover.nodeId, a.nodeId);
  assert.equal(table.get(b.nodeId), undefined);
  assert.deepEqual(events.map((e) => e.type), ['removed']);
  assert.deepEqual(applied, [b.nodeId]);
  assert.equal(counters.snapshot().events.removals, 1);
  assert.equal(table.refuses(b.nodeId, 1_000_000, clock.now()), true, 'forced: refused whatever the version');
  assert.deepEqual(rumours.take(new MessageBudget(1 << 20), 'someone').removals, [removal]);
  assert.equal(held.removalOf(b.nodeId), removal);
  assert.deepEqual(held.removalsFor([b.nodeId, b.nodeId, a.nodeId]), [removal]);
  assert.equal(held.apply(removal, true), false, 'the same removal again is old news');

  clock.advance(100_001);
  assert.equal(held.removalOf(b.nodeId), undefined, 'a removal is enforced for removalTtlMs');
  assert.deepEqual(held.all(), []);
});

test('a reinstatement supersedes the removal and lifts the tombstone; all() and restore() round-trip', () => {
  const authority = new SimAuthority(new SeededRandom(2));
  const [a, b, c] = [authority.createIdentity(), authority.createIdentity(), authority.createIdentity()];
  const clock = new ManualClock(1_000_000);
  const first = removals(a, clock);
  first.held.issue(b.nodeId, false);
  first.held.issue(c.nodeId, false);
  clock.advance(1);
  const lifted = first.held.issue(b.nodeId, true);
  assert.equal(lifted.reinstated, true);
  assert.equal(first.held.removalOf(b.nodeId), undefined);
  assert.equal(first.table.refuses(b.nodeId, 1, clock.now()), false);
  assert.equal(first.held.removalOf(c.nodeId)?.nodeId, c.nodeId);

  const saved = first.held.all();
  assert.deepEqual(saved.map((h) => h.removal.nodeId), [c.nodeId, b.nodeId], 'oldest first');
  const second = removals(a, clock);
  second.held.restore(saved);
  assert.equal(second.held.removalOf(c.nodeId)?.nodeId, c.nodeId);
  assert.equal(second.held.removalOf(b.nodeId), undefined);
  assert.equal(second.table.refuses(c.nodeId, 99, clock.now()), true);
});

test('refused: removals by a client-mode member, forged ones, removing oneself, and issuing while not running', () => {
  const authority = new SimAuthority(new SeededRandom(3));
  const [a, b, c] = [authority.createIdentity(), authority.createIdentity(), authority.createIdentity()];
  const clock = new ManualClock(1_000_000);
  const server = removals(a, clock);
  assert.throws(() => server.held.issue(a.nodeId, false), { code: 'ERR_MEMBERSHIP_STATE' });
  const client = removals(c, clock, 'client');
  assert.throws(() => client.held.issue(b.nodeId, false), { code: 'ERR_MEMBERSHIP_STATE' });

  // A removal in a's name signed by c does not verify.
  const genuine = removals(a, clock).held.issue(b.nodeId, false);
  const forged = { ...genuine, issuedAtMs: genuine.issuedAtMs + 1, signature: c.authenticator.signStatement(Buffer.from([1])) };
  const victim = removals(b, clock);
  assert.equal(victim.held.apply(forged, true), false);

  server.state.life = 'stopped';
  assert.throws(() => server.held.issue(b.nodeId, false), { code: 'ERR_MEMBERSHIP_STATE' });
});
