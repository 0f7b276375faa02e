import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ManualClock } from '../../src/testing/manual-clock';
import type { TokenEntry } from '../../src/tokens/token-entry';
import { compareVersions } from '../../src/tokens/token-entry';
import { constantTimeEqual, deriveTokenKey, parseToken } from '../../src/tokens/token-format';
import { DEFAULT_TOMBSTONE_RETENTION_MS, TOKENS_FILE, TokenStore } from '../../src/tokens/token-store';
import { tokenEntryFromWire, tokenEntryToWire } from '../../src/tokens/token-wire';
import type { TokenSyncRecord__Output } from '../../src/proto/generated/g2g/v1/TokenSyncRecord';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'g2g-tokens-'));
  dirs.push(dir);
  return dir;
}

const NODE_A = 'a'.repeat(32);
const NODE_B = 'b'.repeat(32);

function memoryStore(clock = new ManualClock(1_700_000_000_000), origin = NODE_A): Promise<TokenStore> {
  return TokenStore.open({ origin, clock });
}

test('create returns <id>.<secret> once; list and get never show the secret or key', async () => {
  const store = await memoryStore();
  const issued = await store.create({ mode: 'server', label: 'rack 3' });
  const { id, secret } = parseToken(issued.token);
  assert.match(id, /^[a-z2-7]{10}$/);
  assert.match(secret, /^[a-z2-7]{32}$/, '160-bit base32 secret');
  assert.equal(issued.info.id, id);
  assert.equal(issued.info.status, 'active');
  const listed = store.list();
  assert.equal(listed.length, 1);
  const shown = JSON.stringify([listed, store.get(id)]);
  assert.ok(!shown.includes(secret), 'secret never listed');
  assert.ok(!shown.includes(deriveTokenKey(secret).toString('base64url')), 'key never listed');
  assert.deepEqual(Object.keys(listed[0]!).sort(), ['createdAt', 'expiresAt', 'id', 'label', 'mode', 'origin', 'singleUse', 'status', 'updatedAt']);
});

test('verify accepts the right secret and refuses a wrong one with a coded error', async () => {
  const store = await memoryStore();
  const { token, info } = await store.create({ mode: 'client' });
  assert.equal(store.verify(token).id, info.id);
  const wrong = `${info.id}.${'a'.repeat(32)}`;
  assert.throws(() => store.verify(wrong), (e: Error & { code?: string }) => e.code === 'ERR_TOKEN_SECRET_MISMATCH' && !e.message.includes('a'.repeat(32)));
  assert.throws(() => store.verify(`zzzzzzzzzz.${'a'.repeat(32)}`), { code: 'ERR_TOKEN_UNKNOWN' });
  assert.throws(() => store.verify('not-a-token'), { code: 'ERR_INVALID_TOKEN' });
});

test('secrets are compared with crypto.timingSafeEqual (also when lengths differ)', async () => {
  const store = await memoryStore();
  const { token } = await store.create({ mode: 'server' });
  const original = crypto.timingSafeEqual;
  let calls = 0;
  crypto.timingSafeEqual = ((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    calls++;
    return original(a, b);
  }) as typeof original;
  try {
    store.verify(token);
    assert.equal(calls, 1);
    assert.equal(constantTimeEqual(Buffer.alloc(3), Buffer.alloc(4)), false);
    assert.equal(calls, 2, 'a length mismatch still runs one comparison');
  } finally {
    crypto.timingSafeEqual = original;
  }
});

test('expiry: a token past its ttl is refused and listed as expired', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const store = await memoryStore(clock);
  const { token, info } = await store.create({ mode: 'server', ttlMs: 60_000 });
  assert.equal(info.expiresAt, clock.now() + 60_000);
  store.verify(token);
  clock.advance(60_000);
  assert.throws(() => store.verify(token), { code: 'ERR_TOKEN_EXPIRED' });
  assert.deepEqual(store.list(), []);
  assert.equal(store.list({ includeInactive: true })[0]?.status, 'expired');
});

test('invalid requests are refused with a coded error', async () => {
  const store = await memoryStore();
  await assert.rejects(store.create({ mode: 'admin' as 'server' }), { code: 'ERR_INVALID_TOKEN_REQUEST' });
  await assert.rejects(store.create({ mode: 'server', ttlMs: -1 }), { code: 'ERR_INVALID_TOKEN_REQUEST' });
  await assert.rejects(store.create({ mode: 'server', ttlMs: 1.5 }), { code: 'ERR_INVALID_TOKEN_REQUEST' });
  await assert.rejects(store.create({ mode: 'server', label: 'x'.repeat(129) }), { code: 'ERR_INVALID_TOKEN_REQUEST' });
  await assert.rejects(store.create({ mode: 'server', label: 'bell\u0007' }), { code: 'ERR_INVALID_TOKEN_REQUEST' });
  assert.deepEqual(store.list({ includeInactive: true }), []);
});

