import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, test } from 'node:test';
import type { Leaf } from '../../src/identity/leaf';
import type { NodeCa } from '../../src/identity/node-ca';
import type { JoinMessage, JoinMessage__Output } from '../../src/proto/generated/g2g/v1/JoinMessage';
import type { NodeRecord } from '../../src/proto/generated/g2g/v1/NodeRecord';
import { caSigner, ClientHandshake, ServerHandshake, type ClientHandshakeContext, type ServerHandshakeContext } from '../../src/register/join-handshake';
import { MAX_JOIN_RECORD_BYTES } from '../../src/register/join-record';
import { clientProofMac, transcriptHash, JOIN_PROTOCOL_VERSION } from '../../src/register/join-transcript';
import { encodeNodeRecord } from '../../src/register/record-codec';
import { ManualClock } from '../../src/testing/manual-clock';
import { deriveTokenKey, parseToken } from '../../src/tokens/token-format';
import { TokenStore } from '../../src/tokens/token-store';
import { makeCa, memberLeaf } from '../helpers/in-process-node';

/*
 * The pure state machines, fed by hand: no sockets. `wire()` round-trips a message through the
 * output shape the gRPC layer would deliver (Buffers, defaults filled), so what is tested is what
 * the handlers see.
 */

let serverCa: NodeCa;
let serverLeaf: Leaf;
let mitmLeaf: Leaf; // a second leaf from the server's own CA, with another key: what a relay would need
let newcomerCa: NodeCa;
let strangerCa: NodeCa;

before(async () => {
  [serverCa, newcomerCa, strangerCa] = await Promise.all([makeCa(), makeCa(), makeCa()]);
  [serverLeaf, mitmLeaf] = await Promise.all([memberLeaf(serverCa), memberLeaf(serverCa)]);
});

const der = (leaf: Leaf) => new X509Certificate(leaf.certPem).raw;

function record(ca: NodeCa, cluster = 'prod', mode: NodeRecord['mode'] = 'NODE_MODE_SERVER', extra: Partial<NodeRecord> = {}): Buffer {
  return encodeNodeRecord({ nodeId: ca.nodeId, cluster, mode, addresses: ['10.0.0.1'], caCertPem: ca.certPem, version: 1, ...extra });
}

/** Every field as the gRPC layer delivers it (defaults filled, bytes as Buffers). */
function wire(message: JoinMessage): JoinMessage__Output {
  const out: Record<string, unknown> = {};
  const step = Object.keys(message).find((k) => k !== 'step')!;
  const body = (message as Record<string, Record<string, unknown>>)[step]!;
  const defaults: Record<string, Record<string, unknown>> = {
    hello: { tokenId: '', nonce: Buffer.alloc(0), cluster: '', protocolVersion: 0, recordBytes: Buffer.alloc(0) },
    serverProof: { nonce: Buffer.alloc(0), mac: Buffer.alloc(0), serverRecord: Buffer.alloc(0), leafFingerprint: '', possession: Buffer.alloc(0) },
    clientProof: { nonce: Buffer.alloc(0), mac: Buffer.alloc(0), serverRecord: Buffer.alloc(0), leafFingerprint: '', possession: Buffer.alloc(0) },
    welcome: { server: null, peers: [], services: [], observedAddress: '', connectBackError: '', admittedMode: 'NODE_MODE_UNSPECIFIED' },
  };
  const filled: Record<string, unknown> = { ...defaults[step] };
  for (const [k, v] of Object.entries(body)) filled[k] = v instanceof Uint8Array ? Buffer.from(v) : v;
  out[step] = filled;
  out.step = step;
  return out as unknown as JoinMessage__Output;
}

interface Setup {
  store: TokenStore;
  token: string;
  server: ServerHandshake;
  client: ClientHandshake;
  clock: ManualClock;
}

