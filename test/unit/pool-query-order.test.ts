import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupByLatency } from '../../src/pool/latency-groups';
import { passOrder, QueryOrder, virtualQueryList } from '../../src/pool/query-order';
import { SeededRandom } from '../../src/testing/seeded-random';

test('one pass visits the most distant group, the nearest, the second most distant, …', () => {
  assert.deepEqual(passOrder(0), []);
  assert.deepEqual(passOrder(1), [0]);
  assert.deepEqual(passOrder(2), [1, 0]);
  assert.deepEqual(passOrder(3), [2, 0, 1]);
  assert.deepEqual(passOrder(4), [3, 0, 2, 1]);
  assert.deepEqual(passOrder(7), [6, 0, 5, 1, 4, 2, 3]);
  for (let n = 0; n <= 50; n++) assert.deepEqual([...passOrder(n)].sort((a, b) => a - b), [...Array(n).keys()]);
});

test('fixed inputs with 1, 2, 3, 4 and 7 groups give the documented order', () => {
  assert.deepEqual(virtualQueryList([]), []);
  assert.deepEqual(virtualQueryList([['a1', 'a2', 'a3']]), ['a1', 'a2', 'a3']);
  // Nearest first: N is near, F is far.
  assert.deepEqual(virtualQueryList([['n1', 'n2'], ['f1', 'f2', 'f3']]), ['f1', 'n1', 'f2', 'n2', 'f3']);
  assert.deepEqual(virtualQueryList([['a1', 'a2'], ['b1'], ['c1', 'c2', 'c3']]), ['c1', 'a1', 'b1', 'c2', 'a2', 'c3']);
  assert.deepEqual(virtualQueryList([['a1'], ['b1', 'b2'], ['c1'], ['d1', 'd2']]), ['d1', 'a1', 'c1', 'b1', 'd2', 'b2']);
  const seven = [...Array(7).keys()].map((i) => (i % 2 === 0 ? [`g${i}a`, `g${i}b`] : [`g${i}a`]));
  assert.deepEqual(virtualQueryList(seven), ['g6a', 'g0a', 'g5a', 'g1a', 'g4a', 'g2a', 'g3a', 'g6b', 'g0b', 'g4b', 'g2b']);
});

test('from measured latencies: 7 tiers are grouped and queried far, near, far, near, …', () => {
  const tiers = [1, 5, 12, 30, 70, 160, 400];
  const peers = tiers.flatMap((ms, t) => [
    { id: `t${t}-x`, latencyMs: ms },
    { id: `t${t}-y`, latencyMs: ms * 1.05 },
  ]);
  const grouping = groupByLatency(peers);
  assert.equal(grouping.groups.length, 7);
  const order = new QueryOrder().next(grouping.groups);
  assert.deepEqual(order, [
    't6-x', 't0-x', 't5-x', 't1-x', 't4-x', 't2-x', 't3-x',
    't6-y', 't0-y', 't5-y', 't1-y', 't4-y', 't2-y', 't3-y',
  ]);
});

test('every peer appears exactly once and the first k cover min(k, groups) groups (random shapes)', () => {
  const rnd = new SeededRandom(4);
  for (let trial = 0; trial < 500; trial++) {
    const g = 1 + rnd.int(9);
    const groups = [...Array(g).keys()].map((i) => [...Array(1 + rnd.int(5)).keys()].map((j) => `${i}/${j}`));
    const offsets = groups.map(() => rnd.int(10));
    const list = virtualQueryList(groups, offsets);
    const all = groups.flat();
    assert.equal(list.length, all.length);
    assert.deepEqual([...list].sort(), [...all].sort());
    const groupOf = (id: string) => id.split('/')[0];
    for (let k = 1; k <= list.length; k++) {
      assert.equal(new Set(list.slice(0, k).map(groupOf)).size, Math.min(k, g), `trial ${trial}, k ${k}`);
    }
    const limit = rnd.int(all.length + 3);
    assert.deepEqual(virtualQueryList(groups, offsets, limit), list.slice(0, limit));
  }
});

test('empty groups are skipped; a limit of 0 gives nothing', () => {
  assert.deepEqual(virtualQueryList([[], ['a'], []]), ['a']);
  assert.deepEqual(virtualQueryList([['a'], ['b']], [], 0), []);
});

test('rotation spreads load: over m·k queries each member of an m-peer group comes first k times', () => {
  const groups = [1, 2, 3, 4].map((m, g) => ({ id: 10 + g, members: [...Array(m).keys()].map((j) => ({ id: `g${g}-${j}` })) }));
  const order = new QueryOrder();
  const firsts = new Map<string, number>();
  const queries = 12 * 5; // a multiple of every group size
  for (let q = 0; q < queries; q++) {
    const list = order.next(groups);
    assert.equal(list.length, 10);
    for (const g of groups) {
      const first = list.find((id) => id.startsWith(`g${groups.indexOf(g)}-`))!;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
  }
  for (const g of groups) for (const m of g.members) assert.equal(firsts.get(m.id), queries / g.members.length, m.id);
});

test('rotation follows group ids, not positions, and peek does not advance', () => {
  const order = new QueryOrder();
  const near = { id: 1, members: [{ id: 'a' }, { id: 'b' }] };
  const far = { id: 2, members: [{ id: 'x' }, { id: 'y' }] };
  assert.deepEqual(order.peek([near, far]), ['x', 'a', 'y', 'b']);
  assert.deepEqual(order.next([near, far]), ['x', 'a', 'y', 'b']);
  assert.deepEqual(order.next([near, far]), ['y', 'b', 'x', 'a']);
  // A new group appears between them: the old groups keep their cursors.
  const mid = { id: 3, members: [{ id: 'm' }] };
  assert.deepEqual(order.next([near, mid, far], 4), ['x', 'a', 'm', 'y']);
  // Member order inside a group does not depend on the order given (latency jitter reorders it).
  const o2 = new QueryOrder();
  assert.deepEqual(o2.next([{ id: 1, members: [{ id: 'b' }, { id: 'a' }] }]), ['a', 'b']);
});
