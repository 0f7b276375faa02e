import { channelHandlers } from '../../src/channel/channel-service';
import { GrpcChannelTransport } from '../../src/channel/grpc-channel-transport';
import type { ChannelHandler } from '../../src/channel/transport';
import { silentLogger } from '../../src/log/logger';
import { PeerClients } from '../../src/transport/peer-clients';
import { channelTransportSuite } from '../sim/channel-transport-suite';
import { g2gProto } from '../helpers/clients';
import { mtlsMembers } from '../helpers/mtls-members';

/** The shared channel transport suite against the real gRPC transport (mutual TLS, authorisation interceptor). */
channelTransportSuite('gRPC over mutual TLS', async () => {
  const handlers: (ChannelHandler | undefined)[] = [];
  const net = await mtlsMembers(3, (server, i) => {
    const delegate: ChannelHandler = {
      handlePush: (from, r) => handlers[i]!.handlePush(from, r),
      handlePull: (from, r) => handlers[i]!.handlePull(from, r),
    };
    server.addService(g2gProto().g2g.v1.Channel.service, channelHandlers({ handler: delegate, log: silentLogger(), now: () => Date.now() }));
  });
  const clients = net.members.map((m) => new PeerClients(m.identity));
  return {
    endpoints: net.members.map((m, i) => ({
      nodeId: m.ca.nodeId,
      target: m.target,
      transport: new GrpcChannelTransport({ clients: clients[i]!, caOf: net.caOf }),
      serve: (h: ChannelHandler) => void (handlers[i] = h),
    })),
    unreachable: { nodeId: net.stranger.nodeId, addresses: ['127.0.0.1'], gossipPort: net.closedPort },
    settle: (p) => p,
    async teardown() {
      for (const c of clients) c.closeAll();
      net.shutdown();
    },
  };
});
