import assert from 'node:assert/strict';
import type { SignedMessage, UnsignedMessage } from '../../src/channel/message';
import { messageKey } from '../../src/testing/sim-channel-cluster';
import { channelSimTest, total } from './channel-sim-helpers';

/*
 * Relays cannot forge or alter messages: a member that pushes messages claiming another origin,
 * or genuine messages with altered contents, has them dropped (and counted) by every receiver,
 * never delivered and never relayed; the genuine messages are delivered exactly once.
 */

const N = 1000;
const TARGETS = 200;

channelSimTest('1,000 nodes: forged and altered messages are dropped and counted, and the genuine ones delivered exactly once', 504, {}, async (c) => {
  c.addNodes(N);
  c.start();
  await c.runIntervals(1);
  const [victim, attacker] = [c.nodes[1]!, c.nodes[2]!];
  const genuineData = new Map<string, string>();
  const seenData: string[][] = c.nodes.map(() => []);
  c.nodes.forEach((n, i) => n.channel.subscribe('kv', (m) => m.origin === victim.id && seenData[i]!.push(`${m.seq}:${Buffer.from(m.data).toString()}`)));

  // Altered: the victim's genuine seq 1 (its real signature), with other data. Forged: seqs 2 and
  // 3 "from the victim" signed by the attacker; seq 4 with no real signature at all.
  const genuine: UnsignedMessage = { origin: victim.id, epoch: 1, seq: 1, topic: 'kv/put', data: Buffer.from('pay alice 10'), publishedAtMs: c.scheduler.now() };
  const signature = c.authority.messageAuthenticatorFor(victim.id).sign(genuine) as Uint8Array;
  const altered: SignedMessage = { ...genuine, data: Buffer.from('pay mallory 1000'), signature };
  const forged = [2, 3].map((seq): SignedMessage => {
    const u = { ...genuine, seq, data: Buffer.from(`forged ${seq}`) };
    return { ...u, signature: c.authority.messageAuthenticatorFor(attacker.id).sign(u) as Uint8Array };
  });
  const garbage: SignedMessage = { ...genuine, seq: 4, data: Buffer.from('garbage'), signature: new Uint8Array(16).fill(9) };
  const bad = [altered, ...forged, garbage];

  const targets = c.nodes.slice(3, 3 + TARGETS);
  const answers = await Promise.all([
    ...targets.map((t) => attacker.endpoint.channel.push(t.target, { messages: bad }, { timeoutMs: 1000 })),
    c.run(100),
  ]);
  for (const a of answers.slice(0, TARGETS)) assert.equal((a as { accepted: number }).accepted, 0);
  // Dropped where they were pushed, and not relayed any further.
  assert.equal(total(c.nodes, 'droppedForged'), TARGETS * bad.length);
  await c.runIntervals(3);
  assert.equal(total(c.nodes, 'droppedForged'), TARGETS * bad.length);
  for (const seen of seenData) assert.deepEqual(seen, []);

  // The victim now publishes for real: seqs 1–4 are not shadowed by the forgeries.
  for (let seq = 1; seq <= 4; seq++) {
    const m = await victim.channel.publish('kv/put', Buffer.from(`genuine ${seq}`));
    genuineData.set(messageKey(m), `${m.seq}:genuine ${seq}`);
  }
  const keys = [...genuineData.keys()];
  const rounds = await c.runUntil(() => c.countComplete(keys) === N, 20);
  assert.ok(rounds > 0, `only ${c.countComplete(keys)} of ${N} nodes got all genuine messages`);
  assert.deepEqual(c.deliveryProblems(keys), []);
  const expected = [...genuineData.values()];
  for (const seen of seenData) assert.deepEqual(seen.sort(), expected);
  assert.equal(total(c.nodes, 'droppedForged'), TARGETS * bad.length, 'relays forged nothing of their own');
});

channelSimTest('a replayed message (a real one, pushed again) is a duplicate, not a delivery', 505, {}, async (c) => {
  c.addNodes(20);
  c.start();
  const [a, b, d] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0], (typeof c.nodes)[0]];
  let copy: SignedMessage | undefined;
  const m = await a.channel.publish('kv/put', Buffer.from('once'));
  await c.runIntervals(2);
  assert.deepEqual(c.deliveryProblems([messageKey(m)]), []);
  // Take the retained copy from a pull answer, then replay it.
  const pulled = await Promise.all([b.endpoint.channel.pull(d.target, { origins: [], complete: true }, { timeoutMs: 500 }), c.run(50)]);
  copy = pulled[0].messages.find((x) => x.origin === a.id);
  assert.ok(copy);
  const before = total(c.nodes, 'duplicates');
  await Promise.all([b.endpoint.channel.push(d.target, { messages: [copy] }, { timeoutMs: 500 }), c.run(50)]);
  assert.equal(total(c.nodes, 'duplicates'), before + 1);
  assert.deepEqual(c.deliveryProblems([messageKey(m)]), []);
});
