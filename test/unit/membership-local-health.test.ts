import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalHealth, type LoopLagSource } from '../../src/membership/local-health';

const OPTS = { maxMultiplier: 8, lagUnitMs: 300 };

test('the score stays within [0, maxMultiplier − 1] and scales timeouts by score + 1', () => {
  const h = new LocalHealth(OPTS);
  assert.equal(h.score, 0);
  assert.ok(h.healthy);
  assert.equal(h.scale(300), 300);
  h.applyDelta(-3);
  assert.equal(h.score, 0, 'the score has a floor of 0');
  h.applyDelta(3);
  assert.equal(h.multiplier, 4);
  assert.equal(h.scale(300), 1200);
  assert.ok(!h.healthy);
  h.applyDelta(100);
  assert.equal(h.score, 7, 'the score is railed at maxMultiplier − 1');
  assert.equal(h.scale(1000), 8000);
});

test('a multiplier of 1 turns local health awareness off: no evidence moves the score', () => {
  const h = new LocalHealth({ maxMultiplier: 1, lagUnitMs: 300 });
  assert.ok(!h.enabled);
  h.interval(5000);
  h.probeFailed(3, 0);
  h.refuting();
  h.stalled(4000);
  assert.equal(h.score, 0);
  assert.equal(h.scale(300), 300);
  assert.ok(new LocalHealth(OPTS).enabled);
});

test('probe evidence follows memberlist: an answer lowers, each silent relay raises, a lone failure counts once', () => {
  const h = new LocalHealth(OPTS);
  h.probeFailed(3, 3);
  assert.equal(h.score, 0, 'every relay answered "unreachable": the peer is the problem, not us');
  h.probeFailed(3, 1);
  assert.equal(h.score, 2, 'two relays did not answer at all');
  h.probeFailed(0, 0);
  assert.equal(h.score, 3, 'no relay to ask: the failure counts once');
  h.probeAnswered();
  assert.equal(h.score, 2);
  h.refuting();
  h.suspicionRefuted();
  assert.equal(h.score, 4);
});

test('each interval, loop lag raises the score by one per lag unit, and an interval on time lowers it by one', () => {
  let lag = 0;
  const source: LoopLagSource = { takeLagMs: () => lag };
  const h = new LocalHealth(OPTS, source);
  h.interval(0);
  assert.equal(h.score, 0);
  lag = 950;
  h.interval(0);
  assert.equal(h.score, 3, 'the lag source saw 950 ms: three units of 300 ms');
  assert.equal(h.view().lagMs, 950);
  lag = 0;
  h.interval(650);
  assert.equal(h.score, 5, 'the interval timer itself fired 650 ms late');
  h.interval(100);
  h.interval(0);
  assert.equal(h.score, 3, 'lag below one unit is an interval on time');
  assert.deepEqual(h.view(), { score: 3, multiplier: 4, lagMs: 0 });
});

test('a late deadline between intervals raises the score and shows as lag', () => {
  const h = new LocalHealth(OPTS);
  h.stalled(200);
  assert.equal(h.score, 0, 'less than a unit late');
  h.stalled(2000);
  assert.equal(h.score, 6);
  assert.equal(h.view().lagMs, 2000);
});

test('options are checked', () => {
  assert.throws(() => new LocalHealth({ maxMultiplier: 0, lagUnitMs: 300 }), RangeError);
  assert.throws(() => new LocalHealth({ maxMultiplier: 2.5, lagUnitMs: 300 }), RangeError);
  assert.throws(() => new LocalHealth({ maxMultiplier: 8, lagUnitMs: 0 }), RangeError);
});
