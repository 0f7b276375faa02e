import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log/logger';
import { G2gNode } from '../../src/node/g2g-node';
import { EPOCH_FILE } from '../../src/node/node-channel';
import type { ChannelMessage } from '../../src/plugins/contract';
import { scopedChannel } from '../../src/plugins/scoped-channel';
import { call, failureCode, g2gProto, tlsCredentials, channelOptions } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { materialFor, operatorCert, startInProcessNode } from '../helpers/in-process-node';
import { removeDir, reusableTicket, runCli, tempDir } from '../helpers/node-process';

/*
 * The gossip channel between real nodes in this process (local profile, loopback, mutual TLS):
 * three servers joined through one ticket and a client-mode member.
 */

type Started = Awaited<ReturnType<typeof startInProcessNode>>;
const nodes: Started[] = [];
let client: Started;
let restartDir = '';
const restarted: G2gNode[] = [];
const received = new Map<string, ChannelMessage[]>();

const listen = (name: string, node: G2gNode, topic = 'test') => {
  const got: ChannelMessage[] = [];
  received.set(name, got);
  scopedChannel(node.channel, topic).subscribe('', (m) => got.push(m));
  return got;
};

before(async () => {
  nodes.push(await startInProcessNode());
  const ticket = await reusableTicket(nodes[0]!.dataDir);
  restartDir = await tempDir();
  nodes.push(...(await Promise.all([startInProcessNode({ join: ticket }), startInProcessNode({ join: ticket, 'data-dir': restartDir })])));
  const clientTicket = await runCli(['nominate', '--mode', 'client', '--data-dir', nodes[0]!.dataDir]);
  client = await startInProcessNode({ join: clientTicket.stdout.trim(), mode: 'client' });
  const all = [...nodes, client];
  await eventually('every node knows the three others alive', async () => all.every((n) => serverPeers(n.node) >= (n === client ? 3 : 2)));
});

after(async () => {
  for (const n of restarted) await n.stop();
  for (const n of [...nodes, client]) await n?.close();
  await removeDir(restartDir);
});

/** Alive server-mode peers in the node's membership (read through TypeScript's escape hatch for private members). */
function serverPeers(node: G2gNode): number {
  return node['network']?.serverPeers().length ?? 0;
}

test('a message published on one node reaches the others, once each, with its origin and data', async () => {
  const [a, b, c] = nodes.map((n) => n.node) as [G2gNode, G2gNode, G2gNode];
  const got = { a: listen('a', a), b: listen('b', b), c: listen('c', c), client: listen('client', client.node) };
  const published = await scopedChannel(a.channel, 'test').publish('hello', Buffer.from('from a'));
  assert.equal(published.topic, 'test/hello');
  assert.equal(published.origin, a.nodeId);
  await eventually('b, c and the client got it', async () => got.b.length === 1 && got.c.length === 1 && got.client.length === 1, 20_000);
  for (const list of [got.a, got.b, got.c, got.client]) {
    assert.equal(list.length, 1);
    assert.equal(Buffer.from(list[0]!.data).toString(), 'from a');
    assert.equal(list[0]!.origin, a.nodeId);
    assert.equal(list[0]!.seq, published.seq);
    assert.equal(list[0]!.epoch, published.epoch);
  }
  // Several publishers at once: everyone gets everything, exactly once.
  await Promise.all([b, c].flatMap((n) => [1, 2, 3].map((i) => n.channel.publish(`test/burst/${i}`, Buffer.from(`${n.nodeId} ${i}`)))));
  await eventually('everyone got the 7 messages', async () => [got.a, got.b, got.c, got.client].every((l) => l.length === 7), 20_000);
  await new Promise((r) => setTimeout(r, 500));
  for (const list of [got.a, got.b, got.c, got.client]) {
    const keys = list.map((m) => `${m.origin}/${m.epoch}/${m.seq}`);
    assert.equal(new Set(keys).size, 7, 'no duplicates');
  }
  const metrics = await a.metrics.registry.getSingleMetricAsString('g2g_channel_messages_total');
  assert.match(metrics, /g2g_channel_messages_total\{event="delivered"\} 7/);
  assert.match(metrics, /g2g_channel_messages_total\{event="published"\} 1/);
});

test('a client-mode member is refused locally when it publishes, and its pushes are refused by peers', async () => {
  await assert.rejects(client.node.channel.publish('test/x', Buffer.from('no')), { code: 'ERR_CHANNEL_NOT_SERVER' });
  const a = nodes[0]!.node;
  // The client's own certificate, calling Push on a server directly.
  const clientLeaf = client.node.currentLeaf();
  const { Channel } = g2gProto().g2g.v1;
  const material = { ...materialFor(a), certPem: clientLeaf.certPem, keyPem: clientLeaf.keyPem };
  const stub = new Channel(`127.0.0.1:${a.boundPorts.gossip}`, tlsCredentials(material), channelOptions(a.nodeId));
  try {
    const code = await failureCode(call(stub, 'Push', { messages: [] }));
    assert.equal(code, grpc.status.PERMISSION_DENIED);
    assert.ok(a.channel.stats().pushesRefused >= 1);
  } finally {
    stub.close();
  }
});

test('operators may not call the channel (members only)', async () => {
  const a = nodes[0]!.node;
  const operator = await operatorCert(a.nodeCa, 'alice');
  const material = materialFor(a, operator);
  const { Channel } = g2gProto().g2g.v1;
  const stub = new Channel(`127.0.0.1:${a.boundPorts.gossip}`, tlsCredentials(material), channelOptions(a.nodeId));
  try {
    assert.equal(await failureCode(call(stub, 'Pull', { origins: [], complete: true })), grpc.status.PERMISSION_DENIED);
  } finally {
    stub.close();
  }
});

test('a restarted node starts a new, higher epoch, so its new seq 1 is not taken for a duplicate', async () => {
  const [a, b] = [nodes[0]!.node, nodes[1]!.node];
  const old = nodes[2]!.node;
  const oldEpoch = old.channel.epoch;
  assert.equal(JSON.parse(await readFile(path.join(restartDir, EPOCH_FILE), 'utf8')).epoch, oldEpoch);
  await old.channel.publish('test/before', Buffer.from('old run'));
  await old.stop();
  const config = loadConfig({ flags: { profile: 'local', 'data-dir': restartDir, 'register-port': '0', 'gossip-port': '0' }, env: {} });
  const again = new G2gNode({ config, log: silentLogger(), keyBits: 1024 });
  restarted.push(again);
  await again.start();
  assert.ok(again.channel.epoch > oldEpoch);
  await eventually('the restarted node is back in both views', async () => [a, b].every((n) => serverPeers(n) === 2) && serverPeers(again) === 2, 30_000);
  const gotA = listen('a2', a);
  const gotB = listen('b2', b);
  const m = await again.channel.publish('test/after', Buffer.from('new run'));
  assert.equal(m.seq, 1);
  await eventually('a and b got the new run\'s seq 1', async () => gotA.length === 1 && gotB.length === 1, 20_000);
  assert.equal(gotA[0]!.epoch, again.channel.epoch);
});
