import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/testing/manual-clock';
import { PushCertificateProvider } from '../../src/transport/push-certificate-provider';
import { TrustStore } from '../../src/transport/trust-store';

function store() {
  const provider = new PushCertificateProvider();
  const pushed: string[] = [];
  provider.setCaCertificates = (pems) => void pushed.push(pems.join('|'));
  const clock = new ManualClock();
  return { trust: new TrustStore(provider, { clock, debounceMs: 25 }), clock, pushed };
}

test('membership answers change at once; a burst of changes is one bundle rebuild', async () => {
  const { trust, clock, pushed } = store();
  for (let i = 0; i < 500; i++) trust.set(`node${i}`, `ca${i}`);
  assert.equal(trust.isMember('node499'), true);
  trust.remove('node0');
  assert.equal(trust.isMember('node0'), false);
  assert.equal(pushed.length, 0);
  const settled = trust.settled();
  clock.advance(25);
  await settled;
  assert.equal(pushed.length, 1);
  assert.equal(pushed[0]!.split('|').length, 499);
  assert.equal(trust.pushCount(), 1);
});

test('unchanged sets do not rebuild; flush pushes at once; settled resolves immediately when idle', async () => {
  const { trust, clock, pushed } = store();
  trust.set('a', 'caA');
  trust.flush();
  assert.deepEqual(pushed, ['caA']);
  trust.set('a', 'caA');
  clock.advance(100);
  assert.equal(pushed.length, 1);
  assert.equal(trust.remove('missing'), false);
  await trust.settled();
});

test('rebuilds are spaced by 10x the last one\'s duration (capped), so a large bundle takes a bounded share of the loop', async () => {
  const provider = new PushCertificateProvider();
  const manual = new ManualClock();
  let cost = 0;
  // Each rebuild "takes" `cost` ms of the injected clock, as a secure context over many CAs does.
  let extra = 0;
  const clock = { now: () => manual.now() + extra, setTimeout: (fn: () => void, ms: number) => manual.setTimeout(fn, ms) };
  const pushedAt: number[] = [];
  provider.setCaCertificates = () => {
    extra += cost;
    pushedAt.push(clock.now());
  };
  const trust = new TrustStore(provider, { clock, debounceMs: 25 });
  cost = 50;
  trust.set('a', 'caA');
  manual.advance(25);
  assert.equal(pushedAt.length, 1);
  assert.equal(trust.lastRebuildMs(), 50);
  // The next change waits until 500 ms (10 × 50) after the end of that rebuild, not 25 ms.
  trust.set('b', 'caB');
  manual.advance(25);
  assert.equal(pushedAt.length, 1);
  const settled = trust.settled();
  manual.advance(500 - 25);
  await settled;
  assert.equal(pushedAt.length, 2);
  assert.equal(pushedAt[1]! - 50 - pushedAt[0]!, 500, 'started 500 ms after the first ended');
  // Capped at 2 s however slow a rebuild is; a cheap rebuild brings the spacing back to the debounce.
  cost = 1000;
  trust.set('c', 'caC');
  manual.advance(499);
  assert.equal(pushedAt.length, 2);
  manual.advance(1);
  assert.equal(pushedAt.length, 3);
  cost = 1;
  trust.set('d', 'caD');
  manual.advance(1999);
  assert.equal(pushedAt.length, 3);
  manual.advance(1);
  assert.equal(pushedAt.length, 4);
  trust.set('e', 'caE');
  manual.advance(25);
  assert.equal(pushedAt.length, 5);
  // spacingFactor 0: the debounce alone.
  const plain = new TrustStore(provider, { clock, debounceMs: 25, spacingFactor: 0 });
  cost = 50;
  plain.set('x', 'caX');
  manual.advance(25);
  plain.set('y', 'caY');
  manual.advance(25);
  assert.equal(plain.pushCount(), 2);
});
