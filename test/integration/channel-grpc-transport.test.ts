import net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { channelHandlers } from '../../src/channel/channel-service';
import { GrpcChannelTransport } from '../../src/channel/grpc-channel-transport';
import type { ChannelHandler } from '../../src/channel/transport';
import { silentLogger } from '../../src/log/logger';
import { authorizationInterceptor } from '../../src/transport/authorization-interceptor';
import { PeerClients } from '../../src/transport/peer-clients';
import { PushCertificateProvider } from '../../src/transport/push-certificate-provider';
import { mutualTlsServerCredentials } from '../../src/transport/server-credentials';
import { TrustStore } from '../../src/transport/trust-store';
import { systemClock } from '../../src/util/clock';
import { channelTransportSuite, type ChannelTransportEndpoint } from '../sim/channel-transport-suite';
import { g2gProto } from '../helpers/clients';
import { makeCa, memberLeaf } from '../helpers/in-process-node';

/** The shared channel transport suite against the real gRPC transport (mutual TLS, authorisation interceptor). */
channelTransportSuite('gRPC over mutual TLS', async () => {
  const cas = await Promise.all([makeCa(), makeCa(), makeCa(), makeCa()]);
  const [stranger] = cas.splice(3, 1);
  const caOf = (id: string) => [...cas, stranger!].find((ca) => ca.nodeId === id)?.certPem;
  const servers: grpc.Server[] = [];
  const clients: PeerClients[] = [];
  const endpoints: ChannelTransportEndpoint[] = [];
  for (const ca of cas) {
    const leaf = await memberLeaf(ca);
    const identity = new PushCertificateProvider();
    identity.setIdentity(leaf.certPem, leaf.keyPem);
    const trustProvider = new PushCertificateProvider();
    const trust = new TrustStore(trustProvider, { clock: systemClock, debounceMs: 0 });
    for (const member of cas) trust.set(member.nodeId, member.certPem);
    trust.flush();
    let handler: ChannelHandler | undefined;
    const delegate: ChannelHandler = {
      handlePush: (from, r) => handler!.handlePush(from, r),
      handlePull: (from, r) => handler!.handlePull(from, r),
    };
    const server = new grpc.Server({ interceptors: [authorizationInterceptor({ authority: trust, clock: systemClock, log: silentLogger() })] });
    server.addService(g2gProto().g2g.v1.Channel.service, channelHandlers({ handler: delegate, log: silentLogger(), now: () => Date.now() }));
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', mutualTlsServerCredentials(identity, trustProvider), (e, p) => (e ? reject(e) : resolve(p))),
    );
    servers.push(server);
    const peerClients = new PeerClients(identity);
    clients.push(peerClients);
    endpoints.push({
      nodeId: ca.nodeId,
      target: { nodeId: ca.nodeId, addresses: ['127.0.0.1'], gossipPort: port },
      transport: new GrpcChannelTransport({ clients: peerClients, caOf }),
      serve: (h) => void (handler = h),
    });
  }
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
      for (const c of clients) c.closeAll();
      for (const s of servers) s.forceShutdown();
    },
  };
});
