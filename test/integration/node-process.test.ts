import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { certFingerprint } from '../../src/identity/cert-info';
import { parseTicket } from '../../src/tokens/join-ticket';
import { readNodeCaFiles } from '../../src/identity/identity-store';
import { issueOperatorCertificate } from '../../src/identity/leaf';
import type { StatusResponse__Output } from '../../src/proto/generated/g2g/v1/StatusResponse';
import type { WhoAmIResponse__Output } from '../../src/proto/generated/g2g/v1/WhoAmIResponse';
import { call, channelOptions, g2gProto, healthClient, tlsCredentials, type TlsMaterial } from '../helpers/clients';
import { removeDir, runCli, startNodeProcess, type NodeProcess } from '../helpers/node-process';
import { SHIPPED_PLUGIN_SERVICES } from '../helpers/plugin-folders';

let proc: NodeProcess;
let caPem: string;
let operator: TlsMaterial;
const clients: grpc.Client[] = [];

before(async () => {
  proc = await startNodeProcess({ args: ['--health-port', '0', '--metrics-port', '0'] });
  caPem = await readFile(path.join(proc.dataDir, 'identity', 'node-ca.pem'), 'utf8');
  const ca = await readNodeCaFiles(proc.dataDir);
  const cert = await issueOperatorCertificate(ca, { name: 'it', now: new Date(), lifetimeMs: 600_000, keyBits: 1024 });
  operator = { caPem, nodeId: ca.nodeId, certPem: cert.certPem, keyPem: cert.keyPem };
});

after(async () => {
  for (const c of clients) c.close();
  await proc.stop('SIGKILL');
  await removeDir(proc.dataDir);
});

const track = <T extends grpc.Client>(c: T): T => (clients.push(c), c);

test('start prints how to check the node with buf curl and grpcurl', () => {
  assert.match(proc.stdout(), new RegExp(`g2g node \\S+ \\(${proc.facts.nodeId}\\) serving`));
  assert.match(proc.stdout(), /health: npx @bufbuild\/buf curl --protocol grpc --cacert \S+node-ca\.pem https:\/\/127\.0\.0\.1:\d+\/grpc\.health\.v1\.Health\/Check/);
  assert.match(proc.stdout(), /grpcurl -cacert/);
});

test('both ports and the plain health port are SERVING', async () => {
  const { registerPort, gossipPort, healthPort } = proc.facts;
  const reg = track(healthClient(`127.0.0.1:${registerPort}`, { caPem, nodeId: proc.facts.nodeId }));
  assert.equal((await call<{ status: string }>(reg, 'Check', { service: '' })).status, 'SERVING');
  assert.equal((await call<{ status: string }>(reg, 'Check', { service: 'g2g.v1.Register' })).status, 'SERVING');
  const gossip = track(healthClient(`127.0.0.1:${gossipPort}`, operator));
  for (const service of ['', 'g2g.v1.Gossip', 'g2g.v1.Admin']) {
    assert.equal((await call<{ status: string }>(gossip, 'Check', { service })).status, 'SERVING', service);
  }
  assert.ok(healthPort, 'the plain health port was bound');
  const { service } = await import('grpc-health-check');
  const Plain = grpc.makeClientConstructor(service, 'Health');
  const plain = track(new Plain(`127.0.0.1:${healthPort}`, grpc.credentials.createInsecure()));
  assert.equal((await call<{ status: string }>(plain, 'Check', { service: '' })).status, 'SERVING');
});

test('WhoAmI returns the loopback address of a loopback caller', async () => {
  const proto = g2gProto();
  const reg = track(new proto.g2g.v1.Register(`127.0.0.1:${proc.facts.registerPort}`, tlsCredentials({ caPem, nodeId: proc.facts.nodeId }), channelOptions(proc.facts.nodeId)));
  const me = await call<WhoAmIResponse__Output>(reg, 'WhoAmI', {});
  assert.equal(me.address, '127.0.0.1');
  assert.ok(me.port > 0);
  assert.equal(me.nodeId, proc.facts.nodeId);
});

