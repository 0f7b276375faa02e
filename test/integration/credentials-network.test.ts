/**
 * `g2g credentials` gives one credential set for the whole network (issues 15 and 16): ca.pem
 * holds every current member's CA, so `--addr` reaches a second member; a member that joined
 * after ca.pem was written fails with "certificate signed by unknown authority" (not a schema or
 * generic connection error) until `--refresh`; `--ttl` is capped by operatorCertMaxLifetime.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import { splitPemBundle } from '../../src/identity/cert-info';
import { readKnownPeers } from '../../src/node/known-peers';
import { removeDir, reusableTicket, runCli, startNodeProcess, tempDir, type NodeProcess } from '../helpers/node-process';

const nodes: NodeProcess[] = [];
let scratch = '';
after(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await Promise.all(nodes.map((n) => removeDir(n.dataDir)));
  if (scratch) await removeDir(scratch);
});

test('credentials from node 1 reach node 2 with --addr once ca.pem holds its CA; before, the error names the unknown authority', { timeout: 120_000 }, async () => {
  scratch = await tempDir('g2g-plugin-creds-');
  const out = path.join(scratch, 'creds');
  const first = await startNodeProcess();
  nodes.push(first);
  const made = await runCli(['credentials', '--name', 'alice', '--out', out, '--data-dir', first.dataDir, '--json']);
  assert.equal(made.code, 0, made.stderr);
  assert.deepEqual((JSON.parse(made.stdout) as { members: string[] }).members, [first.facts.nodeId]);

  const second = await startNodeProcess({ env: { G2G_JOIN: await reusableTicket(first.dataDir) } });
  nodes.push(second);
  const addr = `127.0.0.1:${second.facts.gossipPort}`;
  const stale = await runCli(['status', '--credentials', out, '--addr', addr]);
  assert.notEqual(stale.code, 0);
  assert.match(stale.stderr, /certificate signed by unknown authority/, stale.stderr);
  assert.match(stale.stderr, /--refresh/);

  // Node 1 saves its membership every few intervals; --refresh reads what it saved.
  const deadline = Date.now() + 60_000;
  while (!(await readKnownPeers(first.dataDir)).peers.some((p) => p.nodeId === second.facts.nodeId)) {
    assert.ok(Date.now() < deadline, 'node 1 never saved node 2 as a member');
    await new Promise((r) => setTimeout(r, 200));
  }
  const refreshed = await runCli(['credentials', '--refresh', '--out', out, '--data-dir', first.dataDir, '--json']);
  assert.equal(refreshed.code, 0, refreshed.stderr);
  assert.deepEqual((JSON.parse(refreshed.stdout) as { members: string[] }).members.sort(), [first.facts.nodeId, second.facts.nodeId].sort());
  assert.equal(splitPemBundle(await readFile(path.join(out, 'ca.pem'), 'utf8')).length, 2);

  const status = await runCli(['status', '--credentials', out, '--addr', addr, '--json']);
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { nodeId: string; caller: string };
  assert.equal(s.nodeId, second.facts.nodeId, 'node 2 answered');
  assert.match(s.caller, /alice/, 'as operator alice, certified by node 1');
  const own = await runCli(['status', '--credentials', out, '--addr', `127.0.0.1:${first.facts.gossipPort}`, '--json']);
  assert.equal((JSON.parse(own.stdout) as { nodeId: string }).nodeId, first.facts.nodeId, 'and still node 1');
});

test('--ttl beyond operatorCertMaxLifetime (default 24h) is refused with the key to raise; the cap is configurable', { timeout: 60_000 }, async () => {
  const dataDir = nodes[0]!.dataDir;
  const out = path.join(scratch, 'ttl');
  const long = await runCli(['credentials', '--name', 'bob', '--out', out, '--ttl', '100d', '--data-dir', dataDir]);
  assert.equal(long.code, 2, long.stderr);
  assert.match(long.stderr, /operatorCertMaxLifetime \(1d\)/);
  const day = await runCli(['credentials', '--name', 'bob', '--out', out, '--ttl', '24h', '--data-dir', dataDir]);
  assert.equal(day.code, 0, day.stderr);
  const raised = await runCli(['credentials', '--name', 'bob', '--out', out, '--ttl', '2d', '--data-dir', dataDir], { env: { G2G_OPERATOR_CERT_MAX_LIFETIME: '7d' } });
  assert.equal(raised.code, 0, raised.stderr);
  const noName = await runCli(['credentials', '--out', path.join(scratch, 'none'), '--data-dir', dataDir]);
  assert.equal(noName.code, 2);
  assert.match(noName.stderr, /--name/);
});
