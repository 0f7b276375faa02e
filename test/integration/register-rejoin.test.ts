import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { endorse, type CaEndorsement } from '../../src/identity/ca-lineage';
import { certFingerprint, splitPemBundle } from '../../src/identity/cert-info';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import { createNodeCa, type NodeCa } from '../../src/identity/node-ca';
import type { G2gNode } from '../../src/node/g2g-node';
import { JoinFailedError } from '../../src/register/errors';
import { caSigner } from '../../src/register/join-handshake';
import { rejoinTargets, type RejoinSuccess } from '../../src/register/rejoin-client';
import { exchangeRequestToWire, recordToWire } from '../../src/transport/gossip-wire';
import { call, channelOptions, g2gProto, tlsCredentials } from '../helpers/clients';
import { makeCa, materialFor, memberLeaf, startInProcessNode } from '../helpers/in-process-node';
import { signedRecord } from '../helpers/records';

/*
 * Register.Rejoin against a node in this process: a member whose node CA rotated out of
 * the node's sight proves it and is trusted again at once — and every way of getting it wrong is
 * refused with a clear status and a coded reason, and changes nothing: an unendorsed CA (a wrong
 * endorsement key, or a CA with no lineage), a proof by another key than the new CA's, a node
 * that was never a member, a removed member, a client-mode member asking to come back as a
 * server, another cluster, and any rejoin at all on a node configured to want a ticket.
 */

let node: G2gNode;
let close: () => Promise<void>;
let strict: Awaited<ReturnType<typeof startInProcessNode>>;
const clients: grpc.Client[] = [];

before(async () => {
  ({ node, close } = await startInProcessNode());
  strict = await startInProcessNode({ 'ca-rejoin': 'ticket' });
});

after(async () => {
  for (const c of clients) c.close();
  await close();
  await strict.close();
});

/** A member admitted the usual way (trusted, then its first exchange): it has CA `ca`. */
async function member(mode: 'server' | 'client' = 'server', on: G2gNode = node): Promise<NodeCa> {
  const ca = await makeCa();
  on.trust.set(ca.nodeId, ca.certPem);
  await on.trust.settled();
  const gossip = new (g2gProto().g2g.v1.Gossip)(`127.0.0.1:${on.boundPorts.gossip}`, tlsCredentials(materialFor(on, await memberLeaf(ca))), channelOptions(on.nodeId));
  clients.push(gossip);
  await call(gossip, 'Exchange', exchangeRequestToWire({ sender: signedRecord(ca, { mode, cluster: 'default' }), records: [], digests: [], heartbeats: [], claims: [], digestsComplete: false, followUp: false, rumourDigests: [], joining: true }));
  return ca;
}

/** `ca`'s next CA, endorsed by `endorserKeyPem` (the previous key, unless a test forges it). */
async function rotated(ca: NodeCa, endorserKeyPem = ca.keyPem): Promise<NodeCa> {
  const lineage: CaEndorsement[] = ca.lineage ?? [{ caCertPem: ca.certPem, signature: new Uint8Array(0) }];
  const made = createNodeCa({ keyPair: await generateRsaKeyPair(1024), now: new Date(), lifetimeMs: 86_400_000, nodeId: ca.nodeId, generation: lineage.length + 1 });
  return { ...made, nodeId: ca.nodeId, lineage: [...lineage, endorse(ca.nodeId, made.certPem, endorserKeyPem)] };
}

/** Register.Rejoin at `on` with `ca`'s record (signed by `ca`), proving with `proofKeyPem`. */
function rejoin(ca: NodeCa, extra: Parameters<typeof signedRecord>[1] = {}, proofKeyPem = ca.keyPem, on: G2gNode = node): Promise<RejoinSuccess> {
  const record = signedRecord(ca, { version: 10, ...extra });
  return rejoinTargets([{ address: `127.0.0.1:${on.boundPorts.register}`, identity: { nodeId: on.nodeId, caCertPem: on.nodeCa.certPem } }], {
    cluster: record.cluster,
    record: recordToWire(record),
    sign: caSigner(proofKeyPem),
    attemptTimeoutMs: 10_000,
  });
}

