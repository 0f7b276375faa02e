import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAILING_AFTER, fanOut, hedgeDelayMs, healthyFirst, HEDGE_MIN_MS, type FanOutOptions, type FanOutPeer, type FanOutResult } from '../../src/pool/fan-out';
import { PeerStats } from '../../src/pool/peer-stats';
import { ManualClock } from '../../src/testing/manual-clock';

/** How a fake peer behaves: answers or fails after a delay on the manual clock, or never settles. */
type Behaviour = { answerAfter: number } | { failAfter: number } | 'hang';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Fan-out over fake peers on a manual clock, advanced 1 ms at a time with the microtask queue
 * drained in between, so every answer, hedge and deadline happens at an exact simulated time.
 */
function harness(peers: Record<string, Behaviour>) {
  const clock = new ManualClock(1_000_000);
  const stats = new Map(Object.keys(peers).map((id) => [id, new PeerStats()]));
  const calls: { nodeId: string; at: number; deadline: Date; signal: AbortSignal; cancelledAt?: number }[] = [];
  const call = ({ nodeId, deadline, signal, cancelOnEnd }: FanOutPeer) => {
    const made: (typeof calls)[number] = { nodeId, at: clock.now(), deadline, signal };
    calls.push(made);
    cancelOnEnd({ cancel: () => (made.cancelledAt ??= clock.now()) });
    const b = peers[nodeId]!;
    return new Promise<string>((resolve, reject) => {
      if (b === 'hang') return; // ignores its deadline and its signal: the pool must not wait forever
      if ('answerAfter' in b) clock.setTimeout(() => resolve(`answer of ${nodeId}`), b.answerAfter);
      else clock.setTimeout(() => reject(new Error(`${nodeId} failed`)), b.failAfter);
    });
  };
  const run = async (k: number, options: FanOutOptions, order = Object.keys(peers)) => {
    const started = clock.now();
    let result: FanOutResult<string> | undefined;
    let finishedAt = 0;
    void fanOut({ clock, now: () => clock.now(), stats: (id) => stats.get(id), connected: () => true }, order, k, call, options).then((r) => {
      result = r;
      finishedAt = clock.now() - started;
    });
    for (let i = 0; i < 10_000 && result === undefined; i++) {
      await flush();
      if (result === undefined) clock.advance(1);
    }
    assert.ok(result, 'the fan-out finished');
    return { result, finishedAt, calledAt: (id: string) => calls.find((c) => c.nodeId === id)?.at === undefined ? undefined : calls.find((c) => c.nodeId === id)!.at - started };
  };
  return { clock, stats, calls, run };
}

const codeOf = (e: unknown) => (e as { code?: string }).code;

test('k fast peers: asked in order, all at once, nobody else asked', async () => {
  const h = harness({ a: { answerAfter: 5 }, b: { answerAfter: 3 }, c: { answerAfter: 1 }, d: { answerAfter: 1 } });
  const { result, finishedAt } = await h.run(2, { deadlineMs: 100, hedgeMs: 'off' });
  assert.deepEqual(h.calls.map((c) => c.nodeId), ['a', 'b']);
  assert.deepEqual(result.results.map((r) => r.nodeId), ['b', 'a'], 'answers in arrival order');
  assert.deepEqual(result.errors, []);
  assert.equal(result.hedges, 0);
  assert.equal(finishedAt, 5);
  assert.ok(h.calls.every((c) => c.deadline.getTime() === h.clock.now() - finishedAt + 100), 'each call gets its own deadline');
});

test('a failing peer is replaced by the next in order and reported with its error', async () => {
  const h = harness({ a: { failAfter: 2 }, b: { answerAfter: 4 }, c: { answerAfter: 1 }, d: { answerAfter: 1 } });
  const { result } = await h.run(2, { deadlineMs: 100, hedgeMs: 'off' });
  assert.deepEqual(h.calls.map((c) => c.nodeId), ['a', 'b', 'c']);
  assert.equal(h.calls[2]!.at - h.calls[0]!.at, 2, 'c is asked as soon as a fails');
  assert.deepEqual(result.results.map((r) => r.nodeId).sort(), ['b', 'c']);
  assert.deepEqual(result.errors.map((e) => e.nodeId), ['a']);
  assert.match((result.errors[0]!.error as Error).message, /a failed/);
  assert.equal(h.stats.get('a')!.snapshot().consecutiveErrors, 1);
});

test('a peer slower than its hedge delay is hedged; the hedge answers first and the slow call is aborted and reported', async () => {
  const h = harness({ slow: { answerAfter: 80 }, fast: { answerAfter: 5 }, spare: { answerAfter: 5 } });
  const { result, finishedAt, calledAt } = await h.run(1, { deadlineMs: 200, hedgeMs: 20 });
  assert.equal(calledAt('fast'), 20, 'the hedge goes out at the hedge delay');
  assert.equal(calledAt('spare'), undefined);
  assert.equal(finishedAt, 25);
  assert.deepEqual(result.results.map((r) => r.nodeId), ['fast']);
  assert.equal(result.hedges, 1);
  assert.deepEqual(result.errors.map((e) => [e.nodeId, codeOf(e.error)]), [['slow', 'ERR_POOL_PEER_SUPERSEDED']]);
  assert.equal(h.calls.find((c) => c.nodeId === 'slow')!.signal.aborted, true, 'the slow call is cancelled');
  assert.equal(h.stats.get('slow')!.snapshot().inFlight, 0);
  assert.equal(h.stats.get('slow')!.snapshot().errors, 0, 'being slow is not a failure of the peer');
});

