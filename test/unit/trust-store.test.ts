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