async function setup(opts: {
  tokenMode?: 'server' | 'client';
  singleUse?: boolean;
  server?: Partial<ServerHandshakeContext>;
  client?: Partial<ClientHandshakeContext>;
  secret?: string;
} = {}): Promise<Setup> {
  const clock = new ManualClock(1_700_000_000_000);
  const store = await TokenStore.open({ origin: serverCa.nodeId, clock });
  const { token } = await store.create({ mode: opts.tokenMode ?? 'server', singleUse: opts.singleUse, ttlMs: 60_000 });
  const parts = parseToken(token);
  const server = new ServerHandshake({
    cluster: 'prod',
    tokens: store,
    serverRecordBytes: record(serverCa),
    leafFingerprint: serverLeaf.fingerprint,
    ...opts.server,
  });
  const client = new ClientHandshake({
    token: opts.secret ? { id: parts.id, secret: opts.secret } : parts,
    cluster: 'prod',
    recordBytes: record(newcomerCa),
    sign: caSigner(newcomerCa.keyPem),
    caFingerprint: serverCa.fingerprint,
    ...opts.client,
  });
  return { store, token, server, client, clock };
}

function reply(step: { kind: string; message?: JoinMessage }): JoinMessage {
  assert.equal(step.kind, 'reply');
  return step.message!;
}

test('happy path: hello → server proof → client proof → welcome', async () => {
  const { server, client } = await setup();
  const proof = reply(server.receive(wire(client.hello())));
  const clientProof = reply(client.receive(wire(proof), der(serverLeaf)));
  const step = server.receive(wire(clientProof));
  assert.equal(step.kind, 'proven');
  if (step.kind !== 'proven') return;
  assert.equal(step.caller.record.nodeId, newcomerCa.nodeId);
  assert.equal(step.caller.mode, 'server');
  const welcome = server.welcome({ peers: [], services: ['svc:1'], observedAddress: '192.0.2.7', admittedMode: 'server' });
  const done = client.receive(wire(welcome));
  assert.equal(done.kind, 'welcome');
  if (done.kind !== 'welcome') return;
  assert.equal(done.welcome.server.nodeId, serverCa.nodeId);
  assert.equal(done.welcome.observedAddress, '192.0.2.7');
  assert.equal(done.welcome.admittedMode, 'server');
  assert.deepEqual(done.welcome.services, ['svc:1']);
});

test('the secret never crosses the wire, only the token id', async () => {
  const { server, client, token } = await setup();
  const { secret } = parseToken(token);
  const hello = client.hello();
  const proof = reply(server.receive(wire(hello)));
  const clientProof = reply(client.receive(wire(proof), der(serverLeaf)));
  const everything = JSON.stringify([hello, proof, clientProof], (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
  assert.ok(!everything.includes(secret));
  assert.ok(!everything.includes(deriveTokenKey(secret).toString('latin1')));
});

test('wrong secret: the newcomer refuses the server proof (ERR_SERVER_PROOF), and a proof under a wrong key is refused by the node (ERR_CLIENT_PROOF)', async () => {
  const { server, client } = await setup({ secret: 'a'.repeat(32) });
  const hello = wire(client.hello());
  const proof = wire(reply(server.receive(hello)));
  assert.throws(() => client.receive(proof, der(serverLeaf)), { code: 'ERR_SERVER_PROOF' });
  // What a newcomer with the wrong secret would send if it went on anyway.
  const transcript = transcriptHash({
    protocolVersion: JOIN_PROTOCOL_VERSION, tokenId: hello.hello!.tokenId, cluster: 'prod', clientNonce: hello.hello!.nonce,
    recordBytes: hello.hello!.recordBytes, serverNonce: proof.serverProof!.nonce, serverRecordBytes: proof.serverProof!.serverRecord,
    leafFingerprint: serverLeaf.fingerprint,
  });
  const forged = wire({ clientProof: { mac: clientProofMac(deriveTokenKey('a'.repeat(32)), transcript), possession: Buffer.alloc(128, 1) } });
  assert.throws(() => server.receive(forged), { code: 'ERR_CLIENT_PROOF' });
});

test('wrong cluster is refused by the node, naming both clusters, before the token is looked at', async () => {
  const { server, client } = await setup({ client: { cluster: 'staging', recordBytes: record(newcomerCa, 'staging') } });
  assert.throws(() => server.receive(wire(client.hello())), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'ERR_CLUSTER_MISMATCH');
    assert.match(e.message, /"prod"/);
    assert.match(e.message, /"staging"/);
    return true;
  });
});

