import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { call } from '../helpers/clients';
import { removeDir, runCli, startNodeProcess, tempDir, type NodeProcess } from '../helpers/node-process';

const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

test('an invalid kv config value fails start-up with exit 2, naming the key, whatever pluginsFailOnError says', async () => {
  const dataDir = await tempDir();
  cleanups.push(() => removeDir(dataDir));
  const r = await runCli(['start', '--profile', 'local', '--data-dir', dataDir, '--register-port', '0', '--gossip-port', '0', '--log-level', 'warn'], {
    env: { G2G_PLUGIN_KV_MAX_KEY_BYTES: '0', G2G_PLUGINS_FAIL_ON_ERROR: 'false' },
  });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /plugins\.kv/);
  assert.match(r.stderr, /maxKeyBytes/);
});

test('kv that fails to load (corrupt snapshot.json): the node serves on, says so in a warn line, g2g plugins and health NOT_SERVING', async () => {
  const first = await startNodeProcess({ env: { G2G_PLUGIN_KV_FSYNC: 'false' } });
  cleanups.push(() => removeDir(first.dataDir));
  await first.stop('SIGTERM');
  await writeFile(path.join(first.dataDir, 'plugins', 'kv', 'snapshot.json'), '{"format":1,"entries":[{"k":');
  const node: NodeProcess = await startNodeProcess({ dataDir: first.dataDir, args: ['--health-port', '0'], env: { G2G_PLUGIN_KV_FSYNC: 'false' } });
  cleanups.push(() => node.stop('SIGKILL'));
  const warn = node
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .find((l) => l.level === 40 && l.msg.startsWith('plugin kv is not running'));
  assert.ok(warn, `a warn line says kv is not running:\n${node.stderr()}`);
  assert.match(warn.msg, /NOT_SERVING/);

  const plugins = await runCli(['plugins', '--data-dir', node.dataDir]);
  assert.equal(plugins.code, 0, plugins.stderr);
  assert.match(plugins.stdout, /kv\s+\S+\s+failed/);
  assert.match(plugins.stdout, /kv: .*snapshot|kv: .*kv store/);

  const { service } = await import('grpc-health-check');
  const Plain = grpc.makeClientConstructor(service, 'Health');
  const client = new Plain(`127.0.0.1:${node.facts.healthPort}`, grpc.credentials.createInsecure());
  try {
    for (const name of ['g2g.kv.v1.KeyValue', 'g2g.kv.v1.KeyValueSync']) {
      assert.equal((await call<{ status: string }>(client, 'Check', { service: name })).status, 'NOT_SERVING', name);
    }
    assert.equal((await call<{ status: string }>(client, 'Check', { service: '' })).status, 'SERVING', 'the node itself serves');
  } finally {
    client.close();
  }
});
