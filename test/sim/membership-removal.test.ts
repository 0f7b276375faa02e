import assert from 'node:assert/strict';
import { retransmitLimit } from '../../src/membership/rumour-queue';
import { removalSigningBytes, type Removal } from '../../src/membership/removal';
import type { SimCluster, SimNode } from '../../src/testing/sim-cluster';
import { targetOf } from '../../src/membership/transport';
import { simTest } from './sim-helpers';

/** Every live node but `except` holds the removal of `id` and does not list it. */
function removedEverywhere(c: SimCluster, id: string, except: readonly string[] = []): boolean {
  return c.live().every((n) => n.id === id || except.includes(n.id) || (n.membership.removalOf(id) !== undefined && n.membership.stateOf(id) === undefined));
}

function forge(c: SimCluster, signer: SimNode, as: SimNode, nodeId: string, issuedAtMs: number): Removal {
  const unsigned = { nodeId, remover: as.membership.localRecord(), issuedAtMs, reinstated: false };
  return { ...unsigned, signature: c.authority.authenticatorFor(signer.id).signStatement(removalSigningBytes(unsigned)) };
}

simTest('a removal reaches every member within the rumour budget; the removed node cannot come back through stale gossip', 6001, { latencyMs: [1, 10] }, async (c) => {
  for (let i = 0; i < 200; i++) c.addNode();
  c.bootstrap();
  await c.runIntervals(10);
  const [remover, victim, sleeper] = [c.nodes[0]!, c.nodes[1]!, c.nodes[2]!];
  const staleVictim = victim.membership.localRecord();

  // One member sleeps through the whole removal (SIGSTOP): it still lists the victim when it wakes.
  c.network.pause(sleeper.id);
  const removal = remover.membership.remove(victim.id);
  assert.equal(remover.membership.stateOf(victim.id), undefined);
  const rounds = await c.runUntil(() => removedEverywhere(c, victim.id, [sleeper.id]), 40);
  // The rumour budget: every holder sends it λ·⌈log10(N+1)⌉ times; with ~6 messages per interval
  // that is a handful of intervals, and dissemination takes about log7(N) of them.
  const budget = retransmitLimit(remover.membership.options.retransmitMult, 200);
  assert.ok(rounds > 0 && rounds <= budget, `the removal took ${rounds} intervals to reach everyone (budget ${budget})`);

  // The removed node keeps running and gossiping its (ever newer) record: every call it makes is
  // refused, and nobody takes it back.
  const failedBefore = victim.membership.stats().exchangesFailed;
  victim.membership.updateLocal({ addresses: ['10.99.0.1'] });
  await c.runIntervals(20);
  assert.ok(victim.membership.stats().exchangesFailed > failedBefore, 'its exchanges are refused');

  // The sleeper wakes with the victim in its table and offers it to others; they refuse it and
  // teach it the removal.
  assert.ok(sleeper.membership.stateOf(victim.id) !== undefined);
  c.network.resume(sleeper.id);
  const learnt = await c.runUntil(() => sleeper.membership.removalOf(victim.id) !== undefined, 60);
  assert.ok(learnt > 0, 'the sleeper learnt the removal by anti-entropy');
  assert.equal(sleeper.membership.stateOf(victim.id), undefined);

  // Stale records pushed straight at members: refused whatever their version.
  for (const n of c.nodes.slice(3, 10)) assert.equal(n.membership.admit(staleVictim), 'tombstoned');
  await c.runIntervals(30);
  for (const n of c.live()) if (n.id !== victim.id) assert.equal(n.membership.stateOf(victim.id), undefined, `${n.id} took the removed node back`);
  assert.deepEqual(c.nodes[50]!.membership.removalOf(victim.id), removal);
});

