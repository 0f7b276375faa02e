import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StartedParts, type Startable } from '../../src/node/startable';

/** A fake part that records its calls in `log`; `fail` says which of its steps throw. */
function part(name: string, log: string[], fail: { start?: boolean; stop?: boolean } = {}): Startable & { timers: number } {
  const p = {
    name,
    timers: 0,
    async start() {
      log.push(`start ${name}`);
      p.timers++;
      await Promise.resolve();
      if (fail.start) throw new Error(`${name} cannot start`);
    },
    stop() {
      log.push(`stop ${name}`);
      p.timers = 0;
      if (fail.stop) throw new Error(`${name} cannot stop`);
    },
  };
  return p;
}

test('parts stop in the reverse order of their start; beforeStop of every part runs first; stop is idempotent', async () => {
  const log: string[] = [];
  const parts = new StartedParts((name, error) => assert.fail(`${name}: ${(error as Error).message}`));
  await parts.start(part('a', log));
  await parts.start({ ...part('b', log), beforeStop: () => void log.push('beforeStop b') });
  await parts.start(part('c', log));
  await Promise.all([parts.stop(), parts.stop()]);
  await parts.stop();
  assert.deepEqual(log, ['start a', 'start b', 'start c', 'beforeStop b', 'stop c', 'stop b', 'stop a']);
  await assert.rejects(parts.start(part('d', log)), /stopping/);
});

test('a part whose start throws: it and every part started before it stop, in reverse order, and nothing is left running', async () => {
  const log: string[] = [];
  const parts = new StartedParts((name, error) => assert.fail(`${name}: ${(error as Error).message}`));
  const a = part('a', log);
  const b = part('b', log);
  const c = part('c', log, { start: true });
  const d = part('d', log);
  await parts.start(a);
  await parts.start(b);
  await assert.rejects(parts.start(c), /c cannot start/);
  assert.deepEqual(log, ['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  assert.deepEqual([a, b, c, d].map((p) => p.timers), [0, 0, 0, 0]);
  await assert.rejects(parts.start(d), /stopping/, 'no part starts after a failed start');
  assert.equal(d.timers, 0);
});

test('a part whose stop throws is reported, and the parts before it still stop', async () => {
  const log: string[] = [];
  const failures: string[] = [];
  const parts = new StartedParts((name, error) => failures.push(`${name}: ${(error as Error).message}`));
  await parts.start(part('a', log));
  await parts.start(part('b', log, { stop: true }));
  await parts.stop();
  assert.deepEqual(log, ['start a', 'start b', 'stop b', 'stop a']);
  assert.deepEqual(failures, ['b: b cannot stop']);
});
