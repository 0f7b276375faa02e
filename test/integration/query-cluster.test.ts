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
import { removeDir, reusableTicket, startNodeProcess, type NodeProcess } from '../helpers/node-process';

/** The query plugin on three real node processes, asked as an operator over mutual TLS. */
const QUERY_PROTO = path.resolve(__dirname, '../../../plugins/query/query.proto');

interface AskReply {
  answers: { nodeId: string; facts: { name: string; value: string }[]; position: number }[];
  errors: { nodeId: string; code: string; message: string }[];
  summary: { name: string; values: { value: string; count: number; nodeIds: string[] }[]; missing: number }[];
  complete: boolean;
  peersKnown: number;
}

const Query = (grpc.loadPackageDefinition(protoLoader.loadSync(QUERY_PROTO, { ...LOADER_OPTIONS, includeDirs: [] })) as unknown as {
  g2g: { query: { v1: { Query: grpc.ServiceClientConstructor } } };
}).g2g.query.v1.Query;

const admins = new OperatorAdmins('query-test');
const nodes: NodeProcess[] = [];
let client: grpc.Client | undefined;

before(async () => {
  nodes.push(await startNodeProcess({ env: { G2G_PLUGIN_QUERY_FACTS: 'region=eu,role=seed' } }));
  const ticket = await reusableTicket(nodes[0]!.dataDir);
  nodes.push(await startNodeProcess({ env: { G2G_JOIN: ticket, G2G_PLUGIN_QUERY_FACTS: 'region=eu' } }));
  nodes.push(await startNodeProcess({ env: { G2G_JOIN: ticket, G2G_PLUGIN_QUERY_FACTS: 'region=ap' } }));
  const a = nodes[0]!;
  const ca = await readNodeCaFiles(a.dataDir);
  const cert = await issueOperatorCertificate(ca, { name: 'query-test', now: new Date(), lifetimeMs: 3600_000, keyBits: 1024 });
  client = new Query(`127.0.0.1:${a.facts.gossipPort}`, tlsCredentials({ caPem: ca.certPem, nodeId: ca.nodeId, certPem: cert.certPem, keyPem: cert.keyPem }), channelOptions(ca.nodeId));
  // Ask goes through the pool, which offers peers once it knows they are alive and serve Query.
  await eventually('the first node can ask both peers', async () => {
    const reply = await call<AskReply>(client!, 'Ask', { facts: ['region'], fanout: 2 });
    return reply.answers.length === 2;
  }, 60_000, 250);
});

after(async () => {
  client?.close();
  admins.close();
  for (const node of nodes) {
    await node.stop('SIGKILL');
    await removeDir(node.dataDir);
  }
});

test('query: Ask reaches the peers in query order and merges their facts with this node\'s', async () => {
  const [a, b, c] = nodes as [NodeProcess, NodeProcess, NodeProcess];
  const reply = await call<AskReply>(client!, 'Ask', { facts: ['region', 'g2g.version', 'role'], fanout: 2, includeSelf: true });
  assert.deepEqual(reply.answers.map((x) => x.nodeId).sort(), [a, b, c].map((n) => n.facts.nodeId).sort());
  assert.equal(reply.answers[0]!.nodeId, a.facts.nodeId, 'this node\'s own answer first');
  assert.deepEqual(reply.answers.slice(1).map((x) => x.position).sort(), [0, 1], 'the first two peers of the query order');
  assert.deepEqual(reply.errors, []);
  assert.equal(reply.complete, true);
  assert.equal(reply.peersKnown, 2);
  const region = reply.summary.find((s) => s.name === 'region')!;
  assert.deepEqual(region.values.map((v) => [v.value, v.count]), [['eu', 2], ['ap', 1]]);
  assert.deepEqual(region.values[1]!.nodeIds, [c.facts.nodeId]);
  const role = reply.summary.find((s) => s.name === 'role')!;
  assert.deepEqual(role, { name: 'role', values: [{ value: 'seed', count: 1, nodeIds: [a.facts.nodeId] }], missing: 2 });
  assert.equal(reply.summary.find((s) => s.name === 'g2g.version')!.values.length, 1, 'one version everywhere');
});

test('query: more answers wanted than peers is a partial result, not an error', async () => {
  const reply = await call<AskReply>(client!, 'Ask', { facts: ['region'], fanout: 5 });
  assert.equal(reply.answers.length, 2);
  assert.equal(reply.complete, false);
  assert.deepEqual(reply.errors, []);
});

test('query: a peer that does not answer in time is listed as DEADLINE_EXCEEDED beside the answers that came', async () => {
  const [, b, c] = nodes as [NodeProcess, NodeProcess, NodeProcess];
  c.child.kill('SIGSTOP');
  try {
    // Asked right away, before failure detection has taken c out of the query order.
    const reply = await call<AskReply>(client!, 'Ask', { facts: ['region'], fanout: 2, deadlineMs: 1500 });
    assert.deepEqual(reply.answers.map((x) => x.nodeId), [b.facts.nodeId]);
    assert.equal(reply.complete, false);
    assert.deepEqual(reply.errors.map((e) => [e.nodeId, e.code]), [[c.facts.nodeId, 'DEADLINE_EXCEEDED']]);
  } finally {
    c.child.kill('SIGCONT');
  }
});
