import { gossipHandlers } from '../../src/gossip/gossip-service';
import { silentLogger } from '../../src/log/logger';
import type { NodeRecord } from '../../src/membership/node-record';
import { CaRecordAuthenticator } from '../../src/membership/record-authenticator';
import type { GossipHandler, GossipTarget } from '../../src/membership/transport';
import { GrpcGossipTransport } from '../../src/transport/gossip-transport';
import { PeerClients } from '../../src/transport/peer-clients';
import { transportSuite, type TransportEndpoint } from '../sim/transport-suite';
import { g2gProto } from '../helpers/clients';
import { mtlsMembers } from '../helpers/mtls-members';

/** The shared transport suite (test/sim/transport-suite.ts) against the real gRPC transport. */
transportSuite('gRPC over mutual TLS', async () => {
  const handlers: (GossipHandler | undefined)[] = [];
  // PingVia dials only members the relay knows: here, every member of the suite and its unreachable one.
  const known = new Map<string, GossipTarget>();
  const net = await mtlsMembers(3, (server, i) => {
    const delegate: GossipHandler = {
      handleExchange: (from, r) => handlers[i]!.handleExchange(from, r),
      handlePing: (from, r) => handlers[i]!.handlePing(from, r),
      handlePingVia: (from, r) => handlers[i]!.handlePingVia(from, r),
    };
    server.addService(g2gProto().g2g.v1.Gossip.service, gossipHandlers({ handler: delegate, members: { targetOf: (id) => known.get(id) }, log: silentLogger(), now: () => Date.now() }));
  });
  const transports = net.members.map((m) => new GrpcGossipTransport({ clients: new PeerClients(m.identity), caOf: net.caOf }));
  const endpoints: TransportEndpoint[] = net.members.map(({ ca, leaf, target }, i) => {
    const auth = new CaRecordAuthenticator(ca.keyPem);
    const body = { ...target, cluster: 'suite', mode: 'server' as const, registerPort: 0, caCertPem: ca.certPem, leaf: { fingerprint: leaf.fingerprint, notAfterMs: leaf.notAfter.getTime() }, version: 1, services: [], tags: [{ key: 'k', value: 'v' }], protocolVersion: 1, left: false };
    const record: NodeRecord = { ...body, heartbeat: 1, signature: auth.signBody(body), heartbeatSignature: auth.signHeartbeat(ca.nodeId, 1, 1) };
    return { nodeId: ca.nodeId, target, transport: transports[i]!, serve: (h) => void (handlers[i] = h), record: () => record };
  });
  const unreachable = { nodeId: net.stranger.nodeId, addresses: ['127.0.0.1'], gossipPort: net.closedPort };
  for (const target of [...net.members.map((m) => m.target), unreachable]) known.set(target.nodeId, target);
  return {
    endpoints,
    unreachable,
    settle: (p) => p,
    async teardown() {
      for (const t of transports) t.close();
      net.shutdown();
    },
  };
});