simTest('a removal is refused with no state change unless a server-mode member of the cluster signed it', 6002, { latencyMs: [1, 5] }, async (c) => {
  for (let i = 0; i < 20; i++) c.addNode();
  const client = c.addNode({ mode: 'client' });
  c.bootstrap();
  await c.runIntervals(10);
  const [a, b, target, observer] = [c.nodes[0]!, c.nodes[1]!, c.nodes[2]!, c.nodes[3]!];
  const now = c.scheduler.now();
  const attempts: Removal[] = [
    // Signed by b's key but claiming to come from a: the signature does not verify.
    forge(c, b, a, target.id, now),
    // A client-mode member's own, correctly signed order.
    forge(c, client, client, target.id, now),
    // A tampered one: a's genuine signature over another target.
    { ...forge(c, a, a, target.id, now), nodeId: observer.id },
  ];
  // Client mode cannot issue one through the API either.
  assert.throws(() => client.membership.remove(target.id), { code: 'ERR_MEMBERSHIP_STATE' });
  assert.throws(() => a.membership.remove(a.id), { code: 'ERR_MEMBERSHIP_STATE' });
  for (const r of attempts) {
    const request = { sender: b.membership.localRecord(), records: [], digests: [], heartbeats: [], claims: [], digestsComplete: false, followUp: false, rumourDigests: [], removals: [r] };
    const sent = b.endpoint.transport.exchange(targetOf(observer.membership.localRecord()), request, { timeoutMs: 1000 }).then(() => true, () => false);
    await c.run(1000);
    assert.equal(await sent, true, 'the exchange itself is answered');
  }
  await c.runIntervals(10);
  for (const n of c.live()) {
    assert.equal(n.membership.removalOf(target.id), undefined, `${n.id} applied a forged removal`);
    assert.equal(n.membership.removalOf(observer.id), undefined);
    if (n.id !== target.id) assert.equal(n.membership.stateOf(target.id), 'alive');
  }

  // A removed member's own removals are refused: b is removed, then its order against a is not taken.
  a.membership.remove(b.id);
  await c.runUntil(() => removedEverywhere(c, b.id), 20);
  const late = forge(c, b, b, a.id, c.scheduler.now());
  assert.equal(observer.membership.removalOf(b.id)?.remover.nodeId, a.id);
  observer.membership.restoreRemovals([{ removal: late, untilMs: c.scheduler.now() + 60_000 }]);
  assert.equal(observer.membership.removalOf(a.id), undefined, 'a removed member removed another');
  assert.equal(observer.membership.stateOf(a.id), 'alive');
});

simTest('a reinstatement (a newer ticket) lifts a removal everywhere; the later statement wins', 6003, { latencyMs: [1, 5] }, async (c) => {
  for (let i = 0; i < 50; i++) c.addNode();
  c.bootstrap();
  await c.runIntervals(10);
  const [a, b, victim] = [c.nodes[0]!, c.nodes[1]!, c.nodes[2]!];
  const removal = a.membership.remove(victim.id);
  await c.runUntil(() => removedEverywhere(c, victim.id), 20);
  const reinstatement = b.membership.reinstate(victim.id)!;
  assert.ok(reinstatement.issuedAtMs > removal.issuedAtMs && reinstatement.reinstated);
  assert.equal(b.membership.reinstate(c.nodes[3]!.id), undefined, 'nothing to lift');
  await c.runUntil(() => c.live().every((n) => n.membership.removalOf(victim.id) === undefined), 20);
  // The old removal replayed changes nothing; the victim's newer record is taken again.
  c.nodes[10]!.membership.restoreRemovals([{ removal, untilMs: c.scheduler.now() + 60_000 }]);
  assert.equal(c.nodes[10]!.membership.removalOf(victim.id), undefined);
  victim.membership.updateLocal({ tags: [{ key: 'back', value: '1' }] });
  const back = await c.runUntil(() => c.live().every((n) => n.id === victim.id || n.membership.stateOf(victim.id) === 'alive'), 60);
  assert.ok(back > 0, 'the reinstated node is a member again everywhere');
});