test('Admin.Status describes the node', async () => {
  const proto = g2gProto();
  const admin = track(new proto.g2g.v1.Admin(`127.0.0.1:${proc.facts.gossipPort}`, tlsCredentials(operator), channelOptions(proc.facts.nodeId)));
  const s = await call<StatusResponse__Output>(admin, 'Status', {});
  assert.equal(s.nodeId, proc.facts.nodeId);
  assert.equal(s.cluster, 'default');
  assert.equal(s.mode, 'NODE_MODE_SERVER');
  assert.deepEqual(s.addresses, ['127.0.0.1']);
  assert.equal(s.registerPort, proc.facts.registerPort);
  assert.equal(s.gossipPort, proc.facts.gossipPort);
  assert.equal(s.healthPort, proc.facts.healthPort);
  assert.equal(s.caFingerprint, certFingerprint(caPem));
  assert.match(s.leaf!.fingerprint, /^sha256:[0-9a-f]{64}$/);
  assert.ok(s.leaf!.notAfterUnixMs > Date.now());
  assert.ok(s.uptimeMs >= 0);
  assert.deepEqual([...s.services].sort(), ['g2g.v1.Admin', 'g2g.v1.Channel', 'g2g.v1.Gossip', 'g2g.v1.TokenSync', 'grpc.health.v1.Health', ...SHIPPED_PLUGIN_SERVICES].sort());
  assert.equal(s.caller, `operator:it@${proc.facts.nodeId}`);
});

test('g2g status finds the node through its data dir alone', async () => {
  const result = await runCli(['status', '--json', '--data-dir', proc.dataDir]);
  assert.equal(result.code, 0, result.stderr);
  const s = JSON.parse(result.stdout) as StatusResponse__Output;
  assert.equal(s.nodeId, proc.facts.nodeId);
  assert.match(s.caller, /^operator:cli-/);
  const text = await runCli(['status', '--data-dir', proc.dataDir]);
  assert.match(text.stdout, new RegExp(`node\\s+${proc.facts.nodeId}`));
});

test('g2g status reaches a node by --addr with a credentials directory, as from another host', async () => {
  const creds = path.join(proc.dataDir, 'remote-creds');
  const issued = await runCli(['credentials', '--name', 'remote', '--out', creds, '--data-dir', proc.dataDir]);
  assert.equal(issued.code, 0, issued.stderr);
  const result = await runCli(['status', '--json', '--addr', `127.0.0.1:${proc.facts.gossipPort}`, '--credentials', creds, '--data-dir', path.join(proc.dataDir, 'elsewhere')]);
  assert.equal(result.code, 0, result.stderr);
  const s = JSON.parse(result.stdout) as StatusResponse__Output;
  assert.equal(s.nodeId, proc.facts.nodeId);
  assert.equal(s.caller, `operator:remote@${proc.facts.nodeId}`);
});

test('g2g rotate installs a new leaf that g2g status then reports', async () => {
  const rotated = await runCli(['rotate', '--json', '--data-dir', proc.dataDir, '--reason', 'test']);
  assert.equal(rotated.code, 0, rotated.stderr);
  const { previous, current } = JSON.parse(rotated.stdout) as { previous: { fingerprint: string }; current: { fingerprint: string } };
  assert.notEqual(previous.fingerprint, current.fingerprint);
  const status = JSON.parse((await runCli(['status', '--json', '--data-dir', proc.dataDir])).stdout) as StatusResponse__Output;
  assert.equal(status.leaf!.fingerprint, current.fingerprint);
  assert.ok(status.rotations >= 2);
});