test('wrong cluster is refused by the newcomer too (a node that does not check)', async () => {
  const { client } = await setup({ client: { cluster: 'staging', recordBytes: record(newcomerCa, 'staging') } });
  client.hello();
  // A careless node of cluster "prod" answers anyway.
  const proof = wire({ serverProof: { nonce: Buffer.alloc(32), mac: Buffer.alloc(32), serverRecord: record(serverCa, 'prod'), leafFingerprint: serverLeaf.fingerprint } });
  assert.throws(() => client.receive(proof, der(serverLeaf)), (e: Error & { code?: string }) => e.code === 'ERR_CLUSTER_MISMATCH' && /"staging"/.test(e.message) && /"prod"/.test(e.message));
});

test('a record whose cluster differs from the hello is refused as a cluster mismatch', async () => {
  const { server, client } = await setup({ client: { recordBytes: record(newcomerCa, 'other') } });
  assert.throws(() => server.receive(wire(client.hello())), { code: 'ERR_CLUSTER_MISMATCH' });
});

test('tampered transcript: a relay that swaps the newcomer record (or nonce) makes the server proof fail', async () => {
  for (const tamper of ['record', 'nonce'] as const) {
    const { server, client } = await setup();
    const hello = wire(client.hello());
    if (tamper === 'record') hello.hello!.recordBytes = record(strangerCa);
    else hello.hello!.nonce = Buffer.alloc(32, 7);
    const proof = wire(reply(server.receive(hello)));
    assert.throws(() => client.receive(proof, der(serverLeaf)), { code: 'ERR_SERVER_PROOF' }, tamper);
  }
});

test('tampered server proof: another node record or nonce fails the MAC', async () => {
  const { server, client } = await setup();
  const proof = wire(reply(server.receive(wire(client.hello()))));
  proof.serverProof!.nonce = Buffer.alloc(32, 9);
  assert.throws(() => client.receive(proof, der(serverLeaf)), { code: 'ERR_SERVER_PROOF' });
});

test('MITM: proofs bound to different leaves fail on both sides, even with a leaf from the right CA', async () => {
  // The relay terminates TLS with mitmLeaf (issued by the server's own CA, so every certificate
  // check passes) and opens its own TLS to the server, which presents serverLeaf.
  const { server, client } = await setup();
  const proof = wire(reply(server.receive(wire(client.hello()))));
  assert.throws(() => client.receive(proof, der(mitmLeaf)), (e: Error & { code?: string }) => e.code === 'ERR_CHANNEL_BINDING' && /TLS-terminating proxy/.test(e.message));

  // A relay that also rewrites the stated fingerprint gains nothing: the MAC covers the leaf.
  const second = await setup();
  const proof2 = wire(reply(second.server.receive(wire(second.client.hello()))));
  proof2.serverProof!.leafFingerprint = mitmLeaf.fingerprint;
  assert.throws(() => second.client.receive(proof2, der(mitmLeaf)), { code: 'ERR_SERVER_PROOF' });

  // And the node refuses a client proof made over the relay's leaf.
  const third = await setup();
  const hello = wire(third.client.hello());
  const realProof = wire(reply(third.server.receive(hello)));
  // The newcomer, believing the relay, would MAC mitmLeaf; emulate a newcomer that skipped its checks.
  const transcript = transcriptHash({
    protocolVersion: JOIN_PROTOCOL_VERSION, tokenId: hello.hello!.tokenId, cluster: 'prod', clientNonce: hello.hello!.nonce,
    recordBytes: hello.hello!.recordBytes, serverNonce: realProof.serverProof!.nonce, serverRecordBytes: realProof.serverProof!.serverRecord,
    leafFingerprint: mitmLeaf.fingerprint,
  });
  const key = deriveTokenKey(parseToken(third.token).secret);
  assert.throws(() => third.server.receive(wire({ clientProof: { mac: clientProofMac(key, transcript), possession: Buffer.alloc(64, 1) } })), { code: 'ERR_CLIENT_PROOF' });
});

