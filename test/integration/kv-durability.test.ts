import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { LOG_FILE } from '../../plugins/kv/entry-log';
import { Replica } from '../../plugins/kv/replica';
import { createLogger } from '../../src/log/logger';
import { ManualClock } from '../../src/testing/manual-clock';
import { call } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { KvCluster } from '../helpers/kv-cluster';
import { removeDir, startNodeProcess, tempDir, type NodeProcess } from '../helpers/node-process';

const run = promisify(execFile);
const KV_SERVICE = 'g2g.kv.v1.KeyValue';

/** Runs `mount` (we are root in CI); the reason it failed, if it did. */
async function mount(...args: string[]): Promise<string | undefined> {
  try {
    await run('mount', args);
    return undefined;
  } catch (error) {
    return (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
  }
}

async function healthOf(node: NodeProcess, service: string): Promise<string> {
  const { service: definition } = await import('grpc-health-check');
  const Plain = grpc.makeClientConstructor(definition, 'Health');
  const client = new Plain(`127.0.0.1:${node.facts.healthPort}`, grpc.credentials.createInsecure());
  try {
    return (await call<{ status: string }>(client, 'Check', { service }, 5_000)).status;
  } finally {
    client.close();
  }
}

describe('kv durability', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('on a full disk: every acknowledged write survives kill -9, no failed write is ever served, health follows the disk', async (t) => {
    const mountPoint = await tempDir('g2g-kv-tmpfs-');
    const failed = await mount('-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint);
    if (failed) {
      t.skip(`cannot mount a tmpfs (${failed}): the full-disk test needs root`);
      console.log(`# skipped: cannot mount a tmpfs: ${failed}`);
      return;
    }
    cleanups.push(async () => {
      await run('umount', [mountPoint]);
      await rmdir(mountPoint);
    });
    const dataDir = path.join(mountPoint, 'node');
    await mkdir(dataDir);
    const env = { G2G_PLUGIN_KV_FSYNC: 'true', G2G_PLUGIN_KV_STORAGE_PROBE_INTERVAL: '200ms' };
    const args = ['--health-port', '0'];
    const cluster = new KvCluster();
    cleanups.push(() => cluster.close());
    let node = await startNodeProcess({ dataDir, env, args });
    cluster.nodes.push(node);
    assert.equal(await healthOf(node, KV_SERVICE), 'SERVING');

    const value = (i: number) => `${i}:`.padEnd(16_384, String.fromCharCode(97 + (i % 26)));
    const acknowledged: number[] = [];
    const refused: number[] = [];
    for (let i = 0; i < 400 && refused.length < 8; i++) {
      try {
        await cluster.put(node, `k${i}`, value(i));
        acknowledged.push(i);
      } catch (error) {
        const e = error as grpc.ServiceError;
        assert.equal(e.code, grpc.status.UNAVAILABLE, `a write on a full disk fails UNAVAILABLE: ${e.message}`);
        assert.equal(e.metadata.get('g2g-error-code')[0], 'ERR_KV_STORAGE');
        refused.push(i);
      }
    }
    assert.ok(acknowledged.length > 10 && refused.length > 0, `the disk filled up: ${acknowledged.length} acknowledged, ${refused.length} refused`);
    // Refused writes are not served now (the old code merged them in memory first).
    for (const i of refused) assert.equal(await cluster.get(node, `k${i}`), undefined, `refused write k${i} is not served`);
    assert.equal(await healthOf(node, KV_SERVICE), 'NOT_SERVING');

    // More room: the store's probe finds it and health comes back without a client write.
    assert.equal(await mount('-o', 'remount,size=16m', mountPoint), undefined);
    await eventually('kv health is SERVING again', async () => (await healthOf(node, KV_SERVICE)) === 'SERVING', 20_000, 100);
    await cluster.put(node, 'after-growth', 'yes');

    await node.stop('SIGKILL');
    node = await cluster.restart(node, { ...env });
    for (const i of acknowledged) assert.equal(await cluster.get(node, `k${i}`), value(i), `acknowledged write k${i} survived`);
    for (const i of refused) assert.equal(await cluster.get(node, `k${i}`), undefined, `refused write k${i} did not come back`);
    assert.equal(await cluster.get(node, 'after-growth'), 'yes');
  });

  it('a read-only snapshot directory: writes are still acknowledged and durable; the compaction failure is logged and retried', async (t) => {
    const dir = await tempDir('g2g-kv-ro-');
    cleanups.push(() => removeDir(dir));
    const lines: { level: number; msg: string }[] = [];
    const log = createLogger('warn', { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const open = async () => {
      const replica = new Replica(
        {
          nodeId: 'me',
          dir,
          wallClock: () => clock.now(),
          clock,
          publish: async () => undefined,
          authorship: { sign: async () => new Uint8Array(0), verify: () => 'valid' },
          onWritable: () => undefined,
          log,
        },
        { maxKeyBytes: 64, maxValueBytes: 1024, tombstoneRetentionMs: 86_400_000, fsync: true, compactAfter: 5, maxClockDriftMs: 60_000, storageProbeMs: 1000 },
      );
      await replica.load();
      return replica;
    };
    const first = await open();
    // The log is open already; from now on nothing new can be created in the directory (a
    // read-only bind mount over it: as root, chmod would not stop us).
    const failed = await mount('--bind', dir, dir);
    if (failed) {
      t.skip(`cannot bind-mount (${failed}): the read-only directory test needs root`);
      await first.close();
      return;
    }
    let mounted = true;
    const unmount = async () => {
      if (mounted) await run('umount', [dir]);
      mounted = false;
    };
    cleanups.push(unmount);
    assert.equal(await mount('-o', 'remount,bind,ro', dir), undefined);
    for (let i = 0; i < 12; i++) await first.put(`k${i}`, Buffer.from(`v${i}`)); // the old code failed the 5th
    const warned = lines.filter((l) => /could not fold the kv log/.test(l.msg));
    assert.ok(warned.length >= 1, 'the compaction failure is logged');
    assert.equal(warned.length, 1, 'and not retried on every write (backoff)');
    await unmount();
    // Past the backoff, the next write's compaction succeeds: the log is folded (short again).
    clock.advance(2_000);
    await first.put('k12', Buffer.from('v12'));
    const logLines = (await readFile(path.join(dir, LOG_FILE), 'utf8')).split('\n').filter(Boolean).length;
    assert.ok(logLines < 5, `the log was folded once the directory was writable (${logLines} records)`);
    // A crash (no close): every write is there.
    const second = await open();
    for (let i = 0; i <= 12; i++) assert.equal(Buffer.from(second.state.get(`k${i}`)!.value).toString(), `v${i}`);
    await second.close();
    await first.close().catch(() => undefined);
  });
});