test('g2g nominate prints a ticket alone on stdout that names this node (address, CA, cluster, mode)', async () => {
  const result = await runCli(['nominate', '--mode', 'client', '--ttl', '1h', '--data-dir', proc.dataDir]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const ticket = parseTicket(lines[0]!);
  assert.equal(ticket.mode, 'client');
  assert.equal(ticket.caFingerprint, certFingerprint(caPem));
  assert.equal(ticket.cluster, 'default');
  assert.deepEqual(ticket.addresses.map((a) => `${a.host}:${a.port}`), [`127.0.0.1:${proc.facts.registerPort}`]);
  const listed = (JSON.parse((await runCli(['tokens', 'list', '--json', '--data-dir', proc.dataDir])).stdout) as { tokens: { id: string; singleUse: boolean; mode: string }[] }).tokens;
  const entry = listed.find((t) => lines[0]!.includes(`//${t.id}.`));
  assert.ok(entry, 'the ticket is backed by a listed token');
  assert.equal(entry.singleUse, true);
  assert.equal(entry.mode, 'NODE_MODE_CLIENT');
  assert.doesNotMatch(JSON.stringify(listed), new RegExp(lines[0]!.split('@')[0]!.split('.')[1]!), 'no secret in listings');
});

test('g2g tokens create, rotate and revoke', async () => {
  const created = await runCli(['tokens', 'create', '--mode', 'server', '--label', 'fleet', '--data-dir', proc.dataDir]);
  assert.equal(created.code, 0, created.stderr);
  const [id, secret] = created.stdout.trim().split('.');
  assert.ok(id && secret);
  const rotated = await runCli(['tokens', 'rotate', id, '--data-dir', proc.dataDir]);
  assert.equal(rotated.code, 0, rotated.stderr);
  const [sameId, newSecret] = rotated.stdout.trim().split('.');
  assert.equal(sameId, id);
  assert.notEqual(newSecret, secret);
  const revoked = await runCli(['tokens', 'revoke', id, '--json', '--data-dir', proc.dataDir]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal((JSON.parse(revoked.stdout) as { info: { state: string } }).info.state, 'TOKEN_STATE_REVOKED');
  const active = (JSON.parse((await runCli(['tokens', 'list', '--json', '--data-dir', proc.dataDir])).stdout) as { tokens: { id: string }[] }).tokens;
  assert.ok(!active.some((t) => t.id === id), 'a revoked token is not listed as active');
  const unknown = await runCli(['tokens', 'revoke', 'nosuchtoken', '--data-dir', proc.dataDir]);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr.trim().split('\n').length, 1);
});

test('the metrics endpoint exports per-method call counts and the leaf expiry', async () => {
  const body = await new Promise<string>((resolve, reject) => {
    http.get(`http://127.0.0.1:${proc.facts.metricsPort}/metrics`, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
  assert.match(body, /grpc_server_handled_total\{port="register",grpc_service="grpc\.health\.v1\.Health",grpc_method="Check",grpc_code="OK"\} \d+/);
  assert.match(body, /grpc_server_handled_total\{port="gossip",grpc_service="g2g\.v1\.Admin",grpc_method="Status",grpc_code="OK"\} \d+/);
  assert.match(body, /grpc_server_handling_seconds_bucket\{/);
  assert.match(body, /g2g_leaf_expiry_seconds \d/);
  // The first leaf plus the `g2g rotate` of an earlier test.
  assert.match(body, /g2g_leaf_rotations_total\{result="ok"\} ([2-9]|\d\d)/);
  assert.match(body, /g2g_leaf_rotations_total\{result="failed"\} 0/);
  assert.match(body, /^process_cpu_seconds_total /m);
});

test('SIGTERM: health turns NOT_SERVING first, the process exits 0 and removes its runtime file; identity survives a restart', async () => {
  const watcher = track(healthClient(`127.0.0.1:${proc.facts.registerPort}`, { caPem, nodeId: proc.facts.nodeId }));
  const seen: string[] = [];
  const stream = (watcher as unknown as { Watch(r: object): grpc.ClientReadableStream<{ status: string }> }).Watch({ service: '' });
  stream.on('data', (m: { status: string }) => seen.push(m.status));
  const ended = new Promise<void>((resolve) => {
    stream.on('error', () => resolve());
    stream.on('end', () => resolve());
  });
  while (seen.length === 0) await new Promise((r) => setTimeout(r, 10));
  const code = await proc.stop('SIGTERM');
  await ended;
  assert.equal(code, 0);
  assert.deepEqual(seen, ['SERVING', 'NOT_SERVING']);
  await assert.rejects(stat(path.join(proc.dataDir, 'runtime.json')), { code: 'ENOENT' });

  const again = await startNodeProcess({ dataDir: proc.dataDir });
  try {
    assert.equal(again.facts.nodeId, proc.facts.nodeId);
    assert.equal(again.facts.caFingerprint, proc.facts.caFingerprint);
  } finally {
    assert.equal(await again.stop('SIGINT'), 0);
  }
});