test('revoke is final: the token is refused, stays listed as revoked, and cannot be rotated', async () => {
  const store = await memoryStore();
  const { token, info } = await store.create({ mode: 'server' });
  const revoked = await store.revoke(info.id);
  assert.equal(revoked.status, 'revoked');
  assert.throws(() => store.verify(token), { code: 'ERR_TOKEN_REVOKED' });
  assert.equal((await store.revoke(info.id)).status, 'revoked', 'revoking twice is a no-op');
  await assert.rejects(store.rotate(info.id), { code: 'ERR_TOKEN_REVOKED' });
  await assert.rejects(store.revoke('zzzzzzzzzz'), { code: 'ERR_TOKEN_UNKNOWN' });
});

test('rotate keeps the id, issues a new secret, and the old secret stops working', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const store = await memoryStore(clock);
  const first = await store.create({ mode: 'server', label: 'ci' });
  clock.advance(1000);
  const second = await store.rotate(first.info.id);
  assert.equal(second.info.id, first.info.id);
  assert.notEqual(second.token, first.token);
  assert.equal(second.info.label, 'ci');
  assert.ok(second.info.updatedAt > first.info.updatedAt);
  assert.throws(() => store.verify(first.token), { code: 'ERR_TOKEN_SECRET_MISMATCH' });
  assert.equal(store.verify(second.token).id, first.info.id);
});

test('single-use: one reservation at a time; commit marks it used, release gives it back', async () => {
  const store = await memoryStore();
  const { info } = await store.create({ mode: 'server', singleUse: true });
  const lease = store.reserve(info.id);
  assert.throws(() => store.reserve(info.id), (e: Error & { code?: string }) => e.code === 'ERR_TOKEN_USED' && /in progress/.test(e.message));
  lease.release();
  const again = store.reserve(info.id);
  await again.commit();
  assert.throws(() => store.usable(info.id), (e: Error & { code?: string }) => e.code === 'ERR_TOKEN_USED' && /already been used/.test(e.message));
  assert.equal(store.get(info.id)?.status, 'used');
  // A reusable token is never held.
  const reusable = await store.create({ mode: 'server' });
  store.reserve(reusable.info.id);
  store.reserve(reusable.info.id);
});

test('persistence: tokens.json is 0600, atomic, has keys but no secrets, and reloads', async () => {
  const dir = await dataDir();
  const clock = new ManualClock(1_700_000_000_000);
  const store = await TokenStore.open({ dataDir: dir, origin: NODE_A, clock });
  const { token, info } = await store.create({ mode: 'server', ttlMs: 3_600_000, singleUse: true, label: 'laptop' });
  const { secret } = parseToken(token);
  const path = join(dir, TOKENS_FILE);
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  const text = await readFile(path, 'utf8');
  assert.ok(!text.includes(secret), 'the file never holds a secret');
  const reloaded = await TokenStore.open({ dataDir: dir, origin: NODE_A, clock });
  assert.deepEqual(reloaded.get(info.id), info);
  assert.equal(reloaded.verify(token).id, info.id);
  await reloaded.revoke(info.id);
  const third = await TokenStore.open({ dataDir: dir, origin: NODE_A, clock });
  assert.equal(third.get(info.id)?.status, 'revoked');
});

test('a corrupt tokens.json is refused and left untouched', async () => {
  const dir = await dataDir();
  const path = join(dir, TOKENS_FILE);
  for (const content of ['{not json', '{"format":"other","version":1,"tokens":[]}', JSON.stringify({ format: 'g2g-tokens', version: 1, tokens: [{ id: 'x' }] })]) {
    await writeFile(path, content, { mode: 0o600 });
    await assert.rejects(TokenStore.open({ dataDir: dir, origin: NODE_A, clock: new ManualClock() }), { code: 'ERR_TOKEN_STORE_CORRUPT' });
    assert.equal(await readFile(path, 'utf8'), content);
  }
});

test('a mutation that cannot be persisted has no effect', async () => {
  const dir = await dataDir();
  const store = await TokenStore.open({ dataDir: join(dir, 'missing-dir'), origin: NODE_A, clock: new ManualClock() });
  await assert.rejects(store.create({ mode: 'server' }));
  assert.deepEqual(store.list({ includeInactive: true }), []);
});

/** Which version of each token a store holds: equal on two stores means they converged. */
function versions(store: { snapshot(): { id: string; updatedAt: number; origin: string; state: string }[] }): string[] {
  return store.snapshot().map((e) => `${e.id} ${e.updatedAt} ${e.origin} ${e.state}`).sort();
}

