import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NewsPush } from '../../src/membership/news-push';
import { ManualClock } from '../../src/testing/manual-clock';

test('news is passed on at once, by one extra exchange at most per interval; no news, no exchange', () => {
  const clock = new ManualClock(1_000_000);
  let exchanges = 0;
  const push = new NewsPush(clock, 1000, () => exchanges++);
  clock.advance(5000);
  assert.equal(exchanges, 0, 'no news: nothing is sent');

  push.news();
  push.news();
  assert.equal(exchanges, 0, 'not from inside the merge that brought the news');
  clock.advance(0);
  assert.equal(exchanges, 1, 'the news leaves at once, not at the next interval');

  // More news within the same interval rides the interval's ordinary exchanges.
  clock.advance(400);
  push.news();
  clock.advance(0);
  assert.equal(exchanges, 1);
  clock.advance(600);
  push.news();
  clock.advance(0);
  assert.equal(exchanges, 2, 'an interval later, news is pushed at once again');

  push.news();
  push.stop();
  clock.advance(5000);
  assert.equal(exchanges, 2, 'a stopped node pushes nothing');
});
