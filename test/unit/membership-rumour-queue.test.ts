import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retransmitLimit, RumourQueue } from '../../src/membership/rumour-queue';

test('the rumour budget is λ·⌈log10(N+1)⌉', () => {
  assert.equal(retransmitLimit(4, 1), 4);
  assert.equal(retransmitLimit(4, 9), 4);
  assert.equal(retransmitLimit(4, 10), 8);
  assert.equal(retransmitLimit(4, 1000), 16);
  assert.equal(retransmitLimit(3, 10_000), 15);
});

test('a rumour is sent exactly `limit` times, then leaves the queue', () => {
  const q = new RumourQueue<string>();
  q.push('a', 'A');
  let sent = 0;
  for (let i = 0; i < 20; i++) sent += q.take(10, 6).length;
  assert.equal(sent, 6);
  assert.equal(q.size, 0);
});

test('least-sent rumours go first; one message never carries a rumour twice; a newer rumour replaces and resets', () => {
  const q = new RumourQueue<string>();
  q.push('a', 'A');
  assert.deepEqual(q.take(1, 10), ['A']);
  q.push('b', 'B');
  assert.deepEqual(q.take(1, 10), ['B']);
  q.push('c', 'C');
  assert.deepEqual(q.take(3, 10), ['C', 'A', 'B']);
  assert.equal(q.transmits('a'), 2);
  q.push('a', 'A2');
  assert.equal(q.transmits('a'), 0);
  assert.deepEqual(q.take(1, 10), ['A2']);
  assert.equal(q.size, 3);
});

test('rumours refused by the filter are not counted as sent; the queue is bounded', () => {
  const q = new RumourQueue<string>(3);
  for (const k of ['a', 'b', 'c', 'd']) q.push(k, k);
  assert.equal(q.size, 3);
  const taken = q.take(5, 10, (v) => v !== 'c');
  assert.ok(!taken.includes('c'));
  assert.equal(q.transmits('c'), 0);
  for (const k of taken) assert.equal(q.transmits(k), 1);
});
