import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Membership } from '../../src/membership/membership';
import type { NodeRecord } from '../../src/membership/node-record';
import { EMPTY_RESPONSE, type ExchangeRequest, type GossipTarget, type Transport } from '../../src/membership/transport';
import { ManualClock } from '../../src/testing/manual-clock';
import { SeededRandom } from '../../src/testing/seeded-random';
import { SimAuthority, type SimIdentity } from '../../src/testing/sim-authenticator';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Advances in steps well inside a probe timeout, letting calls answer at each step (else they look like our own stall). */
async function tick(clock: ManualClock, ms: number): Promise<void> {
  for (let done = 0; done < ms; done += 50) {
    clock.advance(Math.min(50, ms - done));
    await flush();
  }
}

/**
 * An observer and three peers: `down` answers nothing (exchanges, pings, relayed pings all
 * fail); the two others answer pings and relay. No peer sends the observer heartbeats, so the
 * observer monitors none of them: only its failed exchanges can make it check `down`.
 */
function harness() {
  const authority = new SimAuthority(new SeededRandom(5));
  const clock = new ManualClock(1_000_000);
  const ids = [0, 1, 2, 3].map(() => authority.createIdentity());
  const down = ids[1]!;
  const requests: { to: string; request: ExchangeRequest }[] = [];
  const up = (t: GossipTarget): boolean => t.nodeId !== down.nodeId;
  const transport: Transport = {
    exchange: (target, request) => {
      requests.push({ to: target.nodeId, request });
      return up(target) ? Promise.resolve(EMPTY_RESPONSE) : Promise.reject(new Error('offline'));
    },
    ping: (target, request) => (up(target) ? Promise.resolve({ nonce: request.nonce, nodeId: target.nodeId, heartbeat: 1 }) : Promise.reject(new Error('offline'))),
    pingVia: (_relay, request) => Promise.resolve({ reachable: up(request.target), nonce: request.nonce, heartbeat: 0 }),
  };
  const init = (id: SimIdentity) => ({ nodeId: id.nodeId, cluster: 'c', mode: 'server' as const, addresses: ['10.0.0.1'], registerPort: 1, gossipPort: 2, caCertPem: id.caCertPem, leaf: { fingerprint: 'sha256:00', notAfterMs: 0 } });
  const observer = new Membership({ clock, random: new SeededRandom(1), transport, authenticator: ids[0]!.authenticator }, init(ids[0]!), { intervalMs: 1000 });
  const record = (id: SimIdentity): NodeRecord => new Membership({ clock, random: new SeededRandom(2), transport, authenticator: id.authenticator }, init(id), {}).localRecord();
  for (const id of ids.slice(1)) observer.admit(record(id));
  return { clock, observer, down, requests, other: ids[2]! };
}

test('one failed exchange does not make a suspect; still failing a heartbeat limit later, with nothing heard meanwhile, does', async () => {
  const h = harness();
  h.observer.start();
  await tick(h.clock, 1000);
  const firstFailure = h.requests.findIndex((r) => r.to === h.down.nodeId);
  assert.ok(firstFailure >= 0, 'the observer tried an exchange with the unreachable peer in its first interval');
  // A pause shorter than the heartbeat limit (10 intervals before any heartbeat was timed) costs nothing.
  await tick(h.clock, 8000);
  assert.equal(h.observer.stateOf(h.down.nodeId), 'alive', 'failed exchanges within the limit are not a suspicion');
  await tick(h.clock, 4000);
  assert.equal(h.observer.stateOf(h.down.nodeId), 'suspect', 'unreachable for longer than the limit: suspected');
  h.observer.stop();
});

test('a peer that fails our exchanges but calls us meanwhile is not suspected: we heard from it', async () => {
  const h = harness();
  h.observer.start();
  for (let i = 0; i < 30; i++) {
    await tick(h.clock, 1000);
    // It cannot be reached (a node slow to read), but its own calls arrive: it is alive.
    if (i % 3 === 0) await h.observer.handleExchange(h.down.nodeId, { senderBeat: { nodeId: h.down.nodeId, version: h.observer.member(h.down.nodeId)!.version, heartbeat: i, signature: new Uint8Array(0) }, records: [], digests: [], heartbeats: [], claims: [], digestsComplete: false, followUp: false, rumourDigests: [] });
  }
  assert.ok(h.requests.filter((r) => r.to === h.down.nodeId).length >= 5, 'the observer kept failing exchanges with it');
  assert.equal(h.observer.stateOf(h.down.nodeId), 'alive');
  h.observer.stop();
});

test('an accuser tells the suspect directly every interval, and asks every callee for a newer version of each suspect', async () => {
  const h = harness();
  h.observer.start();
  await tick(h.clock, 13_000);
  assert.equal(h.observer.stateOf(h.down.nodeId), 'suspect');
  h.requests.length = 0;
  for (let i = 0; i < 3; i++) {
    const before = h.requests.length;
    await tick(h.clock, 1000);
    const toSuspect = h.requests.slice(before).filter((r) => r.to === h.down.nodeId);
    assert.ok(
      toSuspect.some((r) => r.request.digests.some((d) => d.nodeId === h.down.nodeId && d.state === 'suspect')),
      `interval ${i}: the suspect is sent its own digest as suspect (it refutes on reading it)`,
    );
  }
  const toOthers = h.requests.filter((r) => r.to !== h.down.nodeId && !r.request.followUp);
  assert.ok(toOthers.length > 0);
  assert.ok(
    toOthers.every((r) => r.request.digests.some((d) => d.nodeId === h.down.nodeId && d.state === 'suspect')),
    'every ordinary exchange lists the suspect, so a callee holding its refutation answers with it',
  );
  h.observer.stop();
});
