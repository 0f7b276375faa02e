import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Membership } from '../../src/membership/membership';
import { pickMonitors } from '../../src/membership/monitor-heartbeats';
import { idHash, newEntry, type PeerEntry } from '../../src/membership/peer-table';
import type { NodeRecord } from '../../src/membership/node-record';
import { EMPTY_RESPONSE, type PingRequest, type Transport } from '../../src/membership/transport';
import { ManualClock } from '../../src/testing/manual-clock';
import { SeededRandom } from '../../src/testing/seeded-random';
import { SimAuthority, type SimIdentity } from '../../src/testing/sim-authenticator';

function entry(nodeId: string, mode: 'server' | 'client' = 'server'): PeerEntry {
  return newEntry({ nodeId, mode, version: 1, heartbeat: 0 } as NodeRecord, 'alive', 0);
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Advances the manual clock in steps well inside a probe timeout, letting the calls answer at
 * each step: an answer seen only after a whole interval would look like a stall of our own loop
 * (local health), and a check that overlapped a stall proves nothing.
 */
async function tick(clock: ManualClock, ms: number): Promise<void> {
  for (let done = 0; done < ms; done += 50) {
    clock.advance(Math.min(50, ms - done));
    await flush();
  }
}

test('monitors are the K alive server peers that follow a node on the ring of id hashes; a newcomer moves at most one', () => {
  const peers = Array.from({ length: 40 }, (_, i) => entry(`peer-${i}`));
  const self = idHash('self');
  const ring = (es: PeerEntry[]): string[] => pickMonitors(self, es, 3).map((e) => e.record.nodeId);
  const expected = [...peers].sort((x, y) => ((idHash(x.record.nodeId) - self) >>> 0) - ((idHash(y.record.nodeId) - self) >>> 0)).slice(0, 3).map((e) => e.record.nodeId);
  assert.deepEqual(ring(peers), expected);

  // Not a suspect, not a client: neither answers as a monitor.
  peers.find((e) => e.record.nodeId === expected[0])!.state = 'suspect';
  const client = entry('client-x', 'client');
  client.ringHash = (self + 1) >>> 0;
  const without = ring([...peers, client]);
  assert.ok(!without.includes(expected[0]!) && !without.includes('client-x'), `${without}`);
  peers.find((e) => e.record.nodeId === expected[0])!.state = 'alive';

  for (let i = 0; i < 20; i++) {
    const moved = ring([...peers, entry(`newcomer-${i}`)]).filter((id) => !expected.includes(id));
    assert.ok(moved.length <= 1, `a newcomer replaced ${moved.length} monitors`);
  }
  assert.deepEqual(pickMonitors(self, peers, 0), []);
});

interface Harness {
  clock: ManualClock;
  observer: Membership;
  probes: string[];
  beats: { to: string; beat: NonNullable<PingRequest['beat']> }[];
  pingAnswers: Set<string>;
}

function harness(): Harness & { identity: (i: number) => SimIdentity; record: (id: SimIdentity) => NodeRecord } {
  const authority = new SimAuthority(new SeededRandom(3));
  const clock = new ManualClock(1_000_000);
  const identities = [0, 1, 2, 3].map(() => authority.createIdentity());
  const probes: string[] = [];
  const beats: Harness['beats'] = [];
  const pingAnswers = new Set<string>();
  const transport: Transport = {
    exchange: () => Promise.resolve(EMPTY_RESPONSE),
    ping: (target, request) => {
      if (request.beat) beats.push({ to: target.nodeId, beat: request.beat });
      else probes.push(target.nodeId);
      return pingAnswers.has(target.nodeId) ? Promise.resolve({ nonce: request.nonce, nodeId: target.nodeId, heartbeat: 1 }) : Promise.reject(new Error('offline'));
    },
    pingVia: (_relay, request) => Promise.resolve({ reachable: pingAnswers.has(request.target.nodeId), nonce: request.nonce, heartbeat: 0 }),
  };
  const init = (id: SimIdentity) => ({ nodeId: id.nodeId, cluster: 'c', mode: 'server' as const, addresses: ['10.0.0.1'], registerPort: 1, gossipPort: 2, caCertPem: id.caCertPem, leaf: { fingerprint: 'sha256:00', notAfterMs: 0 } });
  const observer = new Membership({ clock, random: new SeededRandom(1), transport, authenticator: identities[0]!.authenticator }, init(identities[0]!), { intervalMs: 1000 });
  const record = (id: SimIdentity): NodeRecord => new Membership({ clock, random: new SeededRandom(2), transport, authenticator: id.authenticator }, init(id), {}).localRecord();
  return { clock, observer, probes, beats, pingAnswers, identity: (i) => identities[i]!, record };
}

test('a node times out only the peers that send it their heartbeats; one found alive after its beats stopped is no longer watched', async () => {
  const h = harness();
  const [watched, silent, other] = [h.identity(1), h.identity(2), h.identity(3)];
  for (const id of [watched, silent, other]) h.observer.admit(h.record(id));
  h.observer.start();
  // `other` answers pings (it relays the indirect checks); `silent` never sends us a heartbeat.
  h.pingAnswers.add(other.nodeId);
  for (let beat = 1; beat <= 8; beat++) {
    const answer = h.observer.handlePing(watched.nodeId, { nonce: beat, beat: { version: 1, heartbeat: beat } });
    assert.equal(answer.wantRecord, undefined, 'we hold its record at that version');
    await tick(h.clock, 1000);
  }
  assert.equal(h.probes.length, 0, 'no peer is overdue while the watched one beats');
  const mine = h.beats.filter((b) => b.to === watched.nodeId).map((b) => b.beat.heartbeat);
  assert.ok(mine.length >= 7 && mine.every((x, i) => i === 0 || x > mine[i - 1]!), `the observer sends its own rising heartbeat to each of its monitors every interval: ${mine}`);

  // Its beats stop: it is probed, fails the direct and indirect checks, and is suspected. The silent peer never is.
  for (let i = 0; i < 8; i++) {
    await tick(h.clock, 1000);
  }
  assert.ok(h.probes.includes(watched.nodeId), 'the watched peer is probed once its heartbeats are overdue');
  assert.equal(h.observer.stateOf(watched.nodeId), 'suspect');
  assert.ok(!h.probes.includes(silent.nodeId), 'a peer that never sent us beats is not ours to time out');
  assert.equal(h.observer.stateOf(silent.nodeId), 'alive');
  h.observer.stop();
});

test('a watched peer that stops beating but answers the probe picked other monitors: it is not probed again until it beats to us again', async () => {
  const h = harness();
  const [moved, other] = [h.identity(1), h.identity(2)];
  for (const id of [moved, other]) h.observer.admit(h.record(id));
  h.observer.start();
  h.pingAnswers.add(moved.nodeId);
  for (let beat = 1; beat <= 6; beat++) {
    h.observer.handlePing(moved.nodeId, { nonce: beat, beat: { version: 1, heartbeat: beat } });
    await tick(h.clock, 1000);
  }
  for (let i = 0; i < 30; i++) {
    await tick(h.clock, 1000);
  }
  assert.equal(h.probes.filter((id) => id === moved.nodeId).length, 1, 'one probe, then no more');
  assert.equal(h.observer.stateOf(moved.nodeId), 'alive');
  h.observer.stop();
});

test('a heartbeat from a member whose record the monitor lacks (or holds at an older version) asks for an exchange', () => {
  const h = harness();
  const [known, stranger] = [h.identity(1), h.identity(2)];
  h.observer.admit(h.record(known));
  h.observer.start();
  assert.equal(h.observer.handlePing(stranger.nodeId, { nonce: 1, beat: { version: 1, heartbeat: 5 } }).wantRecord, true, 'unknown sender, room in the table');
  assert.equal(h.observer.handlePing(known.nodeId, { nonce: 2, beat: { version: 2, heartbeat: 5 } }).wantRecord, true, 'a newer version than ours');
  assert.equal(h.observer.handlePing(known.nodeId, { nonce: 3, beat: { version: 1, heartbeat: 6 } }).wantRecord, undefined, 'the version we hold');
  assert.equal(h.observer.member(known.nodeId)?.heartbeat, 6, 'its heartbeat counter advanced at the monitor');
  assert.equal(h.observer.handlePing(known.nodeId, { nonce: 4 }).wantRecord, undefined, 'a plain probe asks for nothing');
  h.observer.stop();
});
