import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { readNodeCaFiles } from '../../src/identity/identity-store';
import { issueLeaf } from '../../src/identity/leaf';
import type { StatusResponse__Output } from '../../src/proto/generated/g2g/v1/StatusResponse';
import { call, channelOptions, g2gProto, tlsCredentials } from '../helpers/clients';
import { bufCurl, responseJson } from '../helpers/interop-buf';
import { eventually } from '../helpers/eventually';
import { OperatorAdmins } from '../helpers/operator-admins';
import { removeDir, runCli, startCluster, startNodeProcess, type NodeProcess } from '../helpers/node-process';


const admins = new OperatorAdmins('cluster-test');
const members = (node: NodeProcess) => admins.members(node);

const servers: NodeProcess[] = [];
let client: NodeProcess | undefined;
const extra: NodeProcess[] = [];

before(async () => {
  const cluster = await startCluster(8);
  servers.push(...cluster.nodes);
});

after(async () => {
  admins.close();
  for (const node of [...servers, ...extra, ...(client ? [client] : [])]) {
    await node.stop('SIGKILL');
    await removeDir(node.dataDir);
  }
});

test('8 nodes started from one ticket converge: each knows the 7 others alive (and g2g members shows it)', async () => {
  const ids = servers.map((s) => s.facts.nodeId);
  for (const node of servers) {
    await eventually(`${node.facts.nodeId} sees everyone`, async () => {
      const view = await members(node);
      const alive = view.members.filter((m) => m.state === 'MEMBER_STATE_ALIVE').map((m) => m.nodeId);
      return ids.filter((id) => id !== node.facts.nodeId).every((id) => alive.includes(id));
    });
  }
  // The default view shows a 12-character id prefix; --wide shows the full id.
  const table = await runCli(['members', '--data-dir', servers[0]!.dataDir]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^NAME\s+ID\s+MODE\s+STATE/);
  for (const id of ids) assert.match(table.stdout, new RegExp(`${id.slice(0, 12)}\\s+server\\s+alive`));
  assert.match(table.stdout, new RegExp(`^${ids.length} members \\(${ids.length} alive\\)`, 'm'));
});

test('the client pool of a member measures every server peer and orders them for queries (g2g peers)', async () => {
  const others = servers.slice(1).map((s) => s.facts.nodeId).sort();
  await eventually('the pool has an RTT for every peer', async () => {
    const result = await runCli(['peers', '--json', '--data-dir', servers[0]!.dataDir]);
    if (result.code !== 0) throw new Error(result.stderr);
    const view = JSON.parse(result.stdout) as { groups: { members: string[] }[]; peers: { nodeId: string; samples: number }[]; queryOrder: string[] };
    const grouped = view.groups.flatMap((g) => g.members).sort();
    if (grouped.length < others.length) return false;
    assert.deepEqual(grouped, others, 'every server peer in exactly one group');
    assert.deepEqual([...view.queryOrder].sort(), others, 'every peer exactly once in the query order');
    return view.peers.every((p) => p.samples > 0);
  });
  const table = await runCli(['peers', '--data-dir', servers[0]!.dataDir]);
  assert.match(table.stdout, /^group \d+ {2}~\d+\.\d+ ms/m);
  assert.match(table.stdout, /^query order: /m);
});

test('tokens are replicated among server members: created on one, listed on another; a revocation reaches the first', async () => {
  const created = await runCli(['tokens', 'create', '--label', 'replicated', '--data-dir', servers[0]!.dataDir]);
  assert.equal(created.code, 0, created.stderr);
  const id = created.stdout.trim().split('.')[0]!;
  const listed = async (node: NodeProcess, all: boolean) =>
    (JSON.parse((await runCli(['tokens', 'list', '--json', ...(all ? ['--all'] : []), '--data-dir', node.dataDir])).stdout) as { tokens: { id: string; state: string }[] }).tokens;
  await eventually('the token reaches another member', async () => (await listed(servers[3]!, false)).some((t) => t.id === id));
  const revoked = await runCli(['tokens', 'revoke', id, '--data-dir', servers[3]!.dataDir]);
  assert.equal(revoked.code, 0, revoked.stderr);
  await eventually('the revocation reaches the creator', async () =>
    (await listed(servers[0]!, true)).some((t) => t.id === id && t.state === 'TOKEN_STATE_REVOKED'),
  );
});