test('merge: last writer wins by (updatedAt, origin); both sides converge', async () => {
  const clockA = new ManualClock(1_700_000_000_000);
  const clockB = new ManualClock(1_700_000_000_000);
  const a = await memoryStore(clockA, NODE_A);
  const b = await memoryStore(clockB, NODE_B);
  const { info } = await a.create({ mode: 'server', label: 'shared' });
  assert.deepEqual((await b.merge(a.snapshot())).updated, [info.id]);
  assert.deepEqual(versions(b), versions(a));
  // Both rotate; B's is later, so B's key wins everywhere.
  clockA.advance(10);
  const rotatedA = await a.rotate(info.id);
  clockB.advance(20);
  const rotatedB = await b.rotate(info.id);
  await a.merge(b.snapshot());
  await b.merge(a.snapshot());
  assert.deepEqual(versions(a), versions(b));
  assert.equal(a.verify(rotatedB.token).id, info.id);
  assert.throws(() => a.verify(rotatedA.token), { code: 'ERR_TOKEN_SECRET_MISMATCH' });
  // Merging the same versions again changes nothing.
  assert.deepEqual((await a.merge(b.snapshot())).updated, []);
});

test('merge: a revocation (tombstone) beats a later rotation from a clock that runs ahead', async () => {
  const clockA = new ManualClock(1_700_000_000_000);
  const clockB = new ManualClock(1_700_000_000_000 + 3_600_000); // B's clock is an hour ahead
  const a = await memoryStore(clockA, NODE_A);
  const b = await memoryStore(clockB, NODE_B);
  const { info } = await a.create({ mode: 'server' });
  await b.merge(a.snapshot());
  await a.revoke(info.id);
  const rotated = await b.rotate(info.id);
  await a.merge(b.snapshot());
  await b.merge(a.snapshot());
  assert.equal(a.get(info.id)?.status, 'revoked');
  assert.equal(b.get(info.id)?.status, 'revoked');
  assert.throws(() => b.verify(rotated.token), { code: 'ERR_TOKEN_REVOKED' });
});

test('merge: a used single-use token stays used everywhere; malformed entries are reported, not taken', async () => {
  const a = await memoryStore(new ManualClock(1_700_000_000_000), NODE_A);
  const b = await memoryStore(new ManualClock(1_700_000_000_000), NODE_B);
  const { info } = await a.create({ mode: 'server', singleUse: true });
  await b.merge(a.snapshot());
  await a.reserve(info.id).commit();
  await b.merge(a.snapshot());
  assert.throws(() => b.usable(info.id), { code: 'ERR_TOKEN_USED' });
  const bad = { ...a.snapshot()[0]!, id: 'qqqqqqqqqq', key: Buffer.alloc(5) } as TokenEntry;
  const result = await b.merge([bad]);
  assert.deepEqual(result.updated, []);
  assert.equal(result.rejected[0]?.problem, 'key is not 32 bytes');
  assert.equal(b.get('qqqqqqqqqq'), undefined);
});

test('compareVersions: tombstones first, then updatedAt, then origin', () => {
  const base: TokenEntry = {
    id: 'aaaaaaaaaa', key: Buffer.alloc(32), mode: 'server', label: '', createdAt: 1, updatedAt: 10,
    expiresAt: null, singleUse: false, state: 'active', origin: NODE_A,
  };
  assert.ok(compareVersions({ ...base, updatedAt: 11 }, base) > 0);
  assert.ok(compareVersions({ ...base, origin: NODE_B }, base) > 0);
  assert.ok(compareVersions({ ...base, state: 'revoked', updatedAt: 1 }, { ...base, updatedAt: 99 }) > 0);
  assert.equal(compareVersions(base, { ...base }), 0);
});

test('wire round trip of a sync record keeps every field; onChange reports local changes and merges', async () => {
  const a = await memoryStore(new ManualClock(1_700_000_000_000), NODE_A);
  const b = await memoryStore(new ManualClock(1_700_000_000_000), NODE_B);
  const seen: string[] = [];
  b.onChange((entries, source) => seen.push(`${source}:${entries.map((e) => e.id).join(',')}`));
  const { info } = await a.create({ mode: 'client', ttlMs: 5000, singleUse: true, label: 'x' });
  const entry = a.snapshot()[0]!;
  const wire = tokenEntryToWire(entry) as unknown as TokenSyncRecord__Output;
  assert.deepEqual(tokenEntryFromWire(wire), entry);
  await b.merge([tokenEntryFromWire(wire)]);
  await b.revoke(info.id);
  assert.deepEqual(seen, [`merge:${info.id}`, `local:${info.id}`]);
});

test('prune forgets tombstones and expired tokens after the retention, and merge does not take them back', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const store = await memoryStore(clock);
  const revoked = await store.create({ mode: 'server' });
  await store.revoke(revoked.info.id);
  const expiring = await store.create({ mode: 'server', ttlMs: 1000 });
  const alive = await store.create({ mode: 'server' });
  const old = store.snapshot();
  clock.advance(DEFAULT_TOMBSTONE_RETENTION_MS + 2000);
  assert.equal(await store.prune(), 2);
  assert.deepEqual(store.list({ includeInactive: true }).map((i) => i.id), [alive.info.id]);
  assert.deepEqual((await store.merge(old)).updated, []);
  assert.equal(store.get(expiring.info.id), undefined);
});
