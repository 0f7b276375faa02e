import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { NodeStateError } from '../../src/errors';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import { issueLeaf, verifyIssuedBy, type IssueLeafOptions, type Leaf } from '../../src/identity/leaf';
import { LeafRotator, type LeafRotatorOptions } from '../../src/identity/leaf-rotator';
import { createNodeCa, type NodeCa } from '../../src/identity/node-ca';
import { silentLogger } from '../../src/log/logger';
import { ManualClock } from '../../src/testing/manual-clock';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const HOUR = 3600_000;
const DAY = 24 * HOUR;

let ca: NodeCa;
let otherCa: NodeCa;
before(async () => {
  const [a, b] = await Promise.all([generateRsaKeyPair(1024), generateRsaKeyPair(1024)]);
  ca = createNodeCa({ keyPair: a, now: new Date(T0), lifetimeMs: 3650 * DAY });
  otherCa = createNodeCa({ keyPair: b, now: new Date(T0), lifetimeMs: 3650 * DAY });
});

/** A rotator on a manual clock whose issuer is observable (and breakable) from the test. */
function setup(overrides: Partial<LeafRotatorOptions> & { u?: number } = {}) {
  const clock = new ManualClock(T0);
  const calls: IssueLeafOptions[] = [];
  const control = { fail: false, issuer: undefined as NodeCa | undefined };
  const issue = async (issuingCa: NodeCa, opts: IssueLeafOptions): Promise<Leaf> => {
    calls.push(opts);
    if (control.fail) throw new Error('injected issuance failure');
    return issueLeaf(control.issuer ?? issuingCa, opts);
  };
  const rotator = new LeafRotator({
    ca,
    clock,
    random: { next: () => overrides.u ?? 0.5 },
    log: silentLogger(),
    lifetimeMs: HOUR,
    renewFraction: 0.5,
    jitterFraction: 0.1,
    ips: () => ['10.0.0.7'],
    keyBits: 1024,
    issue,
    ...overrides,
  });
  const seen: Leaf[] = [];
  rotator.onLeaf((leaf) => seen.push(leaf));
  return { clock, rotator, calls, control, seen };
}

/** Resolves with the next leaf the rotator publishes. */
function nextLeaf(rotator: LeafRotator): Promise<Leaf> {
  return new Promise((resolve) => {
    const off = rotator.onLeaf((leaf) => {
      off();
      resolve(leaf);
    });
  });
}

