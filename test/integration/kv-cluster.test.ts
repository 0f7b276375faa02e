import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { readNodeCaFiles } from '../../src/identity/identity-store';
import { issueOperatorCertificate } from '../../src/identity/leaf';
import { LOADER_OPTIONS } from '../../src/proto/protos';
import { call, channelOptions, tlsCredentials } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { OperatorAdmins } from '../helpers/operator-admins';
import { removeDir, runCli, startNodeProcess, type NodeProcess } from '../helpers/node-process';

/**
 * The kv plugin on three real node processes (loopback, `local` profile), called as an operator
 * over mutual TLS. Node C's clock runs 10 minutes fast (plugins.kv.clockOffset). Anti-entropy
 * runs every 2 s so that catching up after a pause or a restart does not wait for the default 30 s.
 */
const KV_PROTO = path.resolve(__dirname, '../../../plugins/kv/kv.proto');
const TEN_MINUTES = 10 * 60_000;
const KV_ENV = { G2G_PLUGIN_KV_SYNC_INTERVAL: '2s', G2G_PLUGIN_KV_FSYNC: 'false' };

interface WireEntry {
  key: string;
  value: Buffer;
  deleted: boolean;
  version: { wallMs: number; counter: number; nodeId: string };
}

const admins = new OperatorAdmins('kv-test');
const nodes: NodeProcess[] = [];
const clients = new Map<NodeProcess, grpc.Client>();
let ticket = '';

const KeyValue = (grpc.loadPackageDefinition(protoLoader.loadSync(KV_PROTO, { ...LOADER_OPTIONS, includeDirs: [] })) as unknown as {
  g2g: { kv: { v1: { KeyValue: grpc.ServiceClientConstructor } } };
}).g2g.kv.v1.KeyValue;

async function kv(node: NodeProcess): Promise<grpc.Client> {
  let client = clients.get(node);
  if (!client) {
    const ca = await readNodeCaFiles(node.dataDir);
    const cert = await issueOperatorCertificate(ca, { name: 'kv-test', now: new Date(), lifetimeMs: 3600_000, keyBits: 1024 });
    client = new KeyValue(`127.0.0.1:${node.facts.gossipPort}`, tlsCredentials({ caPem: ca.certPem, nodeId: ca.nodeId, certPem: cert.certPem, keyPem: cert.keyPem }), channelOptions(ca.nodeId));
    clients.set(node, client);
  }
  return client;
}

async function put(node: NodeProcess, key: string, value: string): Promise<WireEntry['version']> {
  return (await call<{ version: WireEntry['version'] }>(await kv(node), 'Put', { key, value: Buffer.from(value) })).version;
}

async function get(node: NodeProcess, key: string): Promise<string | undefined> {
  try {
    return (await call<{ entry: WireEntry }>(await kv(node), 'Get', { key })).entry.value.toString();
  } catch (error) {
    if ((error as grpc.ServiceError).code === grpc.status.NOT_FOUND) return undefined;
    throw error;
  }
}