/** The refusal of a rejoin: its g2g code and gRPC status. */
async function refusal(attempt: Promise<unknown>): Promise<{ code: string; grpcCode: number | undefined; message: string }> {
  try {
    await attempt;
  } catch (error) {
    assert.ok(error instanceof JoinFailedError, String(error));
    const [failure] = error.failures;
    return { code: failure!.code, grpcCode: failure!.grpcCode, message: failure!.message };
  }
  assert.fail('the rejoin was accepted');
}

/** What the node trusts and holds, to check that a refusal changed nothing. */
function snapshot(on: G2gNode = node) {
  return {
    trusted: on.trust.members().sort().map((id) => `${id}:${splitPemBundle(on.trust.caOf(id) ?? '').map(certFingerprint).join('+')}`),
    members: on['network']!.members().map((m) => `${m.nodeId}@${m.record.version}:${certFingerprint(m.record.caCertPem)}:${m.mode}`).sort(),
  };
}

async function gossipPing(ca: NodeCa): Promise<grpc.status | 'ok'> {
  const client = new (g2gProto().g2g.v1.Gossip)(`127.0.0.1:${node.boundPorts.gossip}`, tlsCredentials(materialFor(node, await memberLeaf(ca))), channelOptions(node.nodeId));
  clients.push(client);
  return call(client, 'Ping', { nonce: 1 }, 5000).then(() => 'ok' as const, (e: grpc.ServiceError) => e.code);
}

test('a member proves its rotated CA: trusted at once, its leaves from the new CA accepted on the gossip port, and the welcome names the node', async () => {
  const old = await member();
  const next = await rotated(old);
  assert.equal(await gossipPing(next), grpc.status.UNAVAILABLE, 'refused at the handshake before the rejoin');
  const success = await rejoin(next);
  assert.equal(success.welcome.server.nodeId, node.nodeId);
  assert.ok(splitPemBundle(node.trust.caOf(old.nodeId)!).map(certFingerprint).includes(next.fingerprint));
  assert.equal(await gossipPing(next), 'ok');
  const held = node['network']!.member(old.nodeId)!;
  assert.equal(held.record.caCertPem, next.certPem);
  assert.equal(held.record.version, 10);
});

test('a member that rejoins at a version the node already holds (it restarted from an older save) is trusted with the CA it proved', async () => {
  const old = await member();
  const first = await rotated(old);
  await rejoin(first, { version: 10 });
  const second = await rotated(first);
  await rejoin(second, { version: 10 });
  assert.equal(await gossipPing(second), 'ok');
  assert.equal(node['network']!.member(old.nodeId)!.record.caCertPem, first.certPem, 'the held record stays until a newer one');
});

test('an unendorsed CA is refused (INVALID_ARGUMENT, ERR_INVALID_RECORD) and nothing changes: a wrong endorsement key, or a CA with no lineage', async () => {
  const old = await member();
  const stranger = await makeCa();
  const before = snapshot();
  const forged = await rotated(old, stranger.keyPem);
  const r1 = await refusal(rejoin(forged));
  assert.equal(r1.code, 'ERR_INVALID_RECORD');
  assert.equal(r1.grpcCode, grpc.status.INVALID_ARGUMENT);
  assert.match(r1.message, /not endorsed by the key of the CA before it/);
  // A fresh self-signed CA named after the member, with no lineage: its key does not derive the id.
  const bare = createNodeCa({ keyPair: await generateRsaKeyPair(1024), now: new Date(), lifetimeMs: 86_400_000, nodeId: old.nodeId, generation: 2 });
  const r2 = await refusal(rejoin({ ...bare, nodeId: old.nodeId }));
  assert.equal(r2.code, 'ERR_INVALID_RECORD');
  assert.deepEqual(snapshot(), before);
  assert.equal(await gossipPing(forged), grpc.status.UNAVAILABLE);
});

