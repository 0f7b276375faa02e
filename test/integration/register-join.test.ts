import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { Leaf } from '../../src/identity/leaf';
import type { NodeCa } from '../../src/identity/node-ca';
import { createLogger, silentLogger, type Logger } from '../../src/log/logger';
import type { NodeRecord } from '../../src/proto/generated/g2g/v1/NodeRecord';
import type { JoinAttemptFailure } from '../../src/register/errors';
import { joinTargets, joinWithTicket, type JoinClientOptions } from '../../src/register/join-client';
import { caSigner } from '../../src/register/join-handshake';
import { formatTicket } from '../../src/tokens/join-ticket';
import { REGISTER_MAX_RECEIVE_MESSAGE_BYTES, REGISTER_SERVER_OPTIONS, registerService, type AdmitRequest, type RegisterOptions } from '../../src/register/register-service';
import { ManualClock } from '../../src/testing/manual-clock';
import { parseToken } from '../../src/tokens/token-format';
import { TokenStore } from '../../src/tokens/token-store';
import { PushCertificateProvider } from '../../src/transport/push-certificate-provider';
import { tlsServerCredentials } from '../../src/transport/server-credentials';
import { systemClock, type Clock } from '../../src/util/clock';
import { makeCa, memberLeaf } from '../helpers/in-process-node';

/*
 * The register handshake over real gRPC on loopback: a bare grpc.Server carrying only the
 * Register service, with TLS from a node CA and leaf, exactly as the node's register port is
 * built (tlsServerCredentials, REGISTER_SERVER_OPTIONS), and the real join client.
 */

interface Harness {
  ca: NodeCa;
  leaf: Leaf;
  tokens: TokenStore;
  port: number;
  admitted: AdmitRequest[];
  ticket(token: string, extra?: { cluster?: string | null; ca?: string | null; expiresAt?: number; mode?: 'server' | 'client'; port?: number }): string;
  close(): Promise<void>;
}

const closers: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

