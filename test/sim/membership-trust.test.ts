import { RemoteCallError } from '../../src/transport/call-errors';
import assert from 'node:assert/strict';
import { recordSigningBytes, type NodeRecord } from '../../src/membership/node-record';
import type { ExchangeRequest } from '../../src/membership/transport';
import { targetOf } from '../../src/membership/transport';
import type { SimCluster, SimNode } from '../../src/testing/sim-cluster';
import { simTest } from './sim-helpers';

function push(c: SimCluster, from: SimNode, to: SimNode, records: NodeRecord[], extra: Partial<ExchangeRequest> = {}) {
  const request: ExchangeRequest = {
    sender: from.membership.localRecord(),
    records,
    digests: [],
    heartbeats: [],
    claims: [],
    digestsComplete: false,
    followUp: false,
    rumourDigests: [],
    ...extra,
  };
  return from.endpoint.transport.exchange(targetOf(to.membership.localRecord()), request, { timeoutMs: 1000 });
}

async function settle<T>(c: SimCluster, p: Promise<T>): Promise<T> {
  const out = p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
  await c.run(2000);
  const r = await out;
  if (!r.ok) throw r.error;
  return r.value;
}

simTest('a record for X can only come from X: forged, tampered, replayed and out-of-order records are ignored', 3001, { latencyMs: [1, 5] }, async (c) => {
  for (let i = 0; i < 20; i++) c.addNode();
  c.bootstrap();
  await c.runIntervals(10);
  const [x, attacker, victim] = [c.nodes[1]!, c.nodes[2]!, c.nodes[3]!];
  const genuine = x.membership.localRecord();

  // Forged: the attacker signs a record in X's name (with X's CA, so the id matches it).
  const attackerAuth = c.authority.authenticatorFor(attacker.id);
  const forgedBody = { ...genuine, addresses: ['203.0.113.66'], version: genuine.version + 10 };
  const forged: NodeRecord = { ...forgedBody, signature: attackerAuth.signBody(forgedBody), heartbeatSignature: attackerAuth.signHeartbeat(x.id, forgedBody.version, forgedBody.heartbeat) };
  // The attacker's own CA with X's id: the id is not the CA's.
  const ownCa = { ...forged, caCertPem: attacker.membership.localRecord().caCertPem };
  // Tampered: X's genuine signatures over a changed body.
  const tampered: NodeRecord = { ...genuine, version: genuine.version + 1, addresses: ['203.0.113.67'] };
  assert.notDeepEqual(recordSigningBytes(tampered), recordSigningBytes(genuine));
  await settle(c, push(c, attacker, victim, [forged, ownCa, tampered]));
  const seen = c.recordAt(victim.id, x.id)!;
  assert.ok(!seen.addresses.includes('203.0.113.66') && !seen.addresses.includes('203.0.113.67'), 'a forged record was merged');
  assert.ok(seen.version < genuine.version + 1 || seen === genuine || seen.version === genuine.version);

  // Replayed / out of order: X moves to a newer version; its old record comes back later.
  const newer = x.membership.updateLocal({ addresses: ['10.9.9.9'] });
  await c.runUntil(() => c.recordAt(victim.id, x.id)?.version === newer.version, 20);
  assert.equal(c.recordAt(victim.id, x.id)?.version, newer.version);
  await settle(c, push(c, attacker, victim, [genuine]));
  assert.equal(c.recordAt(victim.id, x.id)?.version, newer.version, 'a replayed older record replaced a newer one');
  assert.deepEqual(c.recordAt(victim.id, x.id)?.addresses, ['10.9.9.9']);
  // An older heartbeat after a newer one changes nothing.
  const hbBefore = victim.membership.member(x.id)!.heartbeat;
  await settle(c, push(c, attacker, victim, [], { heartbeats: [{ nodeId: x.id, version: newer.version, heartbeat: 0, signature: newer.heartbeatSignature }] }));
  assert.ok(victim.membership.member(x.id)!.heartbeat >= hbBefore);
  // A forged heartbeat far ahead is refused too.
  await settle(c, push(c, attacker, victim, [], { heartbeats: [{ nodeId: x.id, version: newer.version, heartbeat: hbBefore + 1000, signature: attackerAuth.signHeartbeat(x.id, newer.version, hbBefore + 1000) }] }));
  assert.ok(victim.membership.member(x.id)!.heartbeat < hbBefore + 1000, 'a forged heartbeat was merged');

  // The attacker cannot speak as X either: the sender must be the authenticated caller.
  await assert.rejects(
    settle(c, push(c, attacker, victim, [], { sender: x.membership.localRecord() })),
    // As a gRPC caller reads it: the refusal's code from the trailer, on a RemoteCallError.
    (e: unknown) => e instanceof RemoteCallError && e.remoteCode === 'ERR_SENDER_MISMATCH',
  );
  // After all that gossip, nobody anywhere holds a forged record.
  await c.runIntervals(10);
  for (const n of c.nodes) {
    if (n.id === x.id) continue;
    const r = c.recordAt(n.id, x.id);
    assert.ok(r && !r.addresses.some((a) => a.startsWith('203.0.113.')), `${n.id} holds a forged record of X`);
  }
});