test('a client-mode node can call Admin.Status on every member and is never listed as a server', async () => {
  const nominated = await runCli(['nominate', '--mode', 'client', '--data-dir', servers[1]!.dataDir]);
  assert.equal(nominated.code, 0, nominated.stderr);
  client = await startNodeProcess({ args: ['--mode', 'client'], env: { G2G_JOIN: nominated.stdout.trim() } });
  const clientId = client.facts.nodeId;
  // The client calls as itself: a leaf of its own node CA, as its node process does.
  const ca = await readNodeCaFiles(client.dataDir);
  const leaf = await issueLeaf(ca, { now: new Date(), lifetimeMs: 600_000, ips: [], keyBits: 1024 });
  const { Admin } = g2gProto().g2g.v1;
  for (const server of servers) {
    await eventually(`${server.facts.nodeId} lists the client as a client`, async () => {
      const entry = (await members(server)).members.find((m) => m.nodeId === clientId);
      assert.notEqual(entry?.mode, 'NODE_MODE_SERVER', 'never a server');
      return entry?.mode === 'NODE_MODE_CLIENT' && entry.state === 'MEMBER_STATE_ALIVE';
    });
    const caPem = await readFile(path.join(server.dataDir, 'identity', 'node-ca.pem'), 'utf8');
    const admin = new Admin(`127.0.0.1:${server.facts.gossipPort}`, tlsCredentials({ caPem, nodeId: server.facts.nodeId, certPem: leaf.certPem, keyPem: leaf.keyPem }), channelOptions(server.facts.nodeId));
    try {
      // The member's TLS trust follows its membership view within the bundle's debounce.
      await eventually(`${server.facts.nodeId} answers the client`, async () => {
        const status = await call<StatusResponse__Output>(admin, 'Status', {});
        assert.equal(status.nodeId, server.facts.nodeId);
        assert.equal(status.caller, `member:${clientId}`);
        return true;
      });
    } finally {
      (admin as grpc.Client).close();
    }
  }
});

test('g2g enroll makes a client identity that buf curl can use against every member', async () => {
  const nominated = await runCli(['nominate', '--mode', 'client', '--data-dir', servers[2]!.dataDir]);
  assert.equal(nominated.code, 0, nominated.stderr);
  const out = path.join(servers[2]!.dataDir, 'enrolled-tool');
  const enrolled = await runCli(['enroll', nominated.stdout.trim(), '--out', out, '--json']);
  assert.equal(enrolled.code, 0, enrolled.stderr);
  const info = JSON.parse(enrolled.stdout) as { nodeId: string; members: { nodeId: string }[] };
  assert.ok(info.members.length >= servers.length - 1, 'the welcome named the members');
  const cacheDir = path.join(out, 'buf-cache');
  for (const server of servers.slice(0, 6)) {
    await eventually(`${server.facts.nodeId} accepts the enrolled tool`, async () => {
      const r = await bufCurl(`https://127.0.0.1:${server.facts.gossipPort}/g2g.v1.Admin/Status`, {
        caFile: path.join(out, 'ca.pem'),
        certFile: path.join(out, 'cert.pem'),
        keyFile: path.join(out, 'key.pem'),
        cacheDir,
      });
      if (r.code !== 0) throw new Error(r.stderr);
      const status = responseJson<{ nodeId: string; caller: string }>(r);
      assert.equal(status.nodeId, server.facts.nodeId);
      return status.caller === `member:${info.nodeId}`;
    });
  }
});

test('a node joins through a well-known service address with a token made on another member', async () => {
  const token = (await runCli(['tokens', 'create', '--label', 'service-join', '--data-dir', servers[0]!.dataDir])).stdout.trim();
  const service = `127.0.0.1:${servers[4]!.facts.registerPort}`;
  const joiner = await startNodeProcess({ env: { G2G_SERVICES: service, G2G_TOKEN: token } });
  extra.push(joiner);
  // The token was made on servers[0] and replicated: servers[4] accepted it.
  await eventually('members see the service joiner with its service', async () => {
    const entry = (await members(servers[0]!)).members.find((m) => m.nodeId === joiner.facts.nodeId);
    return entry?.state === 'MEMBER_STATE_ALIVE';
  });
  const view = await members(joiner);
  assert.ok(view.members.some((m) => m.nodeId === servers[4]!.facts.nodeId && m.state === 'MEMBER_STATE_ALIVE'));
  // servers[1] hears of the joiner by gossip, possibly a little after servers[0] did.
  await eventually('known across the network', async () => (await members(servers[1]!)).members.some((m) => m.nodeId === joiner.facts.nodeId));
});

test('kill -9 of one node is detected by all the others', async () => {
  const victim = servers[7]!;
  assert.equal(await victim.stop('SIGKILL'), null);
  for (const node of servers.slice(0, 7)) {
    await eventually(`${node.facts.nodeId} declares the killed node dead`, async () => {
      const entry = (await members(node)).members.find((m) => m.nodeId === victim.facts.nodeId);
      return entry?.state === 'MEMBER_STATE_DEAD';
    });
  }
});

test('a graceful leave is seen by all as a leave, not a failure', async () => {
  const leaver = servers[6]!;
  assert.equal(await leaver.stop('SIGTERM'), 0);
  for (const node of servers.slice(0, 6)) {
    await eventually(`${node.facts.nodeId} sees the leave`, async () => {
      const entry = (await members(node)).members.find((m) => m.nodeId === leaver.facts.nodeId);
      assert.notEqual(entry?.state, 'MEMBER_STATE_DEAD', 'left, not detected as failed');
      return entry?.state === 'MEMBER_STATE_LEFT' || entry === undefined;
    });
  }
});
