import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { RuntimeFacts } from '../../src/node/runtime-file';
import { readNodeCaFiles } from '../../src/identity/identity-store';
import { issueLeaf } from '../../src/identity/leaf';
import { call, channelOptions, g2gProto, tlsCredentials } from '../helpers/clients';
import type { MembersResponse__Output } from '../../src/proto/generated/g2g/v1/MembersResponse';
import { createHosts, netnsUnavailable, type TestHost, type TestHosts } from '../helpers/netns';
import { eventually } from '../helpers/eventually';
import { CLI, removeDir, tempDir } from '../helpers/node-process';

/*
 * Three hosts. B advertises an address nobody can reach (198.19.255.254: inside the test range,
 * routed nowhere, so nothing leaves the machine). The seed A can only connect back to B at the
 * address it sees B at; B learns that address from the welcome and publishes it; C then reaches
 * B through it. Proof: with A gone, B and C keep each other alive by talking directly.
 */

let skip: string | undefined;
let net: TestHosts | undefined;
const nodes: { host: TestHost; dataDir: string; child: ChildProcess; facts: RuntimeFacts }[] = [];

async function startOn(host: TestHost, extra: string[], env: NodeJS.ProcessEnv = {}): Promise<(typeof nodes)[number]> {
  const dataDir = await tempDir();
  const child = host.spawn(
    [process.execPath, CLI, 'start', '--profile', 'local', '--host', '0.0.0.0', '--data-dir', dataDir, '--register-port', '0', '--gossip-port', '0', '--log-level', 'warn', ...extra],
    { ...process.env, ...env },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  for (let i = 0; i < 300; i++) {
    const facts = await readFile(path.join(dataDir, 'runtime.json'), 'utf8').then((t) => JSON.parse(t) as RuntimeFacts, () => undefined);
    if (facts) {
      const node = { host, dataDir, child, facts };
      nodes.push(node);
      return node;
    }
    if (child.exitCode !== null) throw new Error(`node on ${host.name} exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`node on ${host.name} did not start: ${stderr}`);
}

async function cli(node: (typeof nodes)[number], args: string[]): Promise<string> {
  return (await node.host.exec([process.execPath, CLI, ...args, '--data-dir', node.dataDir])).stdout;
}

async function view(node: (typeof nodes)[number]): Promise<MembersResponse__Output> {
  return JSON.parse(await cli(node, ['members', '--json'])) as MembersResponse__Output;
}


before(async () => {
  skip = await netnsUnavailable();
  if (!skip) net = await createHosts(3, 2);
});

after(async () => {
  for (const node of nodes) {
    node.child.kill('SIGKILL');
    await removeDir(node.dataDir);
  }
  await net?.destroy();
});

test('a node with a wrong advertised address learns its observed address from the welcome, and a third node reaches it there', async (t) => {
  if (skip || !net) return t.skip(skip);
  const [h1, h2, h3] = net.hosts as [TestHost, TestHost, TestHost];
  const a = await startOn(h1, []);
  const ticket = (await cli(a, ['nominate', '--reusable'])).trim();
  const b = await startOn(h2, ['--advertise', '198.19.255.254'], { G2G_JOIN: ticket });
  const c = await startOn(h3, [], { G2G_JOIN: ticket });

  await eventually('B publishes the address A saw it at', async () => {
    const self = (await view(b)).self!;
    return self.addresses.includes(h2.address);
  });
  assert.deepEqual((await view(b)).self!.addresses, ['198.19.255.254', h2.address]);
  await eventually('C knows B alive, with the observed address', async () => {
    const entry = (await view(c)).members.find((m) => m.nodeId === b.facts.nodeId);
    return entry?.state === 'MEMBER_STATE_ALIVE' && entry.addresses.includes(h2.address);
  });

  // C itself dials B: ask C (as C, with a leaf of its own CA) to ping B on our behalf, giving
  // the addresses C knows for B. Only the observed one can answer.
  const known = (await view(c)).members.find((m) => m.nodeId === b.facts.nodeId)!;
  const ca = await readNodeCaFiles(c.dataDir);
  const leaf = await issueLeaf(ca, { now: new Date(), lifetimeMs: 600_000, ips: [], keyBits: 1024 });
  const gossip = new (g2gProto().g2g.v1.Gossip)(`${h3.address}:${c.facts.gossipPort}`, tlsCredentials({ caPem: ca.certPem, nodeId: ca.nodeId, certPem: leaf.certPem, keyPem: leaf.keyPem }), channelOptions(ca.nodeId));
  try {
    await eventually('C reaches B', async () => {
      const answer = await call<{ reachable: boolean }>(gossip, 'PingVia', {
        targetNodeId: b.facts.nodeId,
        targetAddresses: known.addresses,
        targetGossipPort: known.gossipPort,
        nonce: 7,
        timeoutMs: 2000,
      });
      return answer.reachable;
    });
    // PingVia dials the addresses C holds for B, never those the caller names (a member may not
    // make a node dial arbitrary addresses): naming only the wrong advertised one still reaches B
    // at the observed address C learned.
    const named = await call<{ reachable: boolean }>(gossip, 'PingVia', {
      targetNodeId: b.facts.nodeId,
      targetAddresses: ['198.19.255.254'],
      targetGossipPort: known.gossipPort,
      nonce: 8,
      timeoutMs: 2000,
    });
    assert.equal(named.reachable, true, 'C dials the addresses it knows for B, not the ones the caller names');
  } finally {
    gossip.close();
  }
});
