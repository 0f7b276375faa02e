import net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { gossipHandlers } from '../../src/gossip/gossip-service';
import { silentLogger } from '../../src/log/logger';
import type { NodeRecord } from '../../src/membership/node-record';
import { CaRecordAuthenticator } from '../../src/membership/record-authenticator';
import type { GossipHandler } from '../../src/membership/transport';
import { authorizationInterceptor } from '../../src/transport/authorization-interceptor';
import { GrpcGossipTransport } from '../../src/transport/gossip-transport';
import { PeerClients } from '../../src/transport/peer-clients';
import { PushCertificateProvider } from '../../src/transport/push-certificate-provider';
import { mutualTlsServerCredentials } from '../../src/transport/server-credentials';
import { TrustStore } from '../../src/transport/trust-store';
import { systemClock } from '../../src/util/clock';
import { transportSuite, type TransportEndpoint } from '../sim/transport-suite';
import { g2gProto } from '../helpers/clients';
import { makeCa, memberLeaf } from '../helpers/in-process-node';

/** The shared transport suite (test/sim/transport-suite.ts) against the real gRPC transport. */
transportSuite('gRPC over mutual TLS', async () => {
  const cas = await Promise.all([makeCa(), makeCa(), makeCa(), makeCa()]);
  const [stranger] = cas.splice(3, 1);
  const caOf = (id: string) => [...cas, stranger!].find((ca) => ca.nodeId === id)?.certPem;
  const servers: grpc.Server[] = [];
  const transports: GrpcGossipTransport[] = [];
  const endpoints: TransportEndpoint[] = [];
  for (const ca of cas) {
    const leaf = await memberLeaf(ca);
    const identity = new PushCertificateProvider();
    identity.setIdentity(leaf.certPem, leaf.keyPem);
    const trustProvider = new PushCertificateProvider();
    const trust = new TrustStore(trustProvider, { clock: systemClock, debounceMs: 0 });
    for (const member of cas) trust.set(member.nodeId, member.certPem);
    trust.flush();
    let handler: GossipHandler | undefined;
    const delegate: GossipHandler = {
      handleExchange: (from, r) => handler!.handleExchange(from, r),
      handlePing: (from, r) => handler!.handlePing(from, r),
      handlePingVia: (from, r) => handler!.handlePingVia(from, r),
    };
    const server = new grpc.Server({ interceptors: [authorizationInterceptor({ authority: trust, clock: systemClock, log: silentLogger() })] });
    server.addService(g2gProto().g2g.v1.Gossip.service, gossipHandlers({ handler: delegate, log: silentLogger(), now: () => Date.now() }));
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', mutualTlsServerCredentials(identity, trustProvider), (e, p) => (e ? reject(e) : resolve(p))),
    );
    servers.push(server);
    const transport = new GrpcGossipTransport({ clients: new PeerClients(identity), caOf });
    transports.push(transport);
    const target = { nodeId: ca.nodeId, addresses: ['127.0.0.1'], gossipPort: port };
    const auth = new CaRecordAuthenticator(ca.keyPem);
    const body = { ...target, cluster: 'suite', mode: 'server' as const, registerPort: 0, caCertPem: ca.certPem, leaf: { fingerprint: leaf.fingerprint, notAfterMs: leaf.notAfter.getTime() }, version: 1, services: [], tags: [{ key: 'k', value: 'v' }], protocolVersion: 1, left: false };
    const record: NodeRecord = { ...body, heartbeat: 1, signature: auth.signBody(body), heartbeatSignature: auth.signHeartbeat(ca.nodeId, 1, 1) };
    endpoints.push({ nodeId: ca.nodeId, target, transport, serve: (h) => void (handler = h), record: () => record });
  }
  // A port nobody listens on: bound, noted, closed.
  const closed = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
  return {
    endpoints,
    unreachable: { nodeId: stranger!.nodeId, addresses: ['127.0.0.1'], gossipPort: closed },
    settle: (p) => p,
    async teardown() {
      for (const t of transports) t.close();
      for (const s of servers) s.forceShutdown();
    },
  };
});
