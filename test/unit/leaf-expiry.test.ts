import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { Leaf } from '../../src/identity/leaf';
import { issueLeaf } from '../../src/identity/leaf';
import { LeafExpiryGuard } from '../../src/identity/leaf-expiry-guard';
import { CLOCK_SKEW_BACKDATE_MS, type NodeCa } from '../../src/identity/node-ca';
import { silentLogger } from '../../src/log/logger';
import { g2gProto } from '../../src/proto/protos';
import { ManualClock } from '../../src/testing/manual-clock';
import { authorizationInterceptor } from '../../src/transport/authorization-interceptor';
import { PushCertificateProvider } from '../../src/transport/push-certificate-provider';
import { mutualTlsServerCredentials } from '../../src/transport/server-credentials';
import { TrustStore } from '../../src/transport/trust-store';
import { call, channelOptions, failureCode, tlsCredentials } from '../helpers/clients';
import { makeCa, memberLeaf } from '../helpers/in-process-node';

const MIN = 60_000;
const HOUR = 60 * MIN;

function fakeLeaf(notAfterMs: number, name = 'a'): Leaf {
  return { certPem: '', keyPem: '', fingerprint: `sha256:${name}`, notBefore: new Date(0), notAfter: new Date(notAfterMs), serial: name };
}

function guard(clock: ManualClock, marginMs: number) {
  const events: string[] = [];
  const g = new LeafExpiryGuard({
    clock,
    log: silentLogger(),
    marginMs,
    onExpiring: (leaf) => events.push(`expiring ${leaf.serial}`),
    onRecovered: (leaf) => events.push(`recovered ${leaf.serial}`),
  });
  return { g, events };
}

test('expiry guard: a leaf renewed in time never reaches the margin', () => {
  const clock = new ManualClock(0);
  const { g, events } = guard(clock, 15 * MIN);
  g.track(fakeLeaf(HOUR, 'a'));
  clock.advance(30 * MIN);
  g.track(fakeLeaf(30 * MIN + HOUR, 'b'));
  clock.advance(44 * MIN);
  assert.deepEqual(events, []);
  assert.equal(g.expiring(), false);
  assert.equal(g.withdrawAt(), 30 * MIN + HOUR - 15 * MIN);
});

test('expiry guard: with renewal failing, the leaf is withdrawn exactly at not-after minus the margin, once; a new leaf recovers', () => {
  const clock = new ManualClock(0);
  const { g, events } = guard(clock, 15 * MIN);
  g.track(fakeLeaf(HOUR, 'a'));
  clock.advance(45 * MIN - 1);
  assert.deepEqual(events, []);
  clock.advance(1);
  assert.deepEqual(events, ['expiring a']);
  assert.equal(g.expiring(), true);
  clock.advance(2 * HOUR);
  assert.deepEqual(events, ['expiring a'], 'reported once');
  g.track(fakeLeaf(clock.now() + HOUR, 'b'));
  assert.deepEqual(events, ['expiring a', 'recovered b']);
  assert.equal(g.expiring(), false);
  g.stop();
  clock.advance(10 * HOUR);
  assert.deepEqual(events, ['expiring a', 'recovered b'], 'a stopped guard fires nothing');
});

test('expiry guard: a leaf installed already inside the margin (e.g. cut short by an expiring CA) is withdrawn at once', () => {
  const clock = new ManualClock(0);
  const { g, events } = guard(clock, 15 * MIN);
  g.track(fakeLeaf(10 * MIN, 'short'));
  clock.advance(0);
  assert.deepEqual(events, ['expiring short']);
});

test('leaves are back-dated by CLOCK_SKEW_BACKDATE_MS (5 min), at most a tenth of their life', async () => {
  assert.equal(CLOCK_SKEW_BACKDATE_MS, 5 * MIN);
  const ca = await makeCa();
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const long = await issueLeaf(ca, { now, lifetimeMs: HOUR, ips: [], keyBits: 1024 });
  assert.equal(now.getTime() - long.notBefore.getTime(), 5 * MIN);
  const short = await issueLeaf(ca, { now, lifetimeMs: 10 * MIN, ips: [], keyBits: 1024 });
  assert.equal(now.getTime() - short.notBefore.getTime(), MIN);
});

