import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ListenerSet } from '../../src/util/listener-set';

test('every listener hears an event in the order added, even after one throws or rejects', async () => {
  const errors: string[] = [];
  const set = new ListenerSet<[string, number]>((error) => errors.push((error as Error).message));
  const heard: string[] = [];
  set.add((name, n) => void heard.push(`a:${name}:${n}`));
  set.add(() => {
    throw new Error('sync');
  });
  set.add(() => Promise.reject(new Error('async')));
  set.add((name) => void heard.push(`d:${name}`));
  set.emit('x', 1);
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(heard, ['a:x:1', 'd:x']);
  assert.deepEqual(errors, ['sync', 'async']);
});

test('the returned function removes a listener; a listener may remove itself or add another while the event runs', () => {
  const set = new ListenerSet<[number]>((error) => assert.fail(error as Error));
  const heard: number[] = [];
  const remove = set.add((n) => {
    heard.push(n);
    remove();
    set.add((m) => void heard.push(m * 10));
  });
  set.emit(1);
  assert.deepEqual(heard, [1], 'a listener added during an event hears the next one');
  set.emit(2);
  assert.deepEqual(heard, [1, 20]);
  assert.equal(set.size, 1);
});
