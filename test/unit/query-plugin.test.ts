import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { fanOutFailure } from '../../src/plugins/fan-out-failure';
import { FactsAnswerer, parseFacts } from '../../plugins/query/facts';
import { fanOutWithin } from '../../plugins/query/fan-out';
import QueryPlugin, { describeError, type QueryConfig } from '../../plugins/query/index';
import { mergeAnswers } from '../../plugins/query/merge';
import type { FanOutCancel, FanOutOutcome, PluginContext, PluginPool } from '../../src/plugins/contract';
import { silentLogger } from '../../src/log/logger';
import { ManualClock } from '../../src/testing/manual-clock';

type Behaviour = { answerAfterMs: number; facts: { name: string; value: string }[] } | { failAfterMs: number; code: grpc.status } | { hang: true };

/**
 * A pool over scripted peers on a manual clock, with the contract's fan-out semantics: up to k
 * calls at a time in query order, a failed peer replaced by the next.
 */
function scriptedPool(clock: ManualClock, order: string[], peers: Record<string, Behaviour>): PluginPool & { asked: string[]; registered: string[] } {
  const asked: string[] = [];
  const clientFor = (nodeId: string) => ({
    Answer(_req: object, options: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: object) => void) {
      asked.push(nodeId);
      const b = peers[nodeId]!;
      const deadline = (options.deadline as Date).getTime();
      let done = false;
      const finish = (e: grpc.ServiceError | null, r?: object) => {
        if (done) return;
        done = true;
        cb(e, r);
      };
      clock.setTimeout(() => finish(Object.assign(new Error('deadline'), { code: grpc.status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' }) as grpc.ServiceError), deadline - clock.now());
      if ('answerAfterMs' in b) clock.setTimeout(() => finish(null, { facts: b.facts }), b.answerAfterMs);
      if ('failAfterMs' in b) clock.setTimeout(() => finish(Object.assign(new Error('x'), { code: b.code, details: `peer says ${grpc.status[b.code]}` }) as grpc.ServiceError), b.failAfterMs);
      return { cancel: () => undefined, nodeId };
    },
  });
  /** The calls handed to the pool for cancellation, by peer. */
  const registered: string[] = [];
  return {
    asked,
    registered,
    queryOrder: () => [...order],
    peekOrder: () => [...order],
    peersServing: () => [...order],
    ready: () => Promise.resolve(),
    onPeersChanged: () => () => undefined,
    groups: () => [],
    stats: () => undefined,
    client: (<C extends grpc.Client>(nodeId: string) => clientFor(nodeId) as unknown as C) as PluginPool['client'],
    async fanOut<T, C extends grpc.Client>(k: number, call: (client: C, nodeId: string, deadline: Date, cancel: FanOutCancel) => Promise<T>, options: { deadlineMs: number }): Promise<FanOutOutcome<T>> {
      const out: FanOutOutcome<T> = { results: [], errors: [] };
      let next = 0;
      const worker = async () => {
        while (out.results.length < k && next < order.length) {
          const nodeId = order[next++]!;
          try {
            const value = await call(clientFor(nodeId) as unknown as C, nodeId, new Date(clock.now() + options.deadlineMs), { cancelOnEnd: (made) => registered.push((made as unknown as { nodeId: string }).nodeId), signal: new AbortController().signal });
            if (out.results.length < k) out.results.push({ nodeId, value });
          } catch (error) {
            out.errors.push(fanOutFailure(nodeId, error));
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(k, order.length) }, worker));
      return out;
    },
  };
}

/** Lets promise callbacks run, then advances the clock step by step until `done` settles. */
async function drive<T>(clock: ManualClock, promise: Promise<T>, stepMs = 10, maxMs = 60_000): Promise<T> {
  let settled = false;
  void promise.finally(() => (settled = true));
  for (let t = 0; t <= maxMs && !settled; t += stepMs) {
    for (let i = 0; i < 10; i++) await Promise.resolve();
    clock.advance(stepMs);
  }
  return promise;
}

const fact = (name: string, value: string) => ({ name, value });

test('facts config parses name=value pairs and refuses malformed ones', () => {
  assert.deepEqual(parseFacts(' region=eu-west , tier=gpu,,host.zone=a=b '), [fact('region', 'eu-west'), fact('tier', 'gpu'), fact('host.zone', 'a=b')]);
  assert.deepEqual(parseFacts(''), []);
  assert.throws(() => parseFacts('region'), /name=value/);
  assert.throws(() => parseFacts('Bad Name=x'), /name=value/);
});

test('the facts answerer gives the wanted facts it has, configured ones over built-in ones', () => {
  const a = new FactsAnswerer([fact('region', 'eu'), fact('os.arch', 'override')], () => [fact('os.arch', 'x64'), fact('g2g.version', '1.0.0')]);
  assert.deepEqual(a.answer(['region', 'os.arch', 'unknown']), [fact('region', 'eu'), fact('os.arch', 'override')]);
  assert.deepEqual(a.answer([]).map((f) => f.name), ['g2g.version', 'os.arch', 'region']);
});

test('merge counts each value per fact, most frequent first, and counts nodes lacking the fact', () => {
  const summary = mergeAnswers(
    [
      { nodeId: 'a', facts: [fact('region', 'eu'), fact('v', '1')] },
      { nodeId: 'b', facts: [fact('region', 'us'), fact('v', '1'), fact('v', 'dup-ignored')] },
      { nodeId: 'c', facts: [fact('region', 'eu')] },
    ],
    ['region', 'v', 'nobody-has-it'],
  );
  assert.deepEqual(summary, [
    { name: 'nobody-has-it', values: [], missing: 3 },
    { name: 'region', values: [{ value: 'eu', count: 2, nodeIds: ['a', 'c'] }, { value: 'us', count: 1, nodeIds: ['b'] }], missing: 0 },
    { name: 'v', values: [{ value: '1', count: 2, nodeIds: ['a', 'b'] }], missing: 1 },
  ]);
});

test('fan-out within a deadline: a failing peer is replaced by the next in order, and the first k answers end it', async () => {
  const clock = new ManualClock(1_000);
  const pool = scriptedPool(clock, ['far', 'near', 'far2', 'near2'], {
    far: { answerAfterMs: 300, facts: [fact('region', 'ap')] },
    near: { failAfterMs: 5, code: grpc.status.UNAVAILABLE },
    far2: { answerAfterMs: 100, facts: [fact('region', 'us')] },
    near2: { answerAfterMs: 1, facts: [] },
  });
  const out = await drive(clock, fanOutWithin(pool, clock, 2, (client: grpc.Client & { Answer: Function }, _n, deadline) => new Promise((res, rej) => client.Answer({}, { deadline }, (e: unknown, r: unknown) => (e ? rej(e) : res(r)))), { perPeerMs: 1_000, totalMs: 5_000, now: () => clock.now() }));
  assert.equal(out.complete, true);
  // near fails at 5 ms, far2 answers at 105 ms, near2 at 106 ms: two answers while far (300 ms)
  // is still out, which is neither waited for nor an error.
  assert.deepEqual(out.results.map((r) => [r.nodeId, r.position]), [['far2', 2], ['near2', 3]]);
  assert.deepEqual(out.errors.map((e) => [e.nodeId, describeError(e.error).code]), [['near', 'UNAVAILABLE']]);
  assert.deepEqual(pool.asked, ['far', 'near', 'far2', 'near2']);
  assert.ok(clock.now() < 1_000 + 300, 'returned before the slow peer answered');
});

test('when the overall deadline passes, the reply has the answers so far and the peers still asked as DEADLINE_EXCEEDED', async () => {
  const clock = new ManualClock(1_000);
  const pool = scriptedPool(clock, ['a', 'b', 'c', 'd'], {
    a: { answerAfterMs: 50, facts: [fact('x', '1')] },
    b: { hang: true },
    c: { hang: true },
    d: { answerAfterMs: 1, facts: [] },
  });
  const out = await drive(clock, fanOutWithin(pool, clock, 3, (client: grpc.Client & { Answer: Function }, _n, deadline) => new Promise((res, rej) => client.Answer({}, { deadline }, (e: unknown, r: unknown) => (e ? rej(e) : res(r)))), { perPeerMs: 10_000, totalMs: 500, now: () => clock.now() }));
  assert.equal(out.complete, false);
  assert.deepEqual(out.results.map((r) => r.nodeId), ['a', 'd']);
  assert.deepEqual(out.errors.map((e) => [e.nodeId, describeError(e.error).code]).sort(), [['b', 'DEADLINE_EXCEEDED'], ['c', 'DEADLINE_EXCEEDED']]);
  assert.ok(clock.now() <= 1_000 + 520, 'returned at the overall deadline, not the per-peer one');
});

test('Ask merges peer answers with this node\'s own and reports per-peer errors (partial results)', async () => {
  const clock = new ManualClock(1_000);
  const pool = scriptedPool(clock, ['p1', 'p2', 'p3'], {
    p1: { answerAfterMs: 20, facts: [fact('region', 'eu')] },
    p2: { failAfterMs: 10, code: grpc.status.PERMISSION_DENIED },
    p3: { answerAfterMs: 30, facts: [fact('region', 'us')] },
  });
  const config: QueryConfig = { fanout: 3, maxFanout: 10, peerTimeout: 1_000, deadline: 2_000, facts: 'region=eu' };
  const ctx = {
    name: 'query',
    nodeId: 'self',
    config,
    log: silentLogger(),
    clock,
    pool,
    members: { self: 'self', list: () => ['p1', 'p2', 'p3'].map((nodeId) => ({ nodeId, mode: 'server', state: 'alive', addresses: [], gossipPort: 1, services: [] })), get: () => undefined, onChange: () => () => undefined },
  } as unknown as PluginContext<QueryConfig>;
  const plugin = new QueryPlugin(ctx);
  const reply = (await drive(clock, plugin.ask({ facts: ['region'], includeSelf: true }))) as {
    answers: { nodeId: string; position: number }[];
    errors: { nodeId: string; code: string; message: string }[];
    summary: { name: string; values: { value: string; count: number }[]; missing: number }[];
    complete: boolean;
    peersKnown: number;
  };
  assert.deepEqual(reply.answers.map((a) => [a.nodeId, a.position]), [['self', -1], ['p1', 0], ['p3', 2]]);
  assert.deepEqual(reply.errors, [{ nodeId: 'p2', code: 'PERMISSION_DENIED', message: 'peer says PERMISSION_DENIED' }]);
  assert.deepEqual(reply.summary, [{ name: 'region', values: [{ value: 'eu', count: 2, nodeIds: ['self', 'p1'] }, { value: 'us', count: 1, nodeIds: ['p3'] }], missing: 0 }]);
  assert.equal(reply.complete, false, 'asked for 3 peers, 2 answered');
  assert.equal(reply.peersKnown, 3);
  assert.deepEqual(pool.registered, ['p1', 'p2', 'p3'], 'each call is handed to the pool, which cancels it when it stops waiting for it');
});