test('a leaf not issued by the node CA, or a CA that is not the pinned one, is refused', async () => {
  const strangerLeaf = await memberLeaf(strangerCa);
  const { server, client } = await setup();
  const proof = wire(reply(server.receive(wire(client.hello()))));
  assert.throws(() => client.receive(proof, der(strangerLeaf)), { code: 'ERR_CA_MISMATCH' });

  const pinned = await setup({ client: { caFingerprint: strangerCa.fingerprint } });
  const proof2 = wire(reply(pinned.server.receive(wire(pinned.client.hello()))));
  assert.throws(() => pinned.client.receive(proof2, der(serverLeaf)), (e: Error & { code?: string }) => e.code === 'ERR_CA_MISMATCH' && e.message.includes(strangerCa.fingerprint));
});

test('replayed client proof: a proof recorded in one handshake is refused in the next', async () => {
  const first = await setup();
  const hello = wire(first.client.hello());
  const proof = wire(reply(first.server.receive(hello)));
  const clientProof = wire(reply(first.client.receive(proof, der(serverLeaf))));
  assert.equal(first.server.receive(clientProof).kind, 'proven');
  // A recorder replays the same hello and client proof to a fresh handshake (same token, same node).
  const replay = new ServerHandshake({ cluster: 'prod', tokens: first.store, serverRecordBytes: record(serverCa), leafFingerprint: serverLeaf.fingerprint });
  replay.receive(hello);
  assert.throws(() => replay.receive(clientProof), { code: 'ERR_CLIENT_PROOF' });
  // And a second client proof in the same handshake is out of order.
  assert.throws(() => first.server.receive(clientProof), { code: 'ERR_JOIN_MALFORMED' });
});

test('possession: a record naming someone else\'s CA is refused even with the right token', async () => {
  // The newcomer holds the token but claims strangerCa's record, signing with its own key.
  const { server, client } = await setup({ client: { recordBytes: record(strangerCa), sign: caSigner(newcomerCa.keyPem) } });
  const proof = wire(reply(server.receive(wire(client.hello()))));
  const clientProof = wire(reply(client.receive(proof, der(serverLeaf))));
  assert.throws(() => server.receive(clientProof), { code: 'ERR_POSSESSION_PROOF' });
});

test('a record whose node id is not its CA key is refused', async () => {
  const forged = encodeNodeRecord({ nodeId: strangerCa.nodeId, cluster: 'prod', mode: 'NODE_MODE_SERVER', caCertPem: newcomerCa.certPem });
  const { server, client } = await setup({ client: { recordBytes: forged } });
  assert.throws(() => server.receive(wire(client.hello())), { code: 'ERR_INVALID_RECORD' });
});

test('a client token cannot admit a server-mode newcomer, but admits a client-mode one', async () => {
  const asServer = await setup({ tokenMode: 'client' });
  assert.throws(() => asServer.server.receive(wire(asServer.client.hello())), { code: 'ERR_TOKEN_MODE' });
  const asClient = await setup({ tokenMode: 'client', client: { recordBytes: record(newcomerCa, 'prod', 'NODE_MODE_CLIENT') } });
  assert.equal(asClient.server.receive(wire(asClient.client.hello())).kind, 'reply');
});

