import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JoinThrottle } from '../../src/register/join-throttle';
import { isAuthenticationFailure, isFinalForTicket } from '../../src/register/join-failures';
import { AdmissionRefusedError, ClientProofError, ClusterMismatchError, JoinMalformedError, JoinThrottledError } from '../../src/register/errors';
import { TokenExpiredError } from '../../src/tokens/errors';
import { statusOf } from '../../src/transport/status-mapping';
import { ManualClock } from '../../src/testing/manual-clock';
import * as grpc from '@grpc/grpc-js';

test('a source may fail `burst` times, is then refused, and is forgiven one failure per refill period', () => {
  const clock = new ManualClock(0);
  const throttle = new JoinThrottle(clock, { burst: 3, refillMs: 10_000, maxSources: 100 });
  for (let i = 0; i < 3; i++) {
    assert.equal(throttle.retryAfterMs('192.0.2.1'), 0);
    throttle.recordFailure('192.0.2.1');
  }
  assert.equal(throttle.retryAfterMs('192.0.2.1'), 10_000);
  assert.equal(throttle.retryAfterMs('192.0.2.2'), 0, 'other sources are not affected');
  clock.advance(4_000);
  assert.equal(throttle.retryAfterMs('192.0.2.1'), 6_000);
  clock.advance(6_000);
  assert.equal(throttle.retryAfterMs('192.0.2.1'), 0);
  throttle.recordFailure('192.0.2.1');
  assert.ok(throttle.retryAfterMs('192.0.2.1') > 0, 'one refilled try, then refused again');
  clock.advance(30_000);
  assert.equal(throttle.retryAfterMs('192.0.2.1'), 0);
  assert.equal(throttle.size, 0, 'a fully refilled source is forgotten');
});

test('memory is bounded: beyond maxSources the longest-quiet source is forgotten', () => {
  const clock = new ManualClock(0);
  const throttle = new JoinThrottle(clock, { burst: 1, refillMs: 60_000, maxSources: 3 });
  for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) throttle.recordFailure(ip);
  assert.equal(throttle.size, 3);
  assert.equal(throttle.retryAfterMs('10.0.0.1'), 0, 'the oldest was evicted');
  assert.ok(throttle.retryAfterMs('10.0.0.4') > 0);
});

test('status table: authentication failures drain the bucket; final failures stop trying further addresses', () => {
  // The statuses are the classes' own (the register port has no table of its own any more).
  assert.equal(statusOf(new ClientProofError('x')), grpc.status.UNAUTHENTICATED);
  assert.equal(statusOf(new TokenExpiredError('abcdefgh', 0)), grpc.status.PERMISSION_DENIED);
  assert.equal(statusOf(new ClusterMismatchError('a', 'b', 'node')), grpc.status.FAILED_PRECONDITION);
  assert.equal(statusOf(new JoinMalformedError('x')), grpc.status.INVALID_ARGUMENT);
  assert.equal(statusOf(new JoinThrottledError('x')), grpc.status.RESOURCE_EXHAUSTED);
  assert.equal(statusOf(new AdmissionRefusedError('x')), grpc.status.FAILED_PRECONDITION);
  assert.ok(isAuthenticationFailure('ERR_CLIENT_PROOF'));
  assert.ok(!isAuthenticationFailure('ERR_CLUSTER_MISMATCH'), 'a misconfigured cluster is not a guess');
  assert.ok(isFinalForTicket('ERR_CLUSTER_MISMATCH'));
  assert.ok(!isFinalForTicket('ERR_JOIN_UNREACHABLE'));
  assert.ok(!isFinalForTicket('ERR_CHANNEL_BINDING'), 'another address may not be intercepted');
});