/** Lets pending promise callbacks and thread-pool work (keygen) settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('start issues a validated leaf, notifies listeners and schedules renewal at L·f·(1 + j·(2u − 1))', async () => {
  for (const [u, expected] of [[0, 0.45 * HOUR], [0.5, 0.5 * HOUR], [0.75, 0.525 * HOUR]] as const) {
    const { rotator, seen, calls } = setup({ u });
    const leaf = await rotator.start();
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0]!.ips, ['10.0.0.7']);
    assert.equal(calls[0]!.now.getTime(), T0);
    assert.deepEqual(seen, [leaf]);
    assert.equal(rotator.current(), leaf);
    assert.ok(verifyIssuedBy(leaf.certPem, ca.certPem));
    assert.deepEqual(rotator.stats(), { rotations: 1, failures: 0, consecutiveFailures: 0, nextRenewalAt: T0 + expected });
    rotator.stop();
  }
});

test('start is idempotent', async () => {
  const { rotator, calls } = setup();
  const [a, b] = await Promise.all([rotator.start(), rotator.start()]);
  assert.equal(a, b);
  assert.equal(await rotator.start(), a);
  assert.equal(calls.length, 1);
  rotator.stop();
});

test('renews once the renewal point passes, not before; the listener sees each new leaf', async () => {
  const { clock, rotator, calls, seen } = setup({ u: 0.2 });
  const first = await rotator.start();
  const due = rotator.stats().nextRenewalAt!;
  assert.ok(due >= T0 + 0.45 * HOUR && due < T0 + 0.55 * HOUR, 'inside the jitter window');

  clock.advanceTo(due - 1);
  await settle();
  assert.equal(calls.length, 1, 'not renewed before the renewal point');

  const renewed = nextLeaf(rotator);
  clock.advanceTo(due);
  const second = await renewed;
  assert.equal(calls.length, 2);
  assert.equal(calls[1]!.now.getTime(), due);
  assert.notEqual(second.fingerprint, first.fingerprint);
  assert.equal(rotator.current(), second);
  assert.deepEqual(seen, [first, second]);
  assert.equal(rotator.stats().rotations, 2);
  assert.equal(rotator.stats().nextRenewalAt, due + Math.round((second.notAfter.getTime() - due) * 0.5 * (1 + 0.1 * (2 * 0.2 - 1))));

  // And again from the new leaf's schedule.
  const third = nextLeaf(rotator);
  clock.advanceTo(rotator.stats().nextRenewalAt!);
  await third;
  assert.equal(seen.length, 3);
  rotator.stop();
});

test('rotateNow issues at once and reschedules from the new leaf', async () => {
  const { clock, rotator, seen } = setup();
  const first = await rotator.start();
  clock.advance(10 * 60_000);
  const second = await rotator.rotateNow('operator request');
  assert.notEqual(second.fingerprint, first.fingerprint);
  assert.equal(rotator.current(), second);
  assert.deepEqual(seen, [first, second]);
  assert.equal(rotator.stats().nextRenewalAt, T0 + 10 * 60_000 + 0.5 * HOUR);
  assert.equal(clock.pendingTimers(), 1, 'the old renewal timer was replaced');
  rotator.stop();
});

test('concurrent rotateNow calls share one issuance', async () => {
  const { rotator, calls, seen } = setup();
  await rotator.start();
  const results = await Promise.all([rotator.rotateNow('a'), rotator.rotateNow('b'), rotator.rotateNow('c')]);
  assert.equal(calls.length, 2);
  assert.equal(results[0], results[1]);
  assert.equal(results[1], results[2]);
  assert.equal(seen.length, 2);
  // Once settled, the next call issues again.
  await rotator.rotateNow('d');
  assert.equal(calls.length, 3);
  rotator.stop();
});

test('a throwing listener is logged and the others still get the leaf; unsubscribe works', async () => {
  const { rotator, seen } = setup();
  rotator.onLeaf(() => {
    throw new Error('listener boom');
  });
  rotator.onLeaf(() => Promise.reject(new Error('async listener boom')));
  const late: Leaf[] = [];
  const off = rotator.onLeaf((leaf) => late.push(leaf));
  const leaf = await rotator.start();
  await settle();
  assert.deepEqual(seen, [leaf]);
  assert.deepEqual(late, [leaf]);
  off();
  await rotator.rotateNow('again');
  assert.equal(seen.length, 2);
  assert.equal(late.length, 1);
  rotator.stop();
});

test('a failed renewal keeps the current leaf, counts the failure and retries after retryMs', async () => {
  const { clock, rotator, control, calls, seen } = setup({ retryMs: 5_000 });
  const first = await rotator.start();
  const due = rotator.stats().nextRenewalAt!;

  control.fail = true;
  clock.advanceTo(due);
  await settle();
  assert.equal(calls.length, 2);
  assert.equal(rotator.current(), first);
  assert.deepEqual(seen, [first]);
  assert.deepEqual(rotator.stats(), { rotations: 1, failures: 1, consecutiveFailures: 1, lastError: 'injected issuance failure', nextRenewalAt: due + 5_000 });

  // rotateNow reports the failure to its caller too.
  await assert.rejects(rotator.rotateNow('manual'), /injected issuance failure/);
  assert.equal(rotator.stats().failures, 2);
  assert.equal(rotator.stats().consecutiveFailures, 2);
  assert.equal(rotator.current(), first);

  control.fail = false;
  const recovered = nextLeaf(rotator);
  clock.advance(5_000);
  const second = await recovered;
  assert.equal(rotator.current(), second);
  assert.equal(rotator.stats().rotations, 2);
  assert.equal(rotator.stats().failures, 2);
  assert.equal(rotator.stats().consecutiveFailures, 0, 'a success resets the run of failures');
  rotator.stop();
});

test('default retry delay is a tenth of the remaining life, at most 30 s', async () => {
  const { clock, rotator, control } = setup({ lifetimeMs: 100_000 });
  const first = await rotator.start();
  control.fail = true;
  clock.advanceTo(rotator.stats().nextRenewalAt!);
  await settle();
  const remaining = first.notAfter.getTime() - clock.now();
  assert.equal(rotator.stats().nextRenewalAt, clock.now() + Math.round(remaining / 10));

  const long = setup();
  await long.rotator.start();
  long.control.fail = true;
  long.clock.advanceTo(long.rotator.stats().nextRenewalAt!);
  await settle();
  assert.equal(long.rotator.stats().nextRenewalAt, long.clock.now() + 30_000);
  rotator.stop();
  long.rotator.stop();
});

test('an ips() that throws is a failed rotation, not a stuck one', async () => {
  let broken = false;
  const { rotator, seen } = setup({
    retryMs: 5_000,
    ips: () => {
      if (broken) throw new Error('no interfaces');
      return ['10.0.0.7'];
    },
  });
  const first = await rotator.start();
  broken = true;
  await assert.rejects(rotator.rotateNow('x'), /no interfaces/);
  assert.equal(rotator.stats().failures, 1);
  assert.equal(rotator.current(), first);
  broken = false;
  const second = await rotator.rotateNow('y');
  assert.notEqual(second, first);
  assert.deepEqual(seen, [first, second]);
  rotator.stop();
});

test('a leaf that fails validation is never installed or published', async () => {
  const { rotator, control, seen } = setup({ retryMs: 5_000 });
  const first = await rotator.start();
  control.issuer = otherCa; // a well-formed leaf, but from the wrong CA
  await assert.rejects(rotator.rotateNow('bad'), (err: unknown) => (err as { code?: string }).code === 'ERR_INVALID_CERTIFICATE');
  assert.equal(rotator.current(), first);
  assert.deepEqual(seen, [first]);
  assert.equal(rotator.stats().failures, 1);
  assert.match(rotator.stats().lastError!, /not issued by node CA/);
  rotator.stop();
});

test('a failed start rejects and leaves nothing scheduled; start can be retried', async () => {
  const { clock, rotator, control, seen } = setup();
  control.fail = true;
  await assert.rejects(rotator.start(), /injected issuance failure/);
  assert.equal(rotator.current(), undefined);
  assert.equal(clock.pendingTimers(), 0);
  assert.equal(rotator.stats().failures, 1);
  await assert.rejects(rotator.rotateNow('x'), NodeStateError);
  control.fail = false;
  const leaf = await rotator.start();
  assert.deepEqual(seen, [leaf]);
  rotator.stop();
});

test('stop cancels renewal, is idempotent, and drops a rotation in flight', async () => {
  const { clock, rotator, calls, seen } = setup();
  await rotator.start();
  rotator.stop();
  rotator.stop();
  assert.equal(clock.pendingTimers(), 0);
  assert.equal(rotator.stats().nextRenewalAt, undefined);
  clock.advance(10 * HOUR);
  await settle();
  assert.equal(calls.length, 1);
  await assert.rejects(rotator.rotateNow('after stop'), (err: unknown) => (err as { code?: string }).code === 'ERR_NODE_STATE');

  // Restart, then stop while a rotation is in flight: its leaf is neither installed nor published.
  await rotator.start();
  const installed = rotator.current();
  const inFlight = rotator.rotateNow('racing stop');
  rotator.stop();
  await inFlight;
  assert.equal(rotator.current(), installed);
  assert.equal(seen.length, 2);
  assert.equal(clock.pendingTimers(), 0);
});

test('renewal points beyond the platform timer limit are reached by chained timers', async () => {
  const { clock, rotator, calls } = setup({ lifetimeMs: 90 * DAY, renewFraction: 0.5, jitterFraction: 0 });
  await rotator.start();
  assert.equal(rotator.stats().nextRenewalAt, T0 + 45 * DAY);
  clock.advance(30 * DAY); // past 2^31 - 1 ms (~24.8 days)
  await settle();
  assert.equal(calls.length, 1);
  assert.equal(clock.pendingTimers(), 1);
  const renewed = nextLeaf(rotator);
  clock.advance(15 * DAY);
  await renewed;
  assert.equal(calls.length, 2);
  rotator.stop();
});

test('constructor rejects options that could not renew before expiry', () => {
  const base = {
    ca, clock: new ManualClock(), random: { next: () => 0 }, log: silentLogger(), lifetimeMs: HOUR,
    renewFraction: 0.5, jitterFraction: 0.1, ips: () => [],
  };
  for (const bad of [{ renewFraction: 0 }, { renewFraction: 1 }, { jitterFraction: -0.1 }, { jitterFraction: 1 },
    { renewFraction: 0.9, jitterFraction: 0.2 }, { lifetimeMs: 10 }, { retryMs: 0 }]) {
    assert.throws(() => new LeafRotator({ ...base, ...bad }), RangeError, JSON.stringify(bad));
  }
});

test('ManualClock fires due timers in order, including ones scheduled while advancing', () => {
  const clock = new ManualClock(1000);
  const fired: string[] = [];
  clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
  clock.setTimeout(() => {
    fired.push(`a@${clock.now()}`);
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 5);
  }, 10);
  const cancelled = clock.setTimeout(() => fired.push('never'), 15);
  clock.setTimeout(() => fired.push(`d@${clock.now()}`), 20);
  clock.setTimeout(() => fired.push('later'), 100);
  cancelled.cancel();
  clock.advance(50);
  assert.deepEqual(fired, ['a@1010', 'c@1015', 'b@1020', 'd@1020']);
  assert.equal(clock.now(), 1050);
  assert.equal(clock.pendingTimers(), 1);
  assert.equal(clock.nextTimerAt(), 1100);
});

test('setCa during an issuance: the leaf of the old CA is never installed; it is re-issued from the new CA', async () => {
  const gates: Array<() => void> = [];
  const issuers: string[] = [];
  const { rotator, seen } = setup({
    issue: async (issuingCa, opts) => {
      issuers.push(issuingCa.fingerprint);
      if (issuers.length > 1) await new Promise<void>((resolve) => gates.push(resolve));
      return issueLeaf(issuingCa, opts);
    },
  });
  await rotator.start();
  const inFlight = rotator.rotateNow('before the switch');
  while (gates.length === 0) await new Promise((r) => setImmediate(r));
  rotator.setCa(otherCa);
  const afterSwitch = rotator.rotateNow('the switch');
  // Let every issuance finish, whichever order they are made in (a re-issue from the new CA may
  // start after the others have finished, so gates are opened until both rotations have settled).
  let settled = false;
  const both = Promise.all([inFlight, afterSwitch]).finally(() => (settled = true));
  while (!settled) {
    gates.splice(0).forEach((open) => open());
    await new Promise((r) => setTimeout(r, 5));
  }
  const [a, b] = await both;
  assert.ok(seen.length >= 2, 'both rotations installed a leaf');
  for (const leaf of [a, b, rotator.current()!]) assert.ok(verifyIssuedBy(leaf.certPem, otherCa.certPem), 'issued by the new CA');
  assert.ok(seen.slice(1).every((leaf) => verifyIssuedBy(leaf.certPem, otherCa.certPem)), 'no leaf of the old CA was installed after the switch');
  rotator.stop();
});
