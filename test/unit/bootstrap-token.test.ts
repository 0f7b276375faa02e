import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/testing/manual-clock';
import { BOOTSTRAP_TOKEN_LABEL, seedBootstrapToken } from '../../src/tokens/bootstrap-token';
import { formatToken, generateTokenId, generateTokenSecret } from '../../src/tokens/token-format';
import { TokenStore } from '../../src/tokens/token-store';

const NODE = 'n'.repeat(32);
const clock = new ManualClock(1_700_000_000_000);
const newToken = () => formatToken({ id: generateTokenId(), secret: generateTokenSecret() });
const store = () => TokenStore.open({ origin: NODE, clock });

test('G2G_TOKEN is seeded as a never-expiring, reusable server token that verifies (the node accepts what it joins with)', async () => {
  const tokens = await store();
  const token = newToken();
  assert.throws(() => tokens.verify(token), /unknown/i);
  assert.equal(await seedBootstrapToken(tokens, token, { origin: NODE, clock }), 'seeded');
  const info = tokens.verify(token);
  assert.equal(info.mode, 'server');
  assert.equal(info.singleUse, false);
  assert.equal(info.expiresAt, null);
  assert.equal(info.label, BOOTSTRAP_TOKEN_LABEL);
  assert.equal(await seedBootstrapToken(tokens, token, { origin: NODE, clock }), 'present', 'a restart seeds nothing new');
  assert.equal(tokens.list().length, 1);
});

test('a revoked bootstrap token stays revoked when the node restarts with it in its environment', async () => {
  const tokens = await store();
  const token = newToken();
  await seedBootstrapToken(tokens, token, { origin: NODE, clock });
  await tokens.revoke(tokens.list()[0]!.id);
  assert.equal(await seedBootstrapToken(tokens, token, { origin: NODE, clock }), 'inactive');
  assert.throws(() => tokens.verify(token), /revoked/i);
});

test('a rotated bootstrap token keeps its new secret; the old one in the environment is not put back', async () => {
  const tokens = await store();
  const token = newToken();
  await seedBootstrapToken(tokens, token, { origin: NODE, clock });
  const rotated = await tokens.rotate(tokens.list()[0]!.id);
  assert.equal(await seedBootstrapToken(tokens, token, { origin: NODE, clock }), 'rotated');
  assert.throws(() => tokens.verify(token));
  assert.equal(tokens.verify(rotated.token).mode, 'server');
});