test('expired, revoked and unknown tokens are refused at the hello with their own codes', async () => {
  const expired = await setup();
  expired.clock.advance(60_000);
  assert.throws(() => expired.server.receive(wire(expired.client.hello())), { code: 'ERR_TOKEN_EXPIRED' });
  const revoked = await setup();
  await revoked.store.revoke(parseToken(revoked.token).id);
  assert.throws(() => revoked.server.receive(wire(revoked.client.hello())), { code: 'ERR_TOKEN_REVOKED' });
  const unknown = await setup({ client: { token: { id: 'zzzzzzzzzz', secret: 'a'.repeat(32) } } });
  assert.throws(() => unknown.server.receive(wire(unknown.client.hello())), { code: 'ERR_TOKEN_UNKNOWN' });
});

test('malformed and oversized messages are refused with coded errors', async () => {
  const cases: Array<[string, (m: JoinMessage__Output) => void, string]> = [
    ['short nonce', (m) => { m.hello!.nonce = Buffer.alloc(8); }, 'ERR_JOIN_MALFORMED'],
    ['bad token id', (m) => { m.hello!.tokenId = 'NOPE'; }, 'ERR_JOIN_MALFORMED'],
    ['bad cluster name', (m) => { m.hello!.cluster = 'Bad Cluster'; }, 'ERR_JOIN_MALFORMED'],
    ['protocol version', (m) => { m.hello!.protocolVersion = 99; }, 'ERR_JOIN_PROTOCOL_VERSION'],
    ['no record', (m) => { m.hello!.recordBytes = Buffer.alloc(0); }, 'ERR_INVALID_RECORD'],
    ['garbage record', (m) => { m.hello!.recordBytes = Buffer.from([0xff, 0xff, 0xff, 0xff]); }, 'ERR_INVALID_RECORD'],
    ['oversized record', (m) => { m.hello!.recordBytes = record(newcomerCa, 'prod', 'NODE_MODE_SERVER', { tags: [{ key: 'pad', value: 'x'.repeat(MAX_JOIN_RECORD_BYTES) }] }); }, 'ERR_INVALID_RECORD'],
  ];
  for (const [name, mutate, code] of cases) {
    const { server, client } = await setup();
    const hello = wire(client.hello());
    mutate(hello);
    assert.throws(() => server.receive(hello), { code }, name);
  }
  const { server, client } = await setup();
  assert.throws(() => server.receive(wire({ clientProof: { mac: Buffer.alloc(32) } })), { code: 'ERR_JOIN_MALFORMED' }, 'proof before hello');
  assert.throws(() => server.receive(wire(client.hello())), { code: 'ERR_JOIN_MALFORMED' }, 'a failed machine accepts nothing more');
  const other = await setup();
  other.server.receive(wire(other.client.hello()));
  assert.throws(() => other.server.receive(wire({ clientProof: { mac: Buffer.alloc(32), possession: Buffer.alloc(5000) } })), { code: 'ERR_JOIN_MALFORMED' }, 'oversized signature');
  assert.throws(() => other.client.receive(wire({ welcome: {} })), { code: 'ERR_JOIN_MALFORMED' }, 'welcome before proof');
});

test('single-use tokens: the machine only checks; spending is the caller\'s reserve/commit', async () => {
  const { server, client, store, token } = await setup({ singleUse: true });
  const proof = reply(server.receive(wire(client.hello())));
  server.receive(wire(reply(client.receive(wire(proof), der(serverLeaf)))));
  await store.reserve(parseToken(token).id).commit();
  const replay = new ServerHandshake({ cluster: 'prod', tokens: store, serverRecordBytes: record(serverCa), leafFingerprint: serverLeaf.fingerprint });
  const hello = new ClientHandshake({ token: parseToken(token), cluster: 'prod', recordBytes: record(newcomerCa), sign: caSigner(newcomerCa.keyPem) }).hello();
  assert.throws(() => replay.receive(wire(hello)), { code: 'ERR_TOKEN_USED' });
});
