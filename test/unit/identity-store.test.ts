import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, unlink, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { IdentityCorruptError } from '../../src/errors';
import { writeFileAtomic } from '../../src/identity/atomic-file';
import { identityPaths, loadOrCreateNodeCa, readNodeCaFiles } from '../../src/identity/identity-store';
import { silentLogger } from '../../src/log/logger';

const NOW = new Date(Date.UTC(2025, 0, 1, 12, 0, 0));
const CA_LIFE = 10 * 365 * 24 * 3600_000;
const posix = process.platform !== 'win32';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'g2g-identity-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const opts = () => ({ now: NOW, caLifetimeMs: CA_LIFE, log: silentLogger(), keyBits: 1024 });

function isCorrupt(re: RegExp) {
  return (err: unknown) => err instanceof IdentityCorruptError && err.code === 'ERR_IDENTITY_CORRUPT' && re.test(err.message);
}

/** A logger that keeps its lines, to assert on warnings. */
function capturingLogger(): { log: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

test('creates the identity on first run (recursively), then reloads the same one', async () => {
  const dataDir = join(tmp, 'nested', 'data');
  const first = await loadOrCreateNodeCa(dataDir, opts());
  assert.equal(first.created, true);
  const paths = identityPaths(dataDir);
  assert.equal(await readFile(paths.certPath, 'utf8'), first.ca.certPem);
  assert.equal(await readFile(paths.keyPath, 'utf8'), first.ca.keyPem);
  assert.deepEqual((await readdir(paths.dir)).sort(), ['node-ca-key.pem', 'node-ca.pem'], 'no temp files left');

  const second = await loadOrCreateNodeCa(dataDir, opts());
  assert.equal(second.created, false);
  assert.equal(second.ca.nodeId, first.ca.nodeId);
  assert.deepEqual(second.ca, first.ca);
  assert.deepEqual(await readNodeCaFiles(dataDir), first.ca);
});

test('file and directory modes: key 0600, cert 0644, directory 0700', { skip: !posix }, async () => {
  await loadOrCreateNodeCa(tmp, opts());
  const paths = identityPaths(tmp);
  assert.equal((await stat(paths.keyPath)).mode & 0o777, 0o600);
  assert.equal((await stat(paths.certPath)).mode & 0o777, 0o644);
  assert.equal((await stat(paths.dir)).mode & 0o777, 0o700);
});

test('a garbage key file is reported, not replaced', async () => {
  await loadOrCreateNodeCa(tmp, opts());
  const paths = identityPaths(tmp);
  const garbage = Buffer.from([0x00, 0xff, 0x13, 0x37, 0x2d, 0x2d, 0x0a, 0x80]);
  await writeFile(paths.keyPath, garbage);
  const certBefore = await readFile(paths.certPath);

  await assert.rejects(loadOrCreateNodeCa(tmp, opts()), isCorrupt(new RegExp(`${escape(paths.keyPath)} is not a PEM private key`)));
  assert.deepEqual(await readFile(paths.keyPath), garbage);
  assert.deepEqual(await readFile(paths.certPath), certBefore);
});

test('a garbage certificate file is reported, not replaced', async () => {
  await loadOrCreateNodeCa(tmp, opts());
  const paths = identityPaths(tmp);
  await writeFile(paths.certPath, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  await assert.rejects(loadOrCreateNodeCa(tmp, opts()), isCorrupt(new RegExp(`${escape(paths.certPath)} is not a PEM certificate`)));
  assert.equal(await readFile(paths.certPath, 'utf8'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
});

test('a key from another node CA is reported, and both files are left as they are', async () => {
  const other = join(tmp, 'other');
  await loadOrCreateNodeCa(tmp, opts());
  await loadOrCreateNodeCa(other, opts());
  const paths = identityPaths(tmp);
  const foreignKey = await readFile(identityPaths(other).keyPath);
  await writeFile(paths.keyPath, foreignKey);
  const certBefore = await readFile(paths.certPath);

  await assert.rejects(loadOrCreateNodeCa(tmp, opts()), isCorrupt(/are not a valid node CA: .*does not belong/));
  assert.deepEqual(await readFile(paths.keyPath), foreignKey);
  assert.deepEqual(await readFile(paths.certPath), certBefore);
});

test('a missing certificate next to a present key is reported, and the key is kept', async () => {
  await loadOrCreateNodeCa(tmp, opts());
  const paths = identityPaths(tmp);
  const key = await readFile(paths.keyPath);
  await unlink(paths.certPath);
  await assert.rejects(loadOrCreateNodeCa(tmp, opts()), isCorrupt(/certificate .* is missing.*Restore/s));
  assert.deepEqual(await readFile(paths.keyPath), key);
  await assert.rejects(stat(paths.certPath), { code: 'ENOENT' });
  await assert.rejects(readNodeCaFiles(tmp), isCorrupt(/is missing/));
});

test('a missing key next to a present certificate is reported', async () => {
  await loadOrCreateNodeCa(tmp, opts());
  await unlink(identityPaths(tmp).keyPath);
  await assert.rejects(loadOrCreateNodeCa(tmp, opts()), isCorrupt(/private key .* is missing/));
});

test('readNodeCaFiles never creates an identity', async () => {
  await assert.rejects(readNodeCaFiles(tmp), (err: unknown) => (err as { code?: string }).code === 'ERR_IDENTITY_MISSING');
  await assert.rejects(stat(identityPaths(tmp).keyPath), { code: 'ENOENT' });
});

test('warns when the key file is readable by group or others', { skip: !posix }, async () => {
  await loadOrCreateNodeCa(tmp, opts());
  const quiet = capturingLogger();
  await loadOrCreateNodeCa(tmp, { ...opts(), log: quiet.log });
  assert.equal(quiet.lines.filter((l) => l['level'] === 40).length, 0);

  await chmod(identityPaths(tmp).keyPath, 0o644);
  const loud = capturingLogger();
  await loadOrCreateNodeCa(tmp, { ...opts(), log: loud.log });
  const warnings = loud.lines.filter((l) => l['level'] === 40);
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]!['path'], identityPaths(tmp).keyPath);
  assert.equal(warnings[0]!['mode'], '0644');
  assert.ok(!JSON.stringify(loud.lines).includes('PRIVATE KEY'), 'no key material in logs');
});

test('writeFileAtomic writes with the mode, replaces by default, and refuses to clobber when exclusive', async () => {
  const path = join(tmp, 'f.txt');
  await writeFileAtomic(path, 'one', 0o600);
  assert.equal(await readFile(path, 'utf8'), 'one');
  if (posix) assert.equal((await stat(path)).mode & 0o777, 0o600);
  await writeFileAtomic(path, 'two', 0o640);
  assert.equal(await readFile(path, 'utf8'), 'two');
  if (posix) assert.equal((await stat(path)).mode & 0o777, 0o640);
  await assert.rejects(writeFileAtomic(path, 'three', 0o600, { exclusive: true }), { code: 'EEXIST' });
  assert.equal(await readFile(path, 'utf8'), 'two');
  assert.deepEqual(await readdir(tmp), ['f.txt'], 'temp files cleaned up');
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