simTest('a graceful leave is seen at once; a tombstoned node is not resurrected by stale gossip', 3002, { latencyMs: [1, 10], membership: { leftRetentionMs: 10_000, deadRetentionMs: 40_000 } }, async (c) => {
  for (let i = 0; i < 50; i++) c.addNode();
  c.bootstrap();
  await c.runIntervals(10);
  const [leaver, crasher, attacker, observer] = [c.nodes[5]!, c.nodes[6]!, c.nodes[7]!, c.nodes[8]!];
  const staleLeaver = leaver.membership.localRecord();
  const staleCrasher = crasher.membership.localRecord();

  const leaving = leaver.membership.leave();
  const seen = await c.runUntil(() => c.countSeeing(leaver.id, ['left', undefined]) === 49, 10);
  await leaving;
  assert.ok(seen > 0 && seen <= 6, `a leave should reach everyone within a few intervals (took ${seen})`);
  c.network.crash(leaver.id);
  c.crash(crasher.id);

  // Left → removed after leftRetention; crashed → dead → removed after deadRetention. Both tombstoned.
  const removed = await c.runUntil(() => c.live().every((n) => n.membership.stateOf(leaver.id) === undefined && n.membership.stateOf(crasher.id) === undefined), 200);
  assert.ok(removed > 0, 'the left and the dead node should be removed everywhere');
  assert.ok(observer.membership.isTombstoned(leaver.id) && observer.membership.isTombstoned(crasher.id));

  // Stale gossip: the records from before the leave and the crash, pushed and admitted again.
  await settle(c, push(c, attacker, observer, [staleLeaver, staleCrasher]));
  assert.equal(observer.membership.admit(staleLeaver), 'tombstoned');
  assert.equal(observer.membership.admit(staleCrasher), 'tombstoned');
  await c.runIntervals(20);
  for (const n of c.live()) {
    assert.equal(n.membership.stateOf(leaver.id), undefined, `${n.id} resurrected the left node`);
    assert.equal(n.membership.stateOf(crasher.id), undefined, `${n.id} resurrected the dead node`);
  }
});

simTest('a leave reaches the peers that stay, though most of those it knows are gone', 3007, { latencyMs: [1, 10] }, async (c) => {
  for (let i = 0; i < 10; i++) c.addNode();
  c.bootstrap();
  await c.runIntervals(10);
  // Six peers crash just before L leaves (L still holds them alive): their pushes fail, and the
  // three peers that stay are told in their place.
  const [l, ...rest] = c.nodes;
  const stayers = rest.slice(6);
  for (const n of rest.slice(0, 6)) c.crash(n.id);
  assert.deepEqual(await settle(c, l!.membership.leave()), { told: 3, peers: 9 });
  for (const s of stayers) assert.equal(s.membership.stateOf(l!.id), 'left', `${s.id} was not told of the leave`);
});

simTest('when many leave at once, each leave reaches the peers that stay, not only other leavers', 3008, { latencyMs: [1, 10] }, async (c) => {
  for (let i = 0; i < 8; i++) c.addNode();
  c.bootstrap();
  await c.runIntervals(10);
  // A leaver that pushes to another leaver gets that one's left record back and does not count
  // it: it goes on until the three that stay have it.
  const leavers = c.nodes.slice(0, 5);
  const staying = c.nodes.slice(5);
  const outcomes = await settle(c, Promise.all(leavers.map((n) => n.membership.leave())));
  for (const outcome of outcomes) assert.deepEqual(outcome, { told: 3, peers: 7 });
  for (const s of staying) for (const n of leavers) assert.equal(s.membership.stateOf(n.id), 'left', `${s.id} holds ${n.id} as ${s.membership.stateOf(n.id)}, not left`);
});

simTest('a client-mode member calls members but is never called, never relays, and stays alive', 3003, { latencyMs: [1, 10] }, async (c) => {
  for (let i = 0; i < 30; i++) c.addNode();
  c.bootstrap();
  const client = c.addNode({ mode: 'client' });
  const joined = await settle(c, client.membership.join([c.nodes[0]!.membership.localRecord()]));
  assert.deepEqual(joined.joined, [c.nodes[0]!.id]);
  let maxQueued = 0;
  for (let i = 0; i < 60; i++) {
    await c.runIntervals(1);
    maxQueued = Math.max(maxQueued, client.membership.stats().rumoursQueued);
  }
  assert.equal(client.membership.stats().exchangesServed, 0);
  assert.ok(client.membership.stats().exchangesSent > 0);
  assert.ok(maxQueued <= 1, `a client relayed gossip (${maxQueued} rumours queued)`);
  assert.equal(client.membership.peerCount, 30);
  for (const n of c.nodes.slice(0, 30)) {
    assert.equal(n.membership.stateOf(client.id), 'alive', 'servers should see the client alive');
    assert.equal(n.membership.member(client.id)?.mode, 'client');
  }
});

simTest("a member's own record with tags over the bounds is refused (signed by its owner, still not kept)", 3011, { latencyMs: [1, 5] }, async (c) => {
  for (let i = 0; i < 4; i++) c.addNode();
  c.bootstrap();
  await c.runIntervals(10);
  const [x, victim] = [c.nodes[1]!, c.nodes[2]!];
  const genuine = x.membership.localRecord();
  const ownAuth = c.authority.authenticatorFor(x.id);
  const sign = (tags: NodeRecord['tags']): NodeRecord => {
    const body = { ...genuine, tags, version: genuine.version + 1 };
    return { ...body, signature: ownAuth.signBody(body), heartbeatSignature: ownAuth.signHeartbeat(x.id, body.version, body.heartbeat) };
  };
  const many = Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
  const long = [{ key: 'big', value: 'x'.repeat(4096) }];
  assert.equal(victim.membership.admit(sign(many)), 'invalid', '10,000 tags');
  assert.equal(victim.membership.admit(sign(long)), 'invalid', '4 KiB of tags');
  assert.equal(c.recordAt(victim.id, x.id)?.version, genuine.version);
  // Within the bounds the same owner-signed update is taken: the bound is what refused the others.
  assert.equal(victim.membership.admit(sign([{ key: 'zone', value: 'a' }])), 'updated');
});