test('a hedged peer that still answers first wins; the unneeded hedge is cancelled without an error', async () => {
  const h = harness({ slowish: { answerAfter: 30 }, hedge: { answerAfter: 50 } });
  const { result, finishedAt } = await h.run(1, { deadlineMs: 200, hedgeMs: 20 });
  assert.equal(finishedAt, 30);
  assert.deepEqual(result.results.map((r) => r.nodeId), ['slowish']);
  assert.deepEqual(result.errors, []);
  assert.equal(h.calls.find((c) => c.nodeId === 'hedge')!.signal.aborted, true);
  assert.equal(h.stats.get('hedge')!.snapshot().inFlight, 0);
});

test('hedging k > 1: a slow peer that answers after all does not cost a further call when its hedge fails', async () => {
  // a is slow for its figures (hedged by c at 10 ms) but answers at 15; c then fails at 20: a and
  // b make k = 2, so nothing replaces c.
  const h = harness({ a: { answerAfter: 15 }, b: { answerAfter: 50 }, c: { failAfter: 10 }, d: { answerAfter: 1 } });
  for (let i = 0; i < 4; i++) h.stats.get('a')!.recordRtt(5, 0); // hedge at 10 ms; b, c and d have no figures: never hedged
  const { result, calledAt } = await h.run(2, { deadlineMs: 200 });
  assert.deepEqual(h.calls.map((c) => c.nodeId), ['a', 'b', 'c']);
  assert.equal(calledAt('c'), 10);
  assert.deepEqual(result.results.map((r) => r.nodeId), ['a', 'b']);
  assert.deepEqual(result.errors.map((e) => e.nodeId), ['c']);
  assert.equal(result.hedges, 1);
});

test('the pool enforces the deadline itself: a peer that never answers is given up on, aborted, and the next one asked', async () => {
  const h = harness({ mute: 'hang', next: { answerAfter: 5 } });
  const { result, finishedAt, calledAt } = await h.run(1, { deadlineMs: 100, hedgeMs: 'off' });
  assert.equal(calledAt('next'), 100);
  assert.equal(finishedAt, 105);
  assert.deepEqual(result.results.map((r) => r.nodeId), ['next']);
  assert.deepEqual(result.errors.map((e) => [e.nodeId, codeOf(e.error)]), [['mute', 'ERR_POOL_PEER_DEADLINE']]);
  assert.equal(h.calls[0]!.signal.aborted, true);
  assert.equal(h.stats.get('mute')!.snapshot().errors, 1);
});

test('partial success is a value: every peer failing or silent ends the fan-out with all the errors', async () => {
  const h = harness({ a: { failAfter: 1 }, b: 'hang', c: { failAfter: 3 } });
  const { result, finishedAt } = await h.run(2, { deadlineMs: 50, hedgeMs: 'off' });
  assert.deepEqual(result.results, []);
  assert.deepEqual(result.errors.map((e) => e.nodeId).sort(), ['a', 'b', 'c']);
  assert.equal(finishedAt, 50);
  for (const s of h.stats.values()) assert.equal(s.snapshot().inFlight, 0);
});

test('k larger than the candidates, k = 0 and no candidates', async () => {
  const h = harness({ a: { answerAfter: 1 }, b: { answerAfter: 2 } });
  assert.equal((await h.run(5, { deadlineMs: 10 })).result.results.length, 2);
  assert.deepEqual((await h.run(0, { deadlineMs: 10 })).result, { results: [], errors: [], hedges: 0 });
  assert.deepEqual((await h.run(3, { deadlineMs: 10 }, [])).result, { results: [], errors: [], hedges: 0 });
  assert.throws(() => fanOut({ clock: h.clock, now: () => 0, stats: () => undefined, connected: () => true }, ['a'], 1, async () => 1, { deadlineMs: 0 }), RangeError);
});

test('a call function that throws synchronously counts as that peer failing', async () => {
  const clock = new ManualClock();
  const result = await fanOut({ clock, now: () => 0, stats: () => undefined, connected: () => true }, ['x', 'y'], 1, ({ nodeId: id }) => {
    if (id === 'x') throw new Error('bad client');
    return Promise.resolve(id);
  }, { deadlineMs: 10 });
  assert.deepEqual(result.results, [{ nodeId: 'y', value: 'y' }]);
  assert.deepEqual(result.errors.map((e) => e.nodeId), ['x']);
});

