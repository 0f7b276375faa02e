import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { readNodeCaFiles } from '../../src/identity/identity-store';
import { issueLeaf, issueOperatorCertificate, type Leaf } from '../../src/identity/leaf';
import type { NodeCa } from '../../src/identity/node-ca';
import { PROTOCOL_VERSION, type RecordBody } from '../../src/membership/node-record';
import { CaRecordAuthenticator } from '../../src/membership/record-authenticator';
import { joinWithTicket } from '../../src/register/join-client';
import { caSigner } from '../../src/register/join-handshake';
import { recordToWire } from '../../src/transport/gossip-wire';
import { parseTicket } from '../../src/tokens/join-ticket';
import { formatToken } from '../../src/tokens/token-format';
import { call, channelOptions, failureCode, g2gProto, healthClient, tlsCredentials } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { OperatorAdmins } from '../helpers/operator-admins';
import { removeDir, runCli, startCluster, startNodeProcess, type NodeProcess } from '../helpers/node-process';

/*
 * Trust across a network of real processes. `g2g remove`: the removal is gossiped; every member untrusts the removed
 * node's CA, ends its open streams and refuses its next call; it stays out although it keeps
 * running and gossiping; its old (reusable) ticket cannot register it again; a ticket issued
 * after the removal can. Tokens: a revocation and a rotation reach every member, and the revoked
 * token and the old secret are refused everywhere after.
 */

const admins = new OperatorAdmins('removal-test');
const nodes: NodeProcess[] = [];
let ticket = '';

before(async () => {
  const cluster = await startCluster(4);
  nodes.push(...cluster.nodes);
  ticket = cluster.ticket;
  const ids = nodes.map((n) => n.facts.nodeId);
  for (const node of nodes) {
    await eventually(`${node.facts.nodeId} sees everyone`, async () => {
      const alive = (await admins.members(node)).members.filter((m) => m.state === 'MEMBER_STATE_ALIVE').map((m) => m.nodeId);
      return ids.every((id) => id === node.facts.nodeId || alive.includes(id));
    });
  }
});

after(async () => {
  admins.close();
  for (const node of nodes) {
    await node.stop('SIGKILL');
    await removeDir(node.dataDir);
  }
});

/** A client speaking as member `ca` (a leaf of its node CA, as its own process would present) to `node`. */
function asMember(node: NodeProcess, nodeCa: NodeCa, leaf: Leaf, caPem: string) {
  const material = { caPem, nodeId: node.facts.nodeId, certPem: leaf.certPem, keyPem: leaf.keyPem };
  return {
    admin: new (g2gProto().g2g.v1.Admin)(`127.0.0.1:${node.facts.gossipPort}`, tlsCredentials(material), channelOptions(node.facts.nodeId)),
    health: healthClient(`127.0.0.1:${node.facts.gossipPort}`, material),
    nodeCa,
  };
}

/** A fresh client-mode identity's join at one node's register port with `token` (rejects with the refusal); returns its node CA. */
async function joinAsClient(node: NodeProcess, token: string): Promise<NodeCa> {
  const { makeCa } = await import('../helpers/in-process-node');
  const { joinTargets } = await import('../../src/register/join-client');
  const ca = await makeCa();
  const auth = new CaRecordAuthenticator(ca.keyPem);
  const body: RecordBody = {
    nodeId: ca.nodeId, cluster: 'default', mode: 'client', addresses: ['127.0.0.1'], registerPort: 0, gossipPort: 0, caCertPem: ca.certPem,
    leaf: { fingerprint: 'sha256:00', notAfterMs: Date.now() + 600_000 }, version: 1, services: [], tags: [], protocolVersion: PROTOCOL_VERSION, left: false,
  };
  const record = { ...body, heartbeat: 0, signature: auth.signBody(body), heartbeatSignature: auth.signHeartbeat(body.nodeId, 1, 0) };
  await joinTargets([{ address: `127.0.0.1:${node.facts.registerPort}` }], token, { cluster: 'default', record: recordToWire(record), sign: caSigner(ca.keyPem), attemptTimeoutMs: 20_000 });
  return ca;
}