test('global failure budget: many sources together are refused once it is spent, each within its own burst; it refills for everyone', () => {
  const clock = new ManualClock(0);
  const throttle = new JoinThrottle(clock, { burst: 5, refillMs: 12_000, maxSources: 1000, globalBurst: 10, globalRefillMs: 1_000, newSourceBurst: 1, newSourceRefillMs: 5_000 });
  // 20 addresses, one failure each: per source that is nothing, together it is twice the budget.
  for (let i = 0; i < 10; i++) {
    assert.equal(throttle.retryAfterMs(`198.51.100.${i}`), 0, `source ${i} may still try`);
    throttle.recordFailure(`198.51.100.${i}`);
  }
  assert.ok(throttle.globalRetryAfterMs() > 0, 'the budget is spent');
  for (let i = 0; i < 10; i++) assert.equal(throttle.retryAfterMs(`198.51.100.${i}`), 1_000, `source ${i}, which failed lately, waits for the global refill`);
  // A fresh source may use the new-source allowance (1 here); once it failed, it is no longer fresh.
  assert.equal(throttle.retryAfterMs('198.51.100.77'), 0, 'a source with no failures is let through');
  throttle.recordFailure('198.51.100.77');
  assert.equal(throttle.retryAfterMs('198.51.100.77'), 1_000, 'after its failure it waits for the global refill');
  assert.equal(throttle.retryAfterMs('198.51.100.78'), 5_000, 'the allowance is spent: the next fresh source waits for it too');
  clock.advance(1_000);
  assert.equal(throttle.retryAfterMs('198.51.100.1'), 0, 'one failure forgiven per globalRefillMs');
  throttle.recordFailure('198.51.100.1');
  assert.ok(throttle.retryAfterMs('198.51.100.2') > 0);
  clock.advance(10_000);
  assert.equal(throttle.globalRetryAfterMs(), 0);
  assert.equal(throttle.retryAfterMs('198.51.100.78'), 0);
});

test('a spent global budget does not lock clean newcomers out: 30 stalling sources at their own limit keep it empty, a source without failures still gets in', () => {
  const clock = new ManualClock(0);
  // The node's defaults: 5 then 5 a minute per source, 120 a minute together.
  const throttle = new JoinThrottle(clock, { burst: 5, refillMs: 12_000, maxSources: 10_000, globalBurst: 120, globalRefillMs: 500 });
  const attackers = Array.from({ length: 30 }, (_, i) => `203.0.113.${i}`);
  let refusedAttempts = 0;
  let newcomersIn = 0;
  let spentAtArrival = 0;
  // Three minutes: every attacker retries as soon as it may (each try stalls: a failure); a clean
  // newcomer from a new address arrives every 5 s.
  for (let t = 0; t < 180_000; t += 250) {
    for (const source of attackers) {
      if (throttle.retryAfterMs(source) === 0) throttle.recordFailure(source);
      else refusedAttempts += 1;
    }
    if (t % 5_000 === 0) {
      if (throttle.globalRetryAfterMs() > 0) spentAtArrival += 1;
      assert.equal(throttle.retryAfterMs(`192.0.2.${t / 5_000}`), 0, `the newcomer at ${t} ms is let through`);
      newcomersIn += 1;
    }
    clock.advance(250);
  }
  assert.ok(spentAtArrival >= 34, `the global budget was spent when most newcomers arrived (${spentAtArrival} of 36)`);
  assert.ok(refusedAttempts > 0, 'the attackers were refused');
  assert.equal(newcomersIn, 36);
});

test('a spent global budget still bounds fresh addresses: their failures drain a smaller allowance, then every source waits', () => {
  const clock = new ManualClock(0);
  const throttle = new JoinThrottle(clock, { burst: 5, refillMs: 12_000, maxSources: 10_000, globalBurst: 120, globalRefillMs: 500 });
  for (let i = 0; i < 120; i++) throttle.recordFailure(`198.51.100.${i}`);
  assert.ok(throttle.globalRetryAfterMs() > 0);
  // Default allowance: a quarter of the global burst (30), refilled at the global budget's full rate.
  let fresh = 0;
  for (let i = 0; i < 100; i++) {
    const source = `2001:db8::${i.toString(16)}`;
    if (throttle.retryAfterMs(source) > 0) break;
    throttle.recordFailure(source);
    fresh += 1;
  }
  assert.equal(fresh, 30, 'fresh addresses get the allowance and no more');
  assert.equal(throttle.retryAfterMs('192.0.2.200'), 2_000, 'then a clean source waits for the allowance to refill (60 s / 30)');
  clock.advance(2_000);
  assert.equal(throttle.retryAfterMs('192.0.2.200'), 0);
});

test('without a global budget, sources are independent (the old behaviour, still the default)', () => {
  const clock = new ManualClock(0);
  const throttle = new JoinThrottle(clock, { burst: 1, refillMs: 60_000, maxSources: 1000 });
  for (let i = 0; i < 100; i++) throttle.recordFailure(`203.0.113.${i}`);
  assert.equal(throttle.globalRetryAfterMs(), 0);
  assert.equal(throttle.retryAfterMs('203.0.113.200'), 0);
});