/** Every live entry under `prefix` as `key=value@version`, in key order (all pages). */
async function list(node: NodeProcess, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let pageToken = '';
  do {
    const page = await call<{ entries: WireEntry[]; nextPageToken: string }>(await kv(node), 'List', { prefix, pageSize: 50, pageToken });
    for (const e of page.entries) out.push(`${e.key}=${e.value.toString()}@${e.version.wallMs}.${e.version.counter}.${e.version.nodeId}`);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

async function converged(prefix: string, expectedKeys?: number): Promise<boolean> {
  const views = await Promise.all(nodes.map((n) => list(n, prefix)));
  if (expectedKeys !== undefined && views[0]!.length !== expectedKeys) return false;
  return views.every((v) => JSON.stringify(v) === JSON.stringify(views[0]));
}

async function allAlive(): Promise<void> {
  const ids = nodes.map((n) => n.facts.nodeId);
  for (const node of nodes) {
    await eventually(`${node.facts.nodeId} sees the others alive`, async () => {
      const alive = (await admins.members(node)).members.filter((m) => m.state === 'MEMBER_STATE_ALIVE').map((m) => m.nodeId);
      return ids.filter((id) => id !== node.facts.nodeId).every((id) => alive.includes(id));
    });
  }
}

before(async () => {
  nodes.push(await startNodeProcess({ env: KV_ENV }));
  const nominated = await runCli(['nominate', '--reusable', '--data-dir', nodes[0]!.dataDir]);
  assert.equal(nominated.code, 0, nominated.stderr);
  ticket = nominated.stdout.trim();
  nodes.push(await startNodeProcess({ env: { ...KV_ENV, G2G_JOIN: ticket } }));
  nodes.push(await startNodeProcess({ env: { ...KV_ENV, G2G_JOIN: ticket, G2G_PLUGIN_KV_CLOCK_OFFSET: String(TEN_MINUTES) } }));
  await allAlive();
});

after(async () => {
  admins.close();
  for (const client of clients.values()) client.close();
  for (const node of nodes) {
    await node.stop('SIGKILL');
    await removeDir(node.dataDir);
  }
});

test('kv: concurrent writes of the same keys from 3 real nodes converge to the same contents', async () => {
  const keys = Array.from({ length: 20 }, (_, i) => `concurrent/${i}`);
  await Promise.all(nodes.flatMap((node, n) => keys.map((key) => put(node, key, `from-${n}`))));
  await eventually('every node lists the same 20 entries', () => converged('concurrent/', 20), 60_000, 200);
  const [view] = await Promise.all([list(nodes[0]!, 'concurrent/')]);
  for (const line of view!) assert.match(line, /=from-[012]@/);
});

test('kv: a node whose wall clock is 10 minutes fast does not win with an older write', async () => {
  const [a, , fast] = nodes as [NodeProcess, NodeProcess, NodeProcess];
  const before = Date.now();
  const old = await put(fast, 'skew/config', 'old');
  assert.ok(old.wallMs >= before + TEN_MINUTES - 1_000, 'the fast node stamps 10 minutes ahead');
  await eventually('the honest node has the fast node\'s write', async () => (await get(a, 'skew/config')) === 'old', 30_000, 100);
  const newer = await put(a, 'skew/config', 'new'); // a real-time later write, made after seeing the old one
  assert.ok(newer.wallMs >= old.wallMs, 'stamped after what it had seen, not by its own clock');
  assert.ok(Date.now() < old.wallMs, 'the real time is still before the fast node\'s stamp');
  await eventually('every node keeps the newer write', async () => (await Promise.all(nodes.map((n) => get(n, 'skew/config')))).every((v) => v === 'new'), 30_000, 100);
});

test('kv: a node cut off (SIGSTOP) while the others write and delete converges when it comes back', async () => {
  const [a, b, c] = nodes as [NodeProcess, NodeProcess, NodeProcess];
  await put(a, 'partition/doomed', 'v');
  await put(a, 'partition/changed', 'before');
  await eventually('written everywhere', () => converged('partition/', 2), 30_000, 100);
  b.child.kill('SIGSTOP');
  try {
    await put(a, 'partition/changed', 'during');
    await put(c, 'partition/new', 'x');
    await call(await kv(a), 'Delete', { key: 'partition/doomed' });
    // Long enough for the others to suspect and declare it dead (local profile).
    await eventually('the others no longer see b alive', async () => {
      const alive = (await admins.members(a)).members.filter((m) => m.state === 'MEMBER_STATE_ALIVE').map((m) => m.nodeId);
      return !alive.includes(b.facts.nodeId);
    }, 60_000, 200);
  } finally {
    b.child.kill('SIGCONT');
  }
  await eventually('b converges after it comes back', () => converged('partition/', 2), 60_000, 200);
  assert.equal(await get(b, 'partition/doomed'), undefined);
  assert.equal(await get(b, 'partition/changed'), 'during');
  await allAlive();
});

test('kv: a restarted node serves its data at once from disk, then catches up on what it missed', async () => {
  const [a, b] = nodes as [NodeProcess, NodeProcess];
  await put(b, 'restart/kept', 'yes');
  await eventually('written everywhere', () => converged('restart/', 1), 30_000, 100);
  clients.get(b)?.close();
  clients.delete(b);
  assert.equal(await b.stop('SIGKILL'), null);
  await put(a, 'restart/missed', 'meanwhile');
  const restarted = await startNodeProcess({ dataDir: b.dataDir, env: KV_ENV });
  nodes[1] = restarted;
  assert.equal(await get(restarted, 'restart/kept'), 'yes', 'served from its own data dir');
  await eventually('the restarted node catches up', () => converged('restart/', 2), 60_000, 200);
  assert.equal(await get(restarted, 'restart/missed'), 'meanwhile');
});
