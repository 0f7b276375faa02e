import 'reflect-metadata';
import * as grpc from '@grpc/grpc-js';
import { loadConfig } from '../../src/config';
import { issueLeaf } from '../../src/identity/leaf';
import { silentLogger, type Logger } from '../../src/log/logger';
import { NodeMetrics } from '../../src/metrics/metrics';
import { G2gNode } from '../../src/node/g2g-node';
import { bindServer } from '../../src/node/node-servers';
import { g2gProto } from '../../src/proto/protos';
import { authorizationInterceptor } from '../../src/transport/authorization-interceptor';
import { identifyCaller, type CallerResult } from '../../src/transport/caller-identity';
import { metricsInterceptor } from '../../src/transport/metrics-interceptor';
import { systemClock } from '../../src/util/clock';
import { removeDir, tempDir } from '../helpers/node-process';

/*
 * The server side of host-cost.bench.ts, in its own process so that the servers and the load
 * generator each get one of the machine's two cores instead of sharing one event loop.
 *
 * `host` is a real G2gNode's gossip port. `bare` is a grpc-js mutual-TLS server
 * (ServerCredentials.createSsl) presenting the same leaf, trusting the same CA and answering
 * Gossip.Ping with the same handler, with no interceptors, health or reflection. The `bare+…`
 * servers add the node's own interceptors one at a time (same factories, same order as the
 * node), so the breakdown run can say which part of hosting costs what; two more isolate the
 * price of any interceptor (one that passes everything through) and of reading the peer
 * certificate (`call.getAuthContext()`, which authorisation does on every call), and one makes
 * the same decision as the authorisation interceptor inside a wrapped handler instead, to price
 * the interceptor machinery against a plain function call. The last reads the peer certificate
 * once per connection and remembers the caller by the connection's remote address: a stand-in
 * for what a per-connection cache would gain, not a safe design (entries never expire, and an
 * address can be reused by a later connection).
 *
 * Reports the ports and a member client certificate over IPC; stops on 'stop' or when the
 * parent goes away.
 */

export const SERVER_TARGETS = [
  'bare',
  'bare+noop-interceptor',
  'bare+getAuthContext',
  'bare+metrics',
  'bare+authz',
  'bare+metrics+authz',
  'bare+authz-in-handler',
  'bare+authz-once-per-connection',
  'host',
] as const;
export type ServerTarget = (typeof SERVER_TARGETS)[number];

export interface HostCostServers {
  nodeId: string;
  caPem: string;
  /** Member client certificate: a leaf of the node's own CA, so it names a current member. */
  clientCertPem: string;
  clientKeyPem: string;
  ports: Record<ServerTarget, number>;
}

async function main(): Promise<void> {
  const dataDir = await tempDir('g2g-bench-host-');
  const config = loadConfig({
    // A 1 h leaf so that no scheduled rotation lands in a measured round: rotation has its own
    // benchmark and this one is about the cost per call. Everything else is the local profile.
    flags: { 'data-dir': dataDir, 'register-port': '0', 'gossip-port': '0', profile: 'local', 'leaf-lifetime': '1h' },
    env: {},
  });
  const log = silentLogger();
  const node = new G2gNode({ config, log });
  await node.start();
  const ca = node.nodeCa;
  const leaf = node.currentLeaf();

  const proto = g2gProto();
  const credentials = grpc.ServerCredentials.createSsl(
    Buffer.from(ca.certPem),
    [{ cert_chain: Buffer.from(leaf.certPem), private_key: Buffer.from(leaf.keyPem) }],
    true,
  );
  const servers: grpc.Server[] = [];
  const ports: Partial<Record<ServerTarget, number>> = { host: node.boundPorts.gossip };
  for (const [name, { interceptors, handlers }] of Object.entries(bareVariants(node, log))) {
    const server = new grpc.Server(interceptors.length > 0 ? { interceptors } : {});
    server.addService(proto.g2g.v1.Gossip.service, handlers);
    ports[name as ServerTarget] = await bindServer(server, config.host, 0, credentials);
    servers.push(server);
  }

  const member = await issueLeaf(ca, { now: new Date(), lifetimeMs: 3_600_000, ips: [] });
  const ready: HostCostServers = {
    nodeId: ca.nodeId,
    caPem: ca.certPem,
    clientCertPem: member.certPem,
    clientKeyPem: member.keyPem,
    ports: ports as Record<ServerTarget, number>,
  };

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    for (const server of servers) server.forceShutdown();
    await node.stop();
    await removeDir(dataDir);
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.send!({ ready });
}

interface Variant {
  interceptors: grpc.ServerInterceptor[];
  handlers: grpc.UntypedServiceImplementation;
}

/** The bare servers: Gossip.Ping with the node's own handler, and some part of what the node adds. */
function bareVariants(node: G2gNode, log: Logger): Record<Exclude<ServerTarget, 'host'>, Variant> {
  // The same answer the node's Ping gives, without the node: the caller's identity check and
  // membership's handler are part of what being a host costs.
  type Ping = (call: grpc.ServerUnaryCall<{ nonce: number }, unknown>, callback: grpc.sendUnaryData<unknown>) => void;
  const handlers: { Ping: Ping } = {
    Ping: (call, callback) => callback(null, { nonce: call.request.nonce, nodeId: node.nodeId, heartbeat: 0 }),
  };
  const metrics = () => metricsInterceptor(new NodeMetrics({ processMetrics: false, now: () => Date.now() }), 'gossip');
  const authz = () => authorizationInterceptor({ authority: node.trust, clock: systemClock, log });
  const passThrough = (touchAuthContext: boolean): grpc.ServerInterceptor => (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, proceed) => {
            if (touchAuthContext) call.getAuthContext();
            proceed(metadata);
          },
        }),
    });
  const authorisedPing: Ping = (call, callback) => {
    const identity = identifyCaller(call.getAuthContext().sslPeerCertificate, Date.now());
    if (!identity.ok || identity.caller.kind !== 'member' || !node.trust.isMember(identity.caller.nodeId)) {
      callback({ code: grpc.status.PERMISSION_DENIED, details: 'members only' });
      return;
    }
    handlers.Ping(call, callback);
  };
  const callers = new Map<string, CallerResult>();
  const authzOncePerConnection: grpc.ServerInterceptor = (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, proceed) => {
            const { remoteAddress, remotePort } = call.getConnectionInfo();
            const key = `${remoteAddress}:${remotePort}`;
            let identity = callers.get(key);
            if (!identity) callers.set(key, (identity = identifyCaller(call.getAuthContext().sslPeerCertificate, Date.now())));
            if (identity.ok && node.trust.isMember(identity.caller.nodeId)) proceed(metadata);
            else call.sendStatus({ code: grpc.status.UNAUTHENTICATED, details: 'not a member', metadata: new grpc.Metadata() });
          },
        }),
    });
  const plain = (interceptors: grpc.ServerInterceptor[]): Variant => ({ interceptors, handlers });
  return {
    bare: plain([]),
    'bare+noop-interceptor': plain([passThrough(false)]),
    'bare+getAuthContext': plain([passThrough(true)]),
    'bare+metrics': plain([metrics()]),
    'bare+authz': plain([authz()]),
    // The node's order: metrics first, authorisation outermost.
    'bare+metrics+authz': plain([metrics(), authz()]),
    'bare+authz-in-handler': { interceptors: [], handlers: { Ping: authorisedPing } },
    'bare+authz-once-per-connection': plain([authzOncePerConnection]),
  };
}

// Forked by host-cost.bench.ts; importing this module (for its types and names) starts nothing.
if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`host-cost server failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