async function startRegister(opts: { cluster?: string; clock?: Clock; options?: RegisterOptions; currentLeafFingerprint?: string; log?: Logger } = {}): Promise<Harness> {
  const cluster = opts.cluster ?? 'test';
  const clock = opts.clock ?? systemClock;
  const ca = await makeCa();
  const leaf = await memberLeaf(ca);
  const identity = new PushCertificateProvider();
  identity.setIdentity(leaf.certPem, leaf.keyPem);
  const tokens = await TokenStore.open({ origin: ca.nodeId, clock });
  const record: NodeRecord = {
    nodeId: ca.nodeId, cluster, mode: 'NODE_MODE_SERVER', addresses: ['127.0.0.1'], caCertPem: ca.certPem,
    leaf: { fingerprint: leaf.fingerprint, notAfterUnixMs: leaf.notAfter.getTime() }, version: 1,
  };
  const admitted: AdmitRequest[] = [];
  const service = registerService({
    nodeId: ca.nodeId, cluster, caCertPem: ca.certPem, selfRecord: () => record, tokens,
    currentLeafFingerprint: () => opts.currentLeafFingerprint ?? leaf.fingerprint,
    admit: async (request) => {
      admitted.push(request);
      return { peers: [record], services: ['svc.example:7000'] };
    },
    clock, log: opts.log ?? silentLogger(),
  }, opts.options);
  const server = new grpc.Server(REGISTER_SERVER_OPTIONS);
  server.addService(service.definition, service.handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', tlsServerCredentials(identity), (e, p) => (e ? reject(e) : resolve(p))));
  const harness: Harness = {
    ca, leaf, tokens, port, admitted,
    ticket(token, extra = {}) {
      return formatTicket({
        token: parseToken(token), addresses: [{ host: '127.0.0.1', port: extra.port ?? port }], mode: extra.mode ?? 'server',
        ...(extra.ca === null ? {} : { caFingerprint: extra.ca ?? ca.fingerprint }),
        ...(extra.cluster === null ? {} : { cluster: extra.cluster ?? cluster }),
        ...(extra.expiresAt !== undefined ? { expiresAt: extra.expiresAt } : {}),
      });
    },
    async close() {
      service.stop();
      server.forceShutdown();
    },
  };
  closers.push(harness.close);
  return harness;
}

async function newcomer(cluster = 'test', mode: 'NODE_MODE_SERVER' | 'NODE_MODE_CLIENT' = 'NODE_MODE_SERVER'): Promise<JoinClientOptions & { ca: NodeCa }> {
  const ca = await makeCa();
  return {
    ca, cluster, sign: caSigner(ca.keyPem), attemptTimeoutMs: 5000,
    record: { nodeId: ca.nodeId, cluster, mode, addresses: ['10.0.0.9'], caCertPem: ca.certPem, version: 1 },
  };
}

/** The failures of a join that must fail. */
async function joinFailures(promise: Promise<unknown>): Promise<JoinAttemptFailure[]> {
  try {
    await promise;
  } catch (error) {
    assert.equal((error as { code?: string }).code, 'ERR_JOIN_FAILED', String(error));
    return (error as { failures: JoinAttemptFailure[] }).failures;
  }
  throw new Error('the join succeeded but was expected to fail');
}

let seed: Harness;
let me: JoinClientOptions & { ca: NodeCa };
before(async () => {
  seed = await startRegister();
  me = await newcomer();
});

test('happy path: the welcome carries the server record, peers, services and our observed address 127.0.0.1', async () => {
  const { token } = await seed.tokens.create({ mode: 'server' });
  const result = await joinWithTicket(seed.ticket(token), me);
  assert.equal(result.welcome.server.nodeId, seed.ca.nodeId);
  assert.equal(result.welcome.observedAddress, '127.0.0.1');
  assert.deepEqual(result.welcome.services, ['svc.example:7000']);
  assert.deepEqual(result.welcome.peers.map((p) => p.nodeId), [seed.ca.nodeId]);
  assert.equal(result.welcome.admittedMode, 'server');
  assert.deepEqual(result.failures, []);
  const admitted = seed.admitted.at(-1)!;
  assert.equal(admitted.record.nodeId, me.ca.nodeId);
  assert.equal(admitted.observedAddress, '127.0.0.1');
  assert.equal(admitted.mode, 'server');
});

test('the node binds the leaf of the newcomer\'s own connection, not merely its current one', async () => {
  // currentLeafFingerprint is only the fallback; if it were used, this join would fail.
  const node = await startRegister({ currentLeafFingerprint: `sha256:${'0'.repeat(64)}` });
  const { token } = await node.tokens.create({ mode: 'server' });
  assert.equal((await joinWithTicket(node.ticket(token), me)).welcome.server.nodeId, node.ca.nodeId);
});

test('partial failure is a value: an unreachable first address is reported, the second admits us', async () => {
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const deadPort = (closed.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const { token } = await seed.tokens.create({ mode: 'server' });
  const result = await joinTargets([{ address: `127.0.0.1:${deadPort}` }, { address: `127.0.0.1:${seed.port}` }], token, me, seed.ca.fingerprint);
  assert.equal(result.address, `127.0.0.1:${seed.port}`);
  assert.equal(result.failures.length, 1);
  assert.equal(result.failures[0]!.address, `127.0.0.1:${deadPort}`);
  assert.equal(result.failures[0]!.code, 'ERR_JOIN_UNREACHABLE');
});

test('wrong secret: UNAUTHENTICATED and nothing admitted; repeated failures from one source are throttled (RESOURCE_EXHAUSTED)', async () => {
  const clock = new ManualClock(Date.now());
  const node = await startRegister({ clock, options: { throttle: { burst: 2, refillMs: 60_000, maxSources: 100 } } });
  const { token, info } = await node.tokens.create({ mode: 'server' });
  const wrong = `${info.id}.${'a'.repeat(32)}`;
  for (let i = 0; i < 2; i++) {
    const [failure] = await joinFailures(joinWithTicket(node.ticket(wrong), me));
    assert.equal(failure!.code, 'ERR_SERVER_PROOF', 'the newcomer detects the wrong secret first');
    assert.equal(failure!.grpcCode, grpc.status.UNAUTHENTICATED, 'and the node answers UNAUTHENTICATED');
  }
  // The source is now throttled: even the right token is refused until the bucket refills.
  const [throttled] = await joinFailures(joinWithTicket(node.ticket(token), me));
  assert.equal(throttled!.grpcCode, grpc.status.RESOURCE_EXHAUSTED);
  assert.equal(throttled!.code, 'ERR_JOIN_THROTTLED');
  assert.deepEqual(node.admitted, []);
  assert.equal(node.tokens.get(info.id)?.status, 'active', 'nothing changed');
  clock.advance(60_000);
  assert.equal((await joinWithTicket(node.ticket(token), me)).welcome.server.nodeId, node.ca.nodeId);
});

test('expired token: PERMISSION_DENIED with ERR_TOKEN_EXPIRED; an expired ticket is refused before dialling', async () => {
  const clock = new ManualClock(Date.now());
  const node = await startRegister({ clock });
  const { token } = await node.tokens.create({ mode: 'server', ttlMs: 60_000 });
  clock.advance(61_000);
  const [failure] = await joinFailures(joinWithTicket(node.ticket(token), me));
  assert.equal(failure!.grpcCode, grpc.status.PERMISSION_DENIED);
  assert.equal(failure!.code, 'ERR_TOKEN_EXPIRED');
  assert.match(failure!.message, /expired at/);

  const before = node.admitted.length;
  await assert.rejects(joinWithTicket(node.ticket(token, { expiresAt: Date.now() - 1000 }), me), { code: 'ERR_TICKET_EXPIRED' });
  assert.equal(node.admitted.length, before);
});

test('reused single-use ticket: the second join is refused with ERR_TOKEN_USED', async () => {
  const { token } = await seed.tokens.create({ mode: 'server', singleUse: true });
  const ticket = seed.ticket(token);
  await joinWithTicket(ticket, me);
  const [failure] = await joinFailures(joinWithTicket(ticket, await newcomer()));
  assert.equal(failure!.grpcCode, grpc.status.PERMISSION_DENIED);
  assert.equal(failure!.code, 'ERR_TOKEN_USED');
  assert.match(failure!.message, /already been used/);
});

test('wrong cluster: the node refuses with FAILED_PRECONDITION naming both clusters; the newcomer refuses a ticket of another cluster', async () => {
  const { token } = await seed.tokens.create({ mode: 'server' });
  const stranger = await newcomer('other');
  const before = seed.admitted.length;
  const [failure] = await joinFailures(joinWithTicket(seed.ticket(token, { cluster: null }), stranger));
  assert.equal(failure!.grpcCode, grpc.status.FAILED_PRECONDITION);
  assert.equal(failure!.code, 'ERR_CLUSTER_MISMATCH');
  assert.match(failure!.message, /"test"/);
  assert.match(failure!.message, /"other"/);
  // Newcomer side: the ticket says cluster "test", we are "other": refused before dialling.
  await assert.rejects(joinWithTicket(seed.ticket(token), stranger), (e: Error & { code?: string }) => e.code === 'ERR_CLUSTER_MISMATCH' && /"other"/.test(e.message) && /"test"/.test(e.message));
  assert.equal(seed.admitted.length, before);
  assert.equal(seed.tokens.get(parseToken(token).id)?.status, 'active');
});

test('a ticket pinning another CA is refused before any proof is exchanged', async () => {
  const { token } = await seed.tokens.create({ mode: 'server' });
  const other = await makeCa();
  const [failure] = await joinFailures(joinWithTicket(seed.ticket(token, { ca: other.fingerprint }), me));
  assert.equal(failure!.code, 'ERR_CA_MISMATCH');
});

/** A raw Join stream that sends bytes as given (no serialisation). */
function rawJoin(node: Harness): { call: grpc.ClientDuplexStream<Buffer, Buffer>; client: grpc.Client } {
  const Raw = grpc.makeGenericClientConstructor({
    Join: {
      path: '/g2g.v1.Register/Join', requestStream: true, responseStream: true,
      requestSerialize: (b: Buffer) => b, requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b, responseDeserialize: (b: Buffer) => b,
    },
  }, 'Raw');
  const client = new Raw(`127.0.0.1:${node.port}`, grpc.credentials.createSsl(Buffer.from(node.ca.certPem)), {
    'grpc.ssl_target_name_override': node.ca.nodeId, 'grpc.default_authority': node.ca.nodeId,
  });
  const call = (client as unknown as { Join(o: grpc.CallOptions): grpc.ClientDuplexStream<Buffer, Buffer> }).Join({ deadline: Date.now() + 5000 });
  return { call, client };
}

function statusOf(call: grpc.ClientDuplexStream<Buffer, Buffer>): Promise<{ code: number; g2gCode: unknown }> {
  return new Promise((resolve) => {
    call.on('data', () => undefined);
    call.on('error', (e: grpc.ServiceError) => resolve({ code: e.code, g2gCode: e.metadata?.get('g2g-error-code')[0] }));
    call.on('status', (s: grpc.StatusObject) => {
      if (s.code === grpc.status.OK) resolve({ code: s.code, g2gCode: undefined });
    });
  });
}

test('malformed and oversized messages: INVALID_ARGUMENT / RESOURCE_EXHAUSTED, and the node keeps serving', async () => {
  const node = await startRegister();
  const cases: Array<[string, Buffer, number, string | undefined]> = [
    ['undecodable bytes', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), grpc.status.INVALID_ARGUMENT, 'ERR_JOIN_MALFORMED'],
    // field 3 (client_proof) as the first message: a valid JoinMessage out of order
    ['client proof first', Buffer.from([0x1a, 0x00]), grpc.status.INVALID_ARGUMENT, 'ERR_JOIN_MALFORMED'],
    ['empty message', Buffer.alloc(0), grpc.status.INVALID_ARGUMENT, 'ERR_JOIN_MALFORMED'],
    ['oversized', Buffer.alloc(REGISTER_MAX_RECEIVE_MESSAGE_BYTES + 1, 0), grpc.status.RESOURCE_EXHAUSTED, undefined],
  ];
  for (const [name, bytes, code, g2gCode] of cases) {
    const { call, client } = rawJoin(node);
    const status = statusOf(call);
    call.write(bytes);
    const result = await status;
    client.close();
    assert.equal(result.code, code, name);
    if (g2gCode) assert.equal(result.g2gCode, g2gCode, name);
  }
  const { token } = await node.tokens.create({ mode: 'server' });
  assert.equal((await joinWithTicket(node.ticket(token), me)).welcome.server.nodeId, node.ca.nodeId, 'still serving');
  assert.deepEqual(node.admitted.map((a) => a.record.nodeId), [me.ca.nodeId]);
});

test('a handshake that stalls is timed out (DEADLINE_EXCEEDED, ERR_JOIN_TIMEOUT)', async () => {
  const node = await startRegister({ options: { stepTimeoutMs: 200 } });
  const { call, client } = rawJoin(node);
  const result = await statusOf(call);
  client.close();
  assert.equal(result.code, grpc.status.DEADLINE_EXCEEDED);
  assert.equal(result.g2gCode, 'ERR_JOIN_TIMEOUT');
});

/**
 * A relaying man-in-the-middle: terminates the newcomer's TLS with `leaf` and opens its own TLS
 * to the node, then relays every byte both ways (so every gRPC message gets through unchanged).
 */
async function startRelay(node: Harness, leaf: Leaf): Promise<{ port: number; relayed: () => number }> {
  let bytes = 0;
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ cert: leaf.certPem, key: leaf.keyPem, ALPNProtocols: ['h2'] }, (downstream) => {
    const upstream = tls.connect({
      host: '127.0.0.1', port: node.port, ca: node.ca.certPem, servername: node.ca.nodeId, ALPNProtocols: ['h2'],
    });
    for (const s of [downstream, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        downstream.destroy();
        upstream.destroy();
      });
    }
    downstream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      downstream.write(chunk);
    });
    downstream.on('end', () => upstream.end());
    upstream.on('end', () => downstream.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as net.AddressInfo).port, relayed: () => bytes };
}