test('a proof signed by another key than the new CA\'s is refused (UNAUTHENTICATED, ERR_POSSESSION_PROOF), also by the old key', async () => {
  const old = await member();
  const next = await rotated(old);
  const before = snapshot();
  const r = await refusal(rejoin(next, {}, old.keyPem));
  assert.equal(r.code, 'ERR_POSSESSION_PROOF');
  assert.equal(r.grpcCode, grpc.status.UNAUTHENTICATED);
  assert.deepEqual(snapshot(), before);
});

test('a node that was never a member is refused (PERMISSION_DENIED, ERR_REJOIN_REFUSED): a newcomer needs a ticket', async () => {
  const never = await rotated(await makeCa());
  const before = snapshot();
  const r = await refusal(rejoin(never));
  assert.equal(r.code, 'ERR_REJOIN_REFUSED');
  assert.equal(r.grpcCode, grpc.status.PERMISSION_DENIED);
  assert.match(r.message, /not a member this node knows/);
  assert.deepEqual(snapshot(), before);
});

test('a removed member is refused (ERR_REJOIN_REFUSED) and stays out', async () => {
  const old = await member();
  node['network']!.remove(old.nodeId);
  const before = snapshot();
  const r = await refusal(rejoin(await rotated(old)));
  assert.equal(r.code, 'ERR_REJOIN_REFUSED');
  assert.match(r.message, /was removed from the network/);
  assert.deepEqual(snapshot(), before);
});

test('a client-mode member may not come back as a server (ERR_REJOIN_REFUSED)', async () => {
  const old = await member('client');
  const before = snapshot();
  const r = await refusal(rejoin(await rotated(old), { mode: 'server' }));
  assert.equal(r.code, 'ERR_REJOIN_REFUSED');
  assert.match(r.message, /client-mode member/);
  assert.deepEqual(snapshot(), before);
});

test('a member of another cluster is refused (FAILED_PRECONDITION, ERR_CLUSTER_MISMATCH)', async () => {
  const old = await member();
  const r = await refusal(rejoin(await rotated(old), { cluster: 'elsewhere' }));
  assert.equal(r.code, 'ERR_CLUSTER_MISMATCH');
  assert.equal(r.grpcCode, grpc.status.FAILED_PRECONDITION);
});

test('a node configured with caRejoin = ticket refuses every rejoin (FAILED_PRECONDITION, ERR_REJOIN_NEEDS_TICKET) and changes nothing', async () => {
  const old = await member('server', strict.node);
  const before = snapshot(strict.node);
  const r = await refusal(rejoin(await rotated(old), {}, undefined, strict.node));
  assert.equal(r.code, 'ERR_REJOIN_NEEDS_TICKET');
  assert.equal(r.grpcCode, grpc.status.FAILED_PRECONDITION);
  assert.match(r.message, /new ticket/);
  assert.deepEqual(snapshot(strict.node), before);
});

test('a hello without a record is refused with INVALID_ARGUMENT (ERR_INVALID_RECORD)', async () => {
  const client = new (g2gProto().g2g.v1.Register)(`127.0.0.1:${node.boundPorts.register}`, tlsCredentials({ caPem: node.nodeCa.certPem, nodeId: node.nodeId }), channelOptions(node.nodeId));
  clients.push(client);
  const error = await new Promise<grpc.ServiceError>((resolve, reject) => {
    const stream = client.Rejoin({ deadline: Date.now() + 5000 });
    stream.on('data', () => reject(new Error('the node answered a hello without a record')));
    stream.on('error', resolve);
    stream.write({ hello: { recordBytes: Buffer.alloc(0), cluster: 'default', protocolVersion: 1 } });
  });
  assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
  assert.deepEqual(error.metadata.get('g2g-error-code'), ['ERR_INVALID_RECORD']);
});