test('push provider: clearIdentity makes the server refuse new handshakes; setIdentity restores them', async () => {
  const [serverCa, clientCa] = await Promise.all([makeCa(), makeCa()]);
  const [serverLeaf, clientLeaf] = await Promise.all([memberLeaf(serverCa), memberLeaf(clientCa)]);
  const identity = new PushCertificateProvider();
  identity.setIdentity(serverLeaf.certPem, serverLeaf.keyPem);
  const trust = new PushCertificateProvider();
  trust.setCaCertificates([clientCa.certPem]);
  const server = new grpc.Server();
  const proto = g2gProto();
  server.addService(proto.g2g.v1.Gossip.service, { Ping: (c: grpc.ServerUnaryCall<{ nonce: number }, unknown>, cb: grpc.sendUnaryData<unknown>) => cb(null, { nonce: c.request.nonce, nodeId: serverCa.nodeId, heartbeat: 0 }) });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', mutualTlsServerCredentials(identity, trust), (e, p) => (e ? reject(e) : resolve(p))));
  const material = { caPem: serverCa.certPem, nodeId: serverCa.nodeId, certPem: clientLeaf.certPem, keyPem: clientLeaf.keyPem };
  const open = new proto.g2g.v1.Gossip(`127.0.0.1:${port}`, tlsCredentials(material), channelOptions(serverCa.nodeId));
  try {
    await call(open, 'Ping', { nonce: 1 });
    identity.clearIdentity();
    assert.equal(identity.hasIdentity(), false);
    // The connection opened before the withdrawal continues; a new one cannot be made.
    await call(open, 'Ping', { nonce: 2 });
    const fresh = new proto.g2g.v1.Gossip(`127.0.0.1:${port}`, tlsCredentials(material), channelOptions(serverCa.nodeId));
    assert.equal(await failureCode(call(fresh, 'Ping', { nonce: 3 }, 3000)), grpc.status.UNAVAILABLE);
    fresh.close();
    identity.setIdentity(serverLeaf.certPem, serverLeaf.keyPem);
    const again = new proto.g2g.v1.Gossip(`127.0.0.1:${port}`, tlsCredentials(material), channelOptions(serverCa.nodeId));
    await call(again, 'Ping', { nonce: 4 });
    again.close();
  } finally {
    open.close();
    server.forceShutdown();
  }
});

/*
 * A peer whose leaf expires while its connection is open: TLS checked the certificate only at the
 * handshake, so the authorisation interceptor checks expiry on every call (on its own clock).
 */
let ca: NodeCa;
let peerCa: NodeCa;
let server: grpc.Server;
let port: number;
const clock = new ManualClock(Date.now());

before(async () => {
  [ca, peerCa] = await Promise.all([makeCa(), makeCa()]);
  const leaf = await memberLeaf(ca);
  const identity = new PushCertificateProvider();
  identity.setIdentity(leaf.certPem, leaf.keyPem);
  const trustProvider = new PushCertificateProvider();
  const trust = new TrustStore(trustProvider, { clock, debounceMs: 0 });
  trust.set(peerCa.nodeId, peerCa.certPem);
  trust.flush();
  server = new grpc.Server({ interceptors: [authorizationInterceptor({ authority: trust, clock, log: silentLogger() })] });
  server.addService(g2gProto().g2g.v1.Gossip.service, {
    Ping: (c: grpc.ServerUnaryCall<{ nonce: number }, unknown>, cb: grpc.sendUnaryData<unknown>) => cb(null, { nonce: c.request.nonce, nodeId: ca.nodeId, heartbeat: 0 }),
  });
  port = await new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', mutualTlsServerCredentials(identity, trustProvider), (e, p) => (e ? reject(e) : resolve(p))));
});

after(() => server.forceShutdown());

test('a peer whose leaf expires on an open connection is refused on its next call: UNAUTHENTICATED, "certificate expired at"', async () => {
  const leaf = await memberLeaf(peerCa, HOUR);
  const client = new (g2gProto().g2g.v1.Gossip)(`127.0.0.1:${port}`, tlsCredentials({ caPem: ca.certPem, nodeId: ca.nodeId, certPem: leaf.certPem, keyPem: leaf.keyPem }), channelOptions(ca.nodeId));
  try {
    await call(client, 'Ping', { nonce: 1 });
    clock.advanceTo(leaf.notAfter.getTime() - 1000);
    await call(client, 'Ping', { nonce: 2 });
    clock.advanceTo(leaf.notAfter.getTime());
    const error = await call(client, 'Ping', { nonce: 3 }).then(
      () => assert.fail('an expired leaf was accepted'),
      (e: grpc.ServiceError) => e,
    );
    assert.equal(error.code, grpc.status.UNAUTHENTICATED);
    assert.match(error.details, /certificate expired at/);
    assert.equal(client.getChannel().getConnectivityState(false), grpc.connectivityState.READY, 'refused per call, on the open connection');
  } finally {
    client.close();
  }
});
