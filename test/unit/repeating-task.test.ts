import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/testing/manual-clock';
import { repeatingTask } from '../../src/util/repeating-task';

/** Lets the promise callbacks of a settled run (and its re-arm) happen. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

test('a repeating task runs once per delay after start, and stop ends it (no timer left)', async () => {
  const clock = new ManualClock(0);
  const runs: number[] = [];
  const task = repeatingTask(clock, () => void runs.push(clock.now()), 100, { onError: (error) => assert.fail(error as Error) });
  clock.advance(500);
  assert.deepEqual(runs, [], 'nothing before start');
  task.start();
  task.start();
  for (let i = 0; i < 3; i++) {
    clock.advance(100);
    await settle();
  }
  assert.deepEqual(runs, [600, 700, 800], 'one timer, not two: a second start does nothing');
  task.stop();
  task.stop();
  assert.equal(task.running, false);
  assert.equal(clock.pendingTimers(), 0);
  clock.advance(1000);
  await settle();
  assert.equal(runs.length, 3);
});

test('the next wait starts when a slow run settles: runs never overlap', async () => {
  const clock = new ManualClock(0);
  let release: () => void = () => undefined;
  let inFlight = 0;
  let most = 0;
  const task = repeatingTask(
    clock,
    async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => (release = resolve));
      inFlight--;
    },
    10,
    { onError: (error) => assert.fail(error as Error) },
  );
  task.start();
  clock.advance(10);
  assert.equal(inFlight, 1);
  clock.advance(100);
  assert.equal(clock.pendingTimers(), 0, 'not re-armed while the run is in progress');
  release();
  await settle();
  assert.equal(clock.pendingTimers(), 1);
  clock.advance(10);
  release();
  await settle();
  assert.equal(most, 1);
  task.stop();
});

test('a run that throws or rejects is reported and the schedule goes on; the delay function is asked before each wait', async () => {
  const clock = new ManualClock(0);
  const errors: string[] = [];
  const delays = [5, 20, 50];
  let n = 0;
  const at: number[] = [];
  const task = repeatingTask(
    clock,
    () => {
      at.push(clock.now());
      n++;
      if (n === 1) throw new Error('sync');
      if (n === 2) return Promise.reject(new Error('async'));
      return undefined;
    },
    () => delays.shift() ?? 1000,
    { onError: (error) => errors.push((error as Error).message) },
  );
  task.start();
  for (const step of [5, 20, 50]) {
    clock.advance(step);
    await settle();
  }
  assert.deepEqual(errors, ['sync', 'async']);
  assert.deepEqual(at, [5, 25, 75]);
  task.stop();
});

test('stop during a run, then start: one schedule, not two', async () => {
  const clock = new ManualClock(0);
  let release: () => void = () => undefined;
  const task = repeatingTask(clock, () => new Promise<void>((resolve) => (release = resolve)), 10, { onError: (error) => assert.fail(error as Error) });
  task.start();
  clock.advance(10);
  task.stop();
  task.start();
  release();
  await settle();
  assert.equal(clock.pendingTimers(), 1);
  task.stop();
  assert.equal(clock.pendingTimers(), 0);
});