test('automatic hedge delay: twice the peer p95, at least the floor; never without samples or when off', () => {
  assert.equal(hedgeDelayMs(30), 60);
  assert.equal(hedgeDelayMs(0.4), HEDGE_MIN_MS);
  assert.equal(hedgeDelayMs(null), Infinity);
  assert.equal(hedgeDelayMs(undefined), Infinity);
  assert.equal(hedgeDelayMs(30, 'off'), Infinity);
  assert.equal(hedgeDelayMs(30, 7), 7);
  assert.throws(() => hedgeDelayMs(30, -1), RangeError);
  assert.throws(() => fanOut({ clock: new ManualClock(), now: () => 0, stats: () => undefined, connected: () => true }, ['a'], 1, async () => 1, { deadlineMs: 10, hedgeMs: Number.NaN }), RangeError, 'a bad hedgeMs is refused before anything is asked');
});

test('automatic hedging uses each peer\'s own figures: a far peer is given longer than a near one', async () => {
  const h = harness({ far: { answerAfter: 70 }, near: { answerAfter: 100 }, spare: { answerAfter: 1 }, extra: { answerAfter: 1 } });
  for (let i = 0; i < 20; i++) {
    h.stats.get('far')!.recordRtt(40, 0); // p95 40 → hedge at 80: its 70 ms answer is waited for
    h.stats.get('near')!.recordRtt(1, 0); // p95 1 → hedge at the 10 ms floor
  }
  const { result, calledAt, finishedAt } = await h.run(2, { deadlineMs: 500 });
  assert.equal(calledAt('spare'), 10, 'the near peer was hedged at the floor');
  assert.equal(calledAt('extra'), undefined, 'the far one was not hedged');
  assert.equal(finishedAt, 70);
  assert.deepEqual(result.results.map((r) => r.nodeId), ['spare', 'far']);
  assert.equal(result.hedges, 1);
  assert.deepEqual(result.errors.map((e) => [e.nodeId, codeOf(e.error)]), [['near', 'ERR_POOL_PEER_SUPERSEDED']]);
});

test('peers that keep failing are asked last, keeping the query order otherwise', () => {
  const errors: Record<string, number> = { a: FAILING_AFTER, b: 0, c: FAILING_AFTER - 1, d: FAILING_AFTER + 4, e: 0 };
  assert.deepEqual(healthyFirst(['a', 'b', 'c', 'd', 'e'], (id) => errors[id]), ['b', 'c', 'e', 'a', 'd']);
  assert.deepEqual(healthyFirst(['x', 'y'], () => undefined), ['x', 'y']);
});

test('a successful call on a connected channel becomes an RTT sample', async () => {
  const h = harness({ a: { answerAfter: 12 } });
  await h.run(1, { deadlineMs: 100 });
  const s = h.stats.get('a')!.snapshot();
  assert.equal(s.samples, 1);
  assert.equal(s.ewmaMs, 12);
  assert.notEqual(s.lastSuccessMs, null);
});

test('cancelOnEnd: the pool cancels a call it stops waiting for — superseded at the end, silent at its deadline — and never a call that answered', async () => {
  const superseded = harness({ slow: { answerAfter: 80 }, fast: { answerAfter: 5 }, spare: { answerAfter: 5 } });
  const a = await superseded.run(1, { deadlineMs: 200, hedgeMs: 20 });
  const made = (h: typeof superseded, id: string) => h.calls.find((c) => c.nodeId === id)!;
  assert.equal(a.finishedAt, 25);
  assert.equal(made(superseded, 'slow').cancelledAt! - made(superseded, 'slow').at, 25, 'the superseded call is cancelled when the fan-out ends');
  assert.equal(made(superseded, 'fast').cancelledAt, undefined, 'a call that answered is not cancelled');

  const silent = harness({ mute: 'hang', next: { answerAfter: 5 } });
  const b = await silent.run(1, { deadlineMs: 100, hedgeMs: 'off' });
  assert.equal(b.finishedAt, 105);
  assert.equal(made(silent, 'mute').cancelledAt! - made(silent, 'mute').at, 100, 'the silent call is cancelled at its deadline, not at the end');
  assert.equal(made(silent, 'next').cancelledAt, undefined);
});

test('cancelOnEnd after the pool has stopped waiting cancels at once; a signal read after the end is already aborted', async () => {
  const clock = new ManualClock();
  let late: FanOutPeer | undefined;
  const pending = fanOut({ clock, now: () => 0, stats: () => undefined, connected: () => true }, ['late', 'quick'], 2, (peer) => {
    if (peer.nodeId === 'late') {
      late = peer;
      return new Promise<string>(() => {}); // silent, and registers nothing yet
    }
    return Promise.resolve('quick');
  }, { deadlineMs: 10, hedgeMs: 'off' });
  await flush();
  clock.advance(10); // late is given up on at its deadline, which ends the fan-out
  const result = await pending;
  assert.deepEqual(result.results.map((r) => r.nodeId), ['quick']);
  assert.deepEqual(result.errors.map((e) => [e.nodeId, codeOf(e.error)]), [['late', 'ERR_POOL_PEER_DEADLINE']]);
  let cancelled = false;
  late!.cancelOnEnd({ cancel: () => (cancelled = true) });
  assert.equal(cancelled, true);
  assert.equal(late!.signal.aborted, true);
  assert.equal((late!.signal.reason as { code?: string }).code, 'ERR_POOL_FAN_OUT_DONE');
});
