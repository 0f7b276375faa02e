import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { lockDataDir, DataDirLockedError } from '../../src/node/data-dir-lock';
import { KvCluster } from '../helpers/kv-cluster';
import { removeDir, runCli, startNodeProcess, tempDir, type NodeProcess } from '../helpers/node-process';

/**
 * sha256 and mode of every file under `dir` (recursively), by relative path. Not mtimes: the
 * live node itself rewrites membership.json (same content) on its own schedule.
 */
async function checksums(dir: string, base = dir): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, await checksums(full, base));
    else {
      const st = await stat(full);
      out[path.relative(base, full)] = `${createHash('sha256').update(await readFile(full)).digest('hex')} ${st.mode.toString(8)}`;
    }
  }
  return out;
}

async function waitForFile(file: string): Promise<void> {
  for (let tries = 0; tries < 2_400; tries++) {
    try {
      await stat(file);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  assert.fail(`${file} never appeared`);
}

describe('one owner per data dir', () => {
  const dirs: string[] = [];
  const nodes: NodeProcess[] = [];
  after(async () => {
    for (const n of nodes) await n.stop('SIGKILL');
    for (const d of dirs) await removeDir(d);
  });

  it('a second start on a live data dir is refused with the running pid and touches no file', async () => {
    const cluster = new KvCluster();
    await cluster.start([{}]);
    const first = cluster.nodes[0]!;
    try {
      for (let i = 0; i < 20; i++) await cluster.put(first, `k${i}`, `v${i}`);
      // The live node saves membership.json a few gossip intervals after it starts (then the same
      // content on its schedule): wait for the first save, or it lands inside the comparison.
      await waitForFile(path.join(first.dataDir, 'membership.json'));
      const before = await checksums(first.dataDir);
      assert.ok(Object.keys(before).some((f) => f.includes('kv')), `the kv store is in the data dir: ${Object.keys(before).join(', ')}`);
      // Other ports, so EADDRINUSE cannot be what stops it (the old code ran a second node then).
      const second = await runCli(['start', '--profile', 'local', '--data-dir', first.dataDir, '--register-port', '0', '--gossip-port', '0', '--log-level', 'warn'], {
        env: { G2G_PLUGIN_KV_FSYNC: 'false' },
      });
      assert.notEqual(second.code, 0);
      const lines = second.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line: ${second.stderr}`);
      assert.match(lines[0]!, new RegExp(`in use by g2g process ${first.child.pid}`));
      assert.match(lines[0]!, /--data-dir/);
      assert.deepEqual(await checksums(first.dataDir), before, 'no file of the data dir changed');
      // The first node still serves, with every write.
      assert.equal(await cluster.get(first, 'k19'), 'v19');
    } finally {
      await cluster.close();
    }
  });

  it('the lock dies with its process (kill -9): a restart takes it', async () => {
    const node = await startNodeProcess({ env: { G2G_PLUGIN_KV_FSYNC: 'false' } });
    dirs.push(node.dataDir);
    await node.stop('SIGKILL');
    const again = await startNodeProcess({ dataDir: node.dataDir, env: { G2G_PLUGIN_KV_FSYNC: 'false' } });
    nodes.push(again);
    assert.equal(again.facts.nodeId, node.facts.nodeId);
  });

  it('two takers at the same moment: exactly one wins, the other names its pid', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const results = await Promise.allSettled([lockDataDir(dir, { pid: 111 }), lockDataDir(dir, { pid: 222 })]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.ok(lost[0]!.reason instanceof DataDirLockedError);
    assert.equal((lost[0]!.reason as DataDirLockedError).code, 'ERR_DATA_DIR_LOCKED');
    const winnerPid = results[0]!.status === 'fulfilled' ? 111 : 222;
    assert.equal((lost[0]!.reason as DataDirLockedError).ownerPid, winnerPid);
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
    const next = await lockDataDir(dir);
    await next.release();
  });

  it('a data dir that is a file is one line naming --data-dir', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const file = path.join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    const r = await runCli(['start', '--profile', 'local', '--data-dir', file, '--register-port', '0', '--gossip-port', '0', '--log-level', 'warn']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /is not a directory.*--data-dir/);
    assert.doesNotMatch(r.stderr, /EEXIST/);
  });

  it('a register port in use is one line naming --register-port', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const r = await runCli(['start', '--profile', 'local', '--data-dir', dir, '--host', '127.0.0.1', '--register-port', String(port), '--gossip-port', '0', '--log-level', 'warn']);
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port} is already in use.*--register-port`));
      assert.doesNotMatch(r.stderr, /No address added/);
    } finally {
      taken.close();
    }
  });
});
