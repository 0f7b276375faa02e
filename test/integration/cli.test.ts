import assert from 'node:assert/strict';
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { X509Certificate } from 'node:crypto';
import { removeDir, runCli, tempDir } from '../helpers/node-process';

const noStackTrace = (text: string) => assert.doesNotMatch(text, /^\s+at .+\(.+:\d+:\d+\)$/m, 'no stack trace');

test('bad config values fail start-up with exit 2, one message listing every bad key, no stack trace', async () => {
  const dir = await tempDir();
  try {
    const result = await runCli(['start', '--data-dir', dir, '--gossip-port', 'abc', '--cluster', 'Not A Name'], { env: { G2G_LOG_LEVEL: 'loud' } });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /gossipPort/);
    assert.match(result.stderr, /cluster/);
    assert.match(result.stderr, /logLevel/);
    assert.match(result.stderr, /G2G_LOG_LEVEL/);
    noStackTrace(result.stderr);
    await assert.rejects(stat(path.join(dir, 'identity')), { code: 'ENOENT' }, 'nothing was created');
  } finally {
    await removeDir(dir);
  }
});

test('an unknown key in the config file and an unknown flag are refused with exit 2', async () => {
  const dir = await tempDir();
  try {
    const file = path.join(dir, 'g2g.json');
    await writeFile(file, JSON.stringify({ cluster: 'prod', gossipPrt: 1 }));
    const fromFile = await runCli(['start', '--data-dir', dir, '--config', file]);
    assert.equal(fromFile.code, 2);
    assert.match(fromFile.stderr, /gossipPrt/);
    const flag = await runCli(['start', '--data-dir', dir, '--no-such-flag', 'x']);
    assert.equal(flag.code, 2, flag.stderr);
    assert.match(flag.stderr, /no-such-flag/);
    noStackTrace(flag.stderr);
  } finally {
    await removeDir(dir);
  }
});

test('g2g config masks secrets; env and flags override the file', async () => {
  const dir = await tempDir();
  try {
    const file = path.join(dir, 'g2g.json');
    await writeFile(file, JSON.stringify({ cluster: 'from-file', registerPort: 1111, gossipPort: 2222 }));
    const result = await runCli(['config', '--json', '--config', file, '--gossip-port', '3333'], {
      env: { G2G_REGISTER_PORT: '4444', G2G_TOKEN: 'abc123.supersecretvalue' },
    });
    assert.equal(result.code, 0, result.stderr);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(printed.cluster, 'from-file');
    assert.equal(printed.registerPort, 4444);
    assert.equal(printed.gossipPort, 3333);
    assert.equal(printed.token, '[masked]');
    assert.doesNotMatch(result.stdout, /supersecretvalue/);
  } finally {
    await removeDir(dir);
  }
});

test('version, help and usage errors', async () => {
  const version = await runCli(['version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^g2g \d+\.\d+\.\d+/);
  assert.match(JSON.parse((await runCli(['version', '--json'])).stdout).version, /^\d+\.\d+\.\d+/);
  for (const command of ['start', 'status', 'rotate', 'credentials', 'config', 'version']) {
    const help = await runCli([command, '--help']);
    assert.equal(help.code, 0, command);
    assert.match(help.stdout, /Usage: g2g/, command);
  }
  const missing = await runCli(['credentials', '--out', '/tmp/x']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^g2g: .*--name/);
  // The same pointer to the command's own help as commander's errors get.
  assert.match(missing.stderr, /^usage: g2g credentials .* \(see g2g credentials --help\)$/m);
});

test('g2g status without a running node is one clear line and exit 1', async () => {
  const dir = await tempDir();
  try {
    const result = await runCli(['status', '--data-dir', dir]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.match(result.stderr, /no running node found/);
  } finally {
    await removeDir(dir);
  }
});

test('g2g credentials writes an operator certificate, its key (0600) and the CA', async () => {
  const dir = await tempDir();
  try {
    // Any command that loads the identity creates it; start a node briefly via credentials' error first.
    const none = await runCli(['credentials', '--name', 'alice', '--out', path.join(dir, 'creds'), '--data-dir', dir]);
    assert.equal(none.code, 1, 'no identity yet: nothing to issue from');
    noStackTrace(none.stderr);

    const { startNodeProcess } = await import('../helpers/node-process');
    const node = await startNodeProcess({ dataDir: dir });
    await node.stop();
    const out = path.join(dir, 'creds');
    const result = await runCli(['credentials', '--name', 'alice', '--out', out, '--ttl', '2h', '--data-dir', dir, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const info = JSON.parse(result.stdout) as { nodeId: string; notAfter: string };
    assert.equal(info.nodeId, node.facts.nodeId);
    assert.equal((await stat(path.join(out, 'key.pem'))).mode & 0o777, 0o600);
    const cert = new X509Certificate(await readFile(path.join(out, 'cert.pem')));
    const ca = new X509Certificate(await readFile(path.join(out, 'ca.pem')));
    assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey));
    assert.match(cert.subject, /CN=alice/);
    assert.match(cert.subject, /OU=g2g-operator/);
    const lifetime = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    assert.ok(lifetime <= 2 * 3600_000 + 10 * 60_000 && lifetime >= 2 * 3600_000, `lifetime ${lifetime}`);
    const badTtl = await runCli(['credentials', '--name', 'bob', '--out', out, '--ttl', 'forever', '--data-dir', dir]);
    assert.equal(badTtl.code, 2);
    const badName = await runCli(['credentials', '--name', 'bad name!', '--out', out, '--data-dir', dir]);
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /name/);
  } finally {
    await removeDir(dir);
  }
});

test('a corrupted key file is a clear start-up error and the file is left untouched', async () => {
  const dir = await tempDir();
  try {
    const { startNodeProcess } = await import('../helpers/node-process');
    const node = await startNodeProcess({ dataDir: dir });
    await node.stop();
    const keyFile = path.join(dir, 'identity', 'node-ca-key.pem');
    await mkdir(path.dirname(keyFile), { recursive: true });
    await writeFile(keyFile, 'not a key at all\n', { mode: 0o600 });
    const result = await runCli(['start', '--profile', 'local', '--data-dir', dir, '--register-port', '0', '--gossip-port', '0']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /node-ca-key\.pem/);
    noStackTrace(result.stderr);
    assert.equal(await readFile(keyFile, 'utf8'), 'not a key at all\n');
  } finally {
    await removeDir(dir);
  }
});

test('a node whose every way in fails says so in one line, exits 1, leaks no secret and leaves nothing running', async () => {
  const dir = await tempDir();
  try {
    // Port 9 on loopback: nothing listens there. A ticket, not G2G_TOKEN: a node that holds the
    // token and finds no other node starts as the first one (identical pods), so it would not fail.
    const result = await runCli(['start', '--profile', 'local', '--data-dir', dir, '--register-port', '0', '--gossip-port', '0', '--join-retry-time', '0'], {
      env: { G2G_JOIN: 'g2g://abcdefghij.verysecretsecretverysecretsecretab@127.0.0.1:9?mode=server' },
    });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /could not join the network/);
    assert.doesNotMatch(result.stderr + result.stdout, /verysecretsecret/);
    noStackTrace(result.stderr);
    await assert.rejects(stat(path.join(dir, 'runtime.json')), { code: 'ENOENT' });
  } finally {
    await removeDir(dir);
  }
});
