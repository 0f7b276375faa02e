import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventLoopLag } from '../../src/metrics/event-loop-lag';

function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Busy: the loop cannot run the sampler's timer meanwhile.
  }
}

test('EventLoopLag reports a block of the loop at least as long as most of it, once, then starts afresh', async () => {
  const lag = new EventLoopLag();
  assert.equal(lag.takeLagMs(), 0, 'not started: nothing measured');
  lag.start();
  lag.start();
  try {
    await sleep(60);
    lag.takeLagMs();
    block(400);
    // Let the sampler's timer fire once after the block: that sample is the block.
    await sleep(60);
    const seen = lag.takeLagMs();
    // The sampler's timer was due within 20 ms of the block's start and could not fire during it.
    assert.ok(seen >= 400 - 20 - 1, `a 400 ms block shows as ${seen} ms of lag`);
    assert.ok(lag.takeLagMs() < seen, 'reading resets the measure');
  } finally {
    lag.stop();
    lag.stop();
  }
  assert.equal(lag.takeLagMs(), 0, 'stopped: nothing measured');
});