test('a relaying MITM with a certificate the newcomer trusts fails the handshake, though it relays every message', async () => {
  const node = await startRegister();
  // The worst case for the newcomer: the relay's leaf is issued by the node's own CA (a
  // mis-issued or stolen-CA leaf), so TLS, the CA pin and the leaf checks all pass. Only the
  // binding of the proofs to the presented leaf can tell.
  const relayLeaf = await memberLeaf(node.ca);
  const relay = await startRelay(node, relayLeaf);
  const { token, info } = await node.tokens.create({ mode: 'server', singleUse: true });
  const [failure] = await joinFailures(joinWithTicket(node.ticket(token, { port: relay.port }), me));
  assert.equal(failure!.code, 'ERR_CHANNEL_BINDING');
  assert.match(failure!.message, /TLS-terminating proxy/);
  assert.equal(failure!.grpcCode, grpc.status.UNAUTHENTICATED, 'the node saw the handshake abandoned after its proof');
  assert.ok(relay.relayed() > 0, 'the relay carried the traffic');
  assert.deepEqual(node.admitted, [], 'nothing admitted');
  assert.equal(node.tokens.get(info.id)?.status, 'active', 'the single-use token is not spent');
  // The same ticket works directly.
  await joinWithTicket(node.ticket(token), me);
});

