import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundedMap } from '../../src/util/bounded-map';

test('a bounded map keeps at most max entries, forgetting the least recently used', () => {
  const m = boundedMap<string, number>(3);
  m.set('a', 1);
  m.set('b', 2);
  m.set('c', 3);
  assert.equal(m.get('a'), 1); // a is now the most recently used
  m.set('d', 4);
  assert.equal(m.size, 3);
  assert.equal(m.has('b'), false, 'b was the least recently used');
  assert.deepEqual([...m.keys()].sort(), ['a', 'c', 'd']);
});

test('peek reads without counting as a use; set of a known key counts', () => {
  const m = boundedMap<string, number>(2);
  m.set('a', 1);
  m.set('b', 2);
  assert.equal(m.peek('a'), 1);
  m.set('c', 3);
  assert.equal(m.has('a'), false, 'a peeked, still the least recently used');
  m.set('b', 20);
  m.set('d', 4);
  assert.deepEqual([...m.keys()].sort(), ['b', 'd']);
  assert.equal(m.get('b'), 20);
});

test('a bounded map needs room for one entry', () => {
  assert.throws(() => boundedMap(0), RangeError);
  assert.throws(() => boundedMap(1.5), RangeError);
});

test('CaPublicKeys caches a bounded number of parsed CAs, unusable PEMs included', async () => {
  const { CaPublicKeys } = await import('../../src/identity/ca-public-keys');
  const keys = new CaPublicKeys(2);
  assert.equal(keys.get('not a certificate'), null);
  assert.equal(keys.get('not a certificate'), null, 'an unusable PEM is remembered as unusable');
  const inner = (keys as unknown as { keys: { size: number } }).keys;
  keys.get('b');
  keys.get('c');
  assert.equal(inner.size, 2);
});
