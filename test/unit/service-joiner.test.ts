import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../src/log/logger';
import { anotherNodeAnswered, ServiceJoiner, type ServiceJoinOutcome } from '../../src/node/service-joiner';
import { ManualClock } from '../../src/testing/manual-clock';
import { SeededRandom } from '../../src/testing/seeded-random';

/** A joiner whose attempts answer from `script` (per address, in order; the last repeats). */
function joiner(script: Record<string, ServiceJoinOutcome[]>, options: Partial<ConstructorParameters<typeof ServiceJoiner>[1]> = {}) {
  const clock = new ManualClock(0);
  const calls: Array<{ address: string; at: number }> = [];
  const seen = new Map<string, number>();
  const j = new ServiceJoiner(
    {
      clock,
      random: new SeededRandom(7),
      log: silentLogger(),
      services: () => Object.keys(script),
      attempt: async (address) => {
        calls.push({ address, at: clock.now() });
        const i = seen.get(address) ?? 0;
        seen.set(address, i + 1);
        const answers = script[address]!;
        return answers[Math.min(i, answers.length - 1)]!;
      },
    },
    { intervalMs: 10_000, jitter: 0.2, attemptsPerService: 3, maxServicesPerRound: 4, ...options },
  );
  return { j, clock, calls };
}

const unreachable: ServiceJoinOutcome = { kind: 'failed', answered: false, code: 'ERR_JOIN_UNREACHABLE', message: 'connection refused' };
const refused: ServiceJoinOutcome = { kind: 'failed', answered: true, code: 'ERR_TOKEN_UNKNOWN', message: 'unknown token' };

test('a service that routes the node to itself is tried again on a new connection, up to attemptsPerService', async () => {
  const { j, calls } = joiner({ 'svc:7400': [{ kind: 'self' }, { kind: 'self' }, { kind: 'joined', nodeId: 'b' }] });
  const round = await j.round();
  assert.equal(calls.length, 3);
  assert.deepEqual(round.outcomes, [{ address: 'svc:7400', outcome: { kind: 'joined', nodeId: 'b' } }]);
  assert.equal(anotherNodeAnswered(round), true);
});

test('only ourselves or nothing behind every service: no other node answered (the first node may start)', async () => {
  const { j, calls } = joiner({ 'a:1': [{ kind: 'self' }], 'b:2': [unreachable] });
  const round = await j.round();
  assert.equal(calls.length, 6, 'three attempts at each address');
  assert.equal(anotherNodeAnswered(round), false);
});

test('a refusal or a member exchange ends the attempts at that address; a refusal counts as an answer', async () => {
  const { j, calls } = joiner({ 'a:1': [refused, { kind: 'joined', nodeId: 'x' }], 'b:2': [{ kind: 'exchanged', nodeId: 'm' }] });
  const round = await j.round();
  assert.equal(calls.length, 2);
  assert.equal(anotherNodeAnswered(round), true);
  assert.equal(anotherNodeAnswered({ outcomes: [{ address: 'a:1', outcome: { kind: 'skipped', nodeId: 'n', reason: 'no token' } }] }), true);
});

test('rounds repeat every interval ± jitter, never in step and never outside the bounds; stop ends them', async () => {
  const { j, clock, calls } = joiner({ 'svc:7400': [{ kind: 'exchanged', nodeId: 'm' }] });
  j.start();
  for (let i = 0; i < 40; i++) {
    clock.advance(1_000);
    await new Promise((r) => setImmediate(r));
  }
  const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
  assert.ok(calls.length >= 3 && calls.length <= 5, `${calls.length} rounds in 40 s at 10 s ± 20 %`);
  assert.ok(calls[0]!.at >= 8_000 && calls[0]!.at <= 12_000, `first round at ${calls[0]!.at}`);
  for (const gap of gaps) assert.ok(gap >= 8_000 && gap <= 13_000, `gap ${gap} ms`);
  const delays = Array.from({ length: 200 }, () => j.nextDelayMs());
  assert.ok(Math.min(...delays) >= 8_000 && Math.max(...delays) <= 12_000);
  assert.ok(new Set(delays).size > 100, 'jittered');
  j.stop();
  const before = calls.length;
  clock.advance(60_000);
  await new Promise((r) => setImmediate(r));
  assert.equal(calls.length, before);
  assert.equal(clock.pendingTimers(), 0);
});

test('a round in progress is shared (the start-up round and a periodic one never overlap)', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let attempts = 0;
  const j = new ServiceJoiner(
    {
      clock: new ManualClock(0),
      random: new SeededRandom(1),
      log: silentLogger(),
      services: () => ['svc:1'],
      attempt: async () => {
        attempts++;
        await gate;
        return { kind: 'exchanged', nodeId: 'm' };
      },
    },
    { intervalMs: 1000, jitter: 0, attemptsPerService: 3, maxServicesPerRound: 4 },
  );
  const first = j.round();
  const second = j.round();
  release();
  assert.strictEqual(await first, await second);
  assert.equal(attempts, 1);
});

test('at most maxServicesPerRound distinct addresses per round (members publish what we dial)', async () => {
  const script = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`s${i}:1`, [{ kind: 'exchanged', nodeId: 'm' } as ServiceJoinOutcome]]));
  const { j, calls } = joiner(script);
  await j.round();
  assert.equal(calls.length, 4);
});