test('a relaying MITM with its own CA, which the newcomer was told to trust, fails as well', async () => {
  const node = await startRegister();
  const attacker = await makeCa();
  const relay = await startRelay(node, await memberLeaf(attacker));
  const { token } = await node.tokens.create({ mode: 'server' });
  // The newcomer trusts the attacker's CA for this address (e.g. a poisoned peer list), and the
  // ticket carries no CA pin.
  const failures = await joinFailures(joinTargets(
    [{ address: `127.0.0.1:${relay.port}`, identity: { nodeId: attacker.nodeId, caCertPem: attacker.certPem } }],
    token, me,
  ));
  assert.ok(['ERR_CA_MISMATCH', 'ERR_CHANNEL_BINDING', 'ERR_SERVER_PROOF'].includes(failures[0]!.code), failures[0]!.code);
  assert.ok(relay.relayed() > 0);
  assert.deepEqual(node.admitted, []);
});

test('no secret or token key reaches a log line, at trace level, on either side', async () => {
  const lines: string[] = [];
  const log = createLogger('trace', { write: (line: string) => void lines.push(line) });
  const node = await startRegister({ log });
  const { token, info } = await node.tokens.create({ mode: 'server' });
  const { secret } = parseToken(token);
  await joinWithTicket(node.ticket(token), { ...me, log });
  await joinFailures(joinWithTicket(node.ticket(`${info.id}.${'b'.repeat(32)}`), { ...me, log }));
  const text = lines.join('');
  assert.ok(lines.length > 0, 'something was logged');
  assert.ok(text.includes(info.id), 'token ids are logged (they are public)');
  assert.ok(!text.includes(secret), 'the secret is not');
  assert.ok(!text.includes('b'.repeat(32)), 'nor a wrong secret');
});

