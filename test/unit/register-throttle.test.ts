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
  const throttle = new JoinThrottle(clock, { burst: 5, refillMs: 12_000, maxSources: 1000, globalBurst: 10, globalRefillMs: 1_000 });
  // 20 addresses, one failure each: per source that is nothing, together it is twice the budget.
  for (let i = 0; i < 10; i++) {
    assert.equal(throttle.retryAfterMs(`198.51.100.${i}`), 0, `source ${i} may still try`);
    throttle.recordFailure(`198.51.100.${i}`);
  }
  assert.ok(throttle.globalRetryAfterMs() > 0, 'the budget is spent');
  assert.equal(throttle.retryAfterMs('198.51.100.77'), 1_000, 'a fresh source waits for the global refill too');
  clock.advance(1_000);
  assert.equal(throttle.retryAfterMs('198.51.100.77'), 0, 'one failure forgiven per globalRefillMs');
  throttle.recordFailure('198.51.100.77');
  assert.ok(throttle.retryAfterMs('198.51.100.78') > 0);
  clock.advance(10_000);
  assert.equal(throttle.globalRetryAfterMs(), 0);
});

test('without a global budget, sources are independent (the old behaviour, still the default)', () => {
  const clock = new ManualClock(0);
  const throttle = new JoinThrottle(clock, { burst: 1, refillMs: 60_000, maxSources: 1000 });
  for (let i = 0; i < 100; i++) throttle.recordFailure(`203.0.113.${i}`);
  assert.equal(throttle.globalRetryAfterMs(), 0);
  assert.equal(throttle.retryAfterMs('203.0.113.200'), 0);
});