/** A newcomer's join attempt at one node's register port with `token`; resolves to the refusal, or undefined if admitted. */
async function tryJoin(node: NodeProcess, token: string): Promise<string | undefined> {
  try {
    await joinAsClient(node, token);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

test('tokens: a revocation and a rotation reach every server member; the revoked token and the old secret are refused everywhere after', async () => {
  const live = nodes;
  const tokenInfo = async (node: NodeProcess, id: string) => {
    const list = await call<{ tokens: { id: string; state: string; updatedUnixMs: number }[] }>(await admins.of(node), 'ListTokens', { includeInactive: true });
    return list.tokens.find((t) => t.id === id);
  };
  const created = await call<{ token: string; info: { id: string } }>(await admins.of(live[0]!), 'CreateToken', { mode: 'NODE_MODE_SERVER', label: 'revoke-me' });
  const rotating = await call<{ token: string; info: { id: string; updatedUnixMs: number } }>(await admins.of(live[0]!), 'CreateToken', { mode: 'NODE_MODE_SERVER', label: 'rotate-me' });
  for (const node of live) {
    await eventually(`${node.facts.nodeId} has both tokens`, async () => (await tokenInfo(node, created.info.id)) !== undefined && (await tokenInfo(node, rotating.info.id)) !== undefined);
  }

  await call(await admins.of(live[1]!), 'RevokeToken', { id: created.info.id });
  const rotated = await call<{ token: string; info: { updatedUnixMs: number } }>(await admins.of(live[2]!), 'RotateToken', { id: rotating.info.id });
  // Pushed to every server member at once (the rumour budget of token changes is one push to each).
  for (const node of live) {
    await eventually(`${node.facts.nodeId} sees the revocation and the rotation`, async () =>
      (await tokenInfo(node, created.info.id))?.state === 'TOKEN_STATE_REVOKED' && Number((await tokenInfo(node, rotating.info.id))?.updatedUnixMs) === Number(rotated.info.updatedUnixMs),
    );
  }
  for (const node of live) {
    assert.match((await tryJoin(node, created.token)) ?? 'admitted', /ERR_TOKEN_REVOKED/, `${node.facts.nodeId} admitted a revoked token`);
    // The node proves first, with the key of the current secret: a newcomer holding the old one
    // finds the node's proof wrong and hangs up before sending its own (nothing is admitted).
    assert.match((await tryJoin(node, rotating.token)) ?? 'admitted', /\[ERR_SERVER_PROOF\]/, `${node.facts.nodeId} admitted the old secret`);
  }
  assert.equal(await tryJoin(live[3]!, rotated.token), undefined, 'the rotated secret admits, on a member other than the one that rotated it');
});

test('a removed member: open streams ended and next call refused on every node, no comeback through gossip, old ticket refused, a new ticket readmits it', async () => {
  const [, remover, , victim] = nodes as [NodeProcess, NodeProcess, NodeProcess, NodeProcess];
  const others = nodes.filter((n) => n !== victim);
  const victimCa = await readNodeCaFiles(victim.dataDir);
  const leaf = await issueLeaf(victimCa, { now: new Date(), lifetimeMs: 600_000, ips: ['127.0.0.1'], keyBits: 1024 });
  const sessions = await Promise.all(others.map(async (n) => asMember(n, victimCa, leaf, (await readNodeCaFiles(n.dataDir)).certPem)));

  // Before: the victim calls every other node, and holds a long stream open on each.
  const streams = sessions.map(({ health }) => {
    const watch = (health as unknown as { Watch(req: object): grpc.ClientReadableStream<unknown> }).Watch({ service: '' });
    const first = new Promise<void>((resolve) => watch.once('data', () => resolve()));
    const ended = new Promise<grpc.ServiceError | undefined>((resolve) => {
      watch.on('error', (e: grpc.ServiceError) => resolve(e));
      watch.on('end', () => resolve(undefined));
      watch.on('data', () => undefined);
    });
    return { first, ended };
  });
  for (const { admin } of sessions) assert.equal((await call<{ caller: string }>(admin, 'Status', {})).caller, `member:${victim.facts.nodeId}`);
  await Promise.all(streams.map((s) => s.first));

  const removed = await runCli(['remove', victim.facts.nodeId, '--reason', 'test', '--data-dir', remover.dataDir]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(removed.stdout, new RegExp(`removed ${victim.facts.nodeId}`));

  // Every member ends the victim's open stream (a clear status) and refuses its next call on the
  // connection it already has.
  const endings = await Promise.all(streams.map((s) => s.ended));
  for (const error of endings) {
    assert.equal(error?.code, grpc.status.UNAUTHENTICATED, `stream ended with ${error?.code}: ${error?.details}`);
    assert.match(error!.details, /no longer a member/);
  }
  for (const { admin } of sessions) {
    const code = await failureCode(call(admin, 'Status', {}));
    assert.ok(code === grpc.status.UNAUTHENTICATED || code === grpc.status.UNAVAILABLE, `next call: ${grpc.status[code]}`);
  }
  for (const node of others) {
    const view = await admins.members(node);
    assert.ok(!view.members.some((m) => m.nodeId === victim.facts.nodeId), `${node.facts.nodeId} still lists the removed node`);
  }

  // The victim process still runs and gossips: nobody takes it back (it keeps bumping its heartbeat).
  await new Promise((r) => setTimeout(r, 3000));
  for (const node of others) {
    const view = await admins.members(node);
    assert.ok(!view.members.some((m) => m.nodeId === victim.facts.nodeId), `${node.facts.nodeId} took the removed node back`);
  }

  // Its old ticket is refused with a reason; a restart through its known peers is refused too.
  const auth = new CaRecordAuthenticator(victimCa.keyPem);
  const body: RecordBody = {
    nodeId: victimCa.nodeId,
    cluster: 'default',
    mode: 'server',
    addresses: ['127.0.0.1'],
    registerPort: victim.facts.registerPort,
    gossipPort: victim.facts.gossipPort,
    caCertPem: victimCa.certPem,
    leaf: { fingerprint: leaf.fingerprint, notAfterMs: leaf.notAfter.getTime() },
    version: 1_000_000,
    services: [],
    tags: [],
    protocolVersion: PROTOCOL_VERSION,
    left: false,
  };
  const record = { ...body, heartbeat: 0, signature: auth.signBody(body), heartbeatSignature: auth.signHeartbeat(body.nodeId, body.version, 0) };
  const options = { cluster: 'default', record: recordToWire(record), sign: caSigner(victimCa.keyPem), attemptTimeoutMs: 20_000 };
  await assert.rejects(joinWithTicket(ticket, options), (e: Error) => /was removed from the network/.test(e.message) && /ticket issued after/.test(e.message));
  for (const s of sessions) {
    s.admin.close();
    s.health.close();
  }

  // A ticket made after the removal readmits it: the reinstatement is gossiped and every member
  // lists it again.
  await victim.stop('SIGKILL');
  const fresh = await runCli(['nominate', '--data-dir', nodes[2]!.dataDir]);
  assert.equal(fresh.code, 0, fresh.stderr);
  const back = await startNodeProcess({ dataDir: victim.dataDir, env: { G2G_JOIN: fresh.stdout.trim() } });
  nodes[3] = back;
  for (const node of others) {
    await eventually(`${node.facts.nodeId} lists the readmitted node alive`, async () => {
      const entry = (await admins.members(node)).members.find((m) => m.nodeId === victim.facts.nodeId);
      return entry?.state === 'MEMBER_STATE_ALIVE';
    });
  }
});


test('a client-mode member cannot vouch for operators: its CA\'s operator certificate is refused (PERMISSION_DENIED) where a server member\'s is served', async () => {
  // A client-mode member, admitted with the network's ticket: it holds its own CA key, as every member does.
  const target = nodes[0]!;
  const ca = await joinAsClient(target, formatToken(parseTicket(ticket).token));
  const targetCa = await readNodeCaFiles(target.dataDir);
  const minted = await issueOperatorCertificate(ca, { name: 'minted-by-a-client', now: new Date(), lifetimeMs: 600_000, keyBits: 1024 });
  const admin = new (g2gProto().g2g.v1.Admin)(
    `127.0.0.1:${target.facts.gossipPort}`,
    tlsCredentials({ caPem: targetCa.certPem, nodeId: target.facts.nodeId, certPem: minted.certPem, keyPem: minted.keyPem }),
    channelOptions(target.facts.nodeId),
  );
  try {
    // Once the node trusts the client member's CA (the TLS handshake passes), the call is refused for what it is.
    await eventually('the minted operator certificate is refused with PERMISSION_DENIED', async () => (await failureCode(call(admin, 'Members', {}, 5000))) === grpc.status.PERMISSION_DENIED, 60_000);
    assert.equal(await failureCode(call(admin, 'Remove', { nodeId: nodes[3]!.facts.nodeId }, 5000)), grpc.status.PERMISSION_DENIED, 'Admin.Remove above all');
    // A server member's operator is still served.
    assert.ok((await admins.members(target)).members.length > 0);
  } finally {
    admin.close();
  }
});
