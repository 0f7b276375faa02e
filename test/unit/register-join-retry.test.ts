import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelayMs, retryWhileBusy } from '../../src/register/join-retry';
import { ManualClock } from '../../src/testing/manual-clock';
import { SeededRandom } from '../../src/testing/seeded-random';

class Busy extends Error {}

/** Lets the retry loop reach its next timer (it awaits the attempt's promise first). */
const settle = () => new Promise((r) => setImmediate(r));

test('backoff: each pause lies in [ceiling/2, ceiling], the ceiling doubling from 500 ms to the 8 s cap', () => {
  const random = new SeededRandom(11);
  for (let round = 0; round < 10; round++) {
    const ceiling = Math.min(8_000, 500 * 2 ** round);
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelayMs(round, random);
      assert.ok(delay >= ceiling / 2 && delay <= ceiling, `round ${round}: ${delay} outside [${ceiling / 2}, ${ceiling}]`);
    }
  }
});

test('retries a busy answer after a jittered pause, and succeeds once the node has room', async () => {
  const clock = new ManualClock(0);
  const attempts: number[] = [];
  const result = retryWhileBusy(
    async (round) => {
      attempts.push(clock.now());
      if (round < 3) throw new Busy();
      return 'welcome';
    },
    (e) => e instanceof Busy,
    { clock, random: new SeededRandom(1), withinMs: 60_000 },
  );
  for (let i = 0; i < 3; i++) {
    await settle();
    clock.advance(clock.nextTimerAt()! - clock.now());
  }
  assert.equal(await result, 'welcome');
  assert.equal(attempts.length, 4);
  const pauses = attempts.slice(1).map((t, i) => t - attempts[i]!);
  assert.ok(pauses.every((p, i) => p >= 250 * 2 ** i), `pauses grow: ${pauses.join(', ')}`);
});

test('gives up with the last error once the total time would be exceeded; other errors are not retried', async () => {
  const clock = new ManualClock(0);
  let tries = 0;
  const failing = retryWhileBusy(
    async () => {
      tries += 1;
      throw new Busy(`busy ${tries}`);
    },
    (e) => e instanceof Busy,
    { clock, random: new SeededRandom(2), withinMs: 5_000 },
  );
  const outcome = failing.then(
    () => assert.fail('must give up'),
    (e: Error) => e,
  );
  for (let i = 0; i < 20; i++) {
    await settle();
    const next = clock.nextTimerAt();
    if (next === undefined) break;
    clock.advanceTo(next);
  }
  const error = await outcome;
  assert.ok(error instanceof Busy);
  assert.ok(clock.now() <= 5_000, `no retry started after 5 s (now ${clock.now()})`);
  assert.ok(tries >= 3, `it did retry (${tries} tries)`);

  let other = 0;
  await assert.rejects(
    retryWhileBusy(async () => {
      other += 1;
      throw new Error('refused for good');
    }, (e) => e instanceof Busy, { clock, random: new SeededRandom(3), withinMs: 60_000 }),
    /refused for good/,
  );
  assert.equal(other, 1);
});
