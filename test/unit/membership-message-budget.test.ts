import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIGEST_ESTIMATE_BYTES, fullSyncDigests, MESSAGE_OVERHEAD_BYTES, MessageBudget } from '../../src/membership/message-budget';
import { embedded } from '../../src/membership/message-size';

test('a message budget counts each item as a repeated field and refuses what does not fit', () => {
  const budget = MessageBudget.forMessage({ maxMessageBytes: 1000 }, 200);
  assert.equal(budget.remaining, 1000 - 200 - MESSAGE_OVERHEAD_BYTES);
  assert.equal(budget.take(100), true);
  assert.equal(budget.remaining, 736 - embedded(100), 'an item costs its size plus tag and length');
  assert.equal(budget.take(10_000), false);
  assert.equal(budget.remaining, 736 - embedded(100), 'a refused item costs nothing');
  budget.spend(1000);
  assert.ok(budget.remaining < 0, 'spend overdraws: items that must go in whatever their size');
  assert.equal(budget.take(1), false, 'nothing fits an overdrawn budget');
});

test('add() stops at the item limit and at the byte limit, whichever comes first', () => {
  const list: string[] = [];
  const byCount = new MessageBudget(10_000);
  for (let i = 0; i < 5; i++) byCount.add(list, `x${i}`, 10, 3);
  assert.deepEqual(list, ['x0', 'x1', 'x2']);
  const byBytes = new MessageBudget(3 * embedded(100) + 5);
  const out: number[] = [];
  for (let i = 0; i < 5; i++) byBytes.add(out, i, 100);
  assert.deepEqual(out, [0, 1, 2]);
});

test('a full sync carries half a message of digests, never fewer than an ordinary exchange', () => {
  assert.equal(fullSyncDigests({ maxDigests: 256, maxMessageBytes: 1024 * 1024 }), Math.floor(512 * 1024 / DIGEST_ESTIMATE_BYTES));
  assert.equal(fullSyncDigests({ maxDigests: 256, maxMessageBytes: 4096 }), 256);
});