test('a stalled hello counts as a failed attempt: after `burst` stalls the source is throttled (ERR_JOIN_THROTTLED)', async () => {
  const node = await startRegister({ options: { helloTimeoutMs: 200, throttle: { burst: 2, refillMs: 600_000, maxSources: 100 } } });
  for (let i = 0; i < 2; i++) {
    const { call, client } = rawJoin(node);
    const stalled = await statusOf(call);
    client.close();
    assert.equal(stalled.g2gCode, 'ERR_JOIN_TIMEOUT', `stall ${i + 1}`);
  }
  const { token } = await node.tokens.create({ mode: 'server' });
  const [throttled] = await joinFailures(joinWithTicket(node.ticket(token), me));
  assert.equal(throttled!.code, 'ERR_JOIN_THROTTLED');
  assert.equal(throttled!.grpcCode, grpc.status.RESOURCE_EXHAUSTED);
  assert.deepEqual(node.admitted, []);
});

test('handshakes in progress are capped per source (ERR_JOIN_BUSY at once), below the global cap', async () => {
  const node = await startRegister({ options: { helloTimeoutMs: 30_000, maxHandshakesPerSource: 2, maxConcurrentHandshakes: 64 } });
  const held = [rawJoin(node), rawJoin(node)];
  const heldStatus = held.map(({ call }) => statusOf(call));
  // Both must be in progress before the third arrives: a handshake is counted when its stream reaches the handler.
  await new Promise((r) => setTimeout(r, 300));
  const third = rawJoin(node);
  const refused = await statusOf(third.call);
  third.client.close();
  assert.equal(refused.code, grpc.status.RESOURCE_EXHAUSTED);
  assert.equal(refused.g2gCode, 'ERR_JOIN_BUSY');
  for (const { call, client } of held) {
    call.cancel();
    client.close();
  }
  await Promise.all(heldStatus);
});

test('a newcomer retries RESOURCE_EXHAUSTED with backoff within joinRetryTime, and gets in once the node has room', async () => {
  const node = await startRegister({ options: { helloTimeoutMs: 1_500, maxConcurrentHandshakes: 1 } });
  const { token } = await node.tokens.create({ mode: 'server' });
  // An idle stream takes the only handshake slot until its hello deadline.
  const hold = async () => {
    const blocker = rawJoin(node);
    const status = statusOf(blocker.call);
    await new Promise((r) => setTimeout(r, 200));
    return { status: status.finally(() => blocker.client.close()) };
  };
  const first = await hold();
  const [busy] = await joinFailures(joinWithTicket(node.ticket(token), { ...me, retryWithinMs: 0 }));
  assert.equal(busy!.code, 'ERR_JOIN_BUSY', 'without retries the newcomer gives up at once');
  assert.equal((await first.status).g2gCode, 'ERR_JOIN_TIMEOUT');
  const second = await hold();
  const joined = await joinWithTicket(node.ticket(token), { ...me, retryWithinMs: 20_000 });
  assert.equal((await second.status).g2gCode, 'ERR_JOIN_TIMEOUT', 'the slot was held until its hello deadline');
  assert.equal(joined.welcome.server.nodeId, node.ca.nodeId);
  assert.ok(joined.failures.some((f) => f.code === 'ERR_JOIN_BUSY'), 'the busy answers before the welcome are reported');
});
