import 'reflect-metadata';
import * as grpc from '@grpc/grpc-js';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import { issueLeaf } from '../../src/identity/leaf';
import { createNodeCa } from '../../src/identity/node-ca';
import { bindServer } from '../../src/node/node-servers';
import { g2gProto } from '../../src/proto/protos';

/*
 * The peers of pool-overhead.bench.ts, in their own process so that the peers and the caller
 * each get one of the machine's two cores. PEERS grpc-js mutual-TLS servers, each a peer with its
 * own node CA and a leaf naming its nodeId (what a g2g client pins and checks), answering
 * Gossip.Ping with a constant-time handler; all trust one caller CA, whose leaf is handed to the
 * benchmark over IPC. Stops on 'stop' or when the parent goes away.
 */

export const PEERS = 8;

export interface PoolOverheadPeers {
  peers: { nodeId: string; caPem: string; port: number }[];
  /** The caller's leaf (its CA is what every peer trusts). */
  callerCertPem: string;
  callerKeyPem: string;
}

async function main(): Promise<void> {
  const now = new Date();
  const lifetimeMs = 24 * 3_600_000;
  const callerCa = createNodeCa({ keyPair: await generateRsaKeyPair(2048), now, lifetimeMs });
  const caller = await issueLeaf(callerCa, { now, lifetimeMs: 3_600_000, ips: [] });
  const proto = g2gProto();
  const servers: grpc.Server[] = [];
  const peers: PoolOverheadPeers['peers'] = [];
  for (let i = 0; i < PEERS; i++) {
    const ca = createNodeCa({ keyPair: await generateRsaKeyPair(2048), now, lifetimeMs });
    const leaf = await issueLeaf(ca, { now, lifetimeMs: 3_600_000, ips: ['127.0.0.1'] });
    const server = new grpc.Server();
    server.addService(proto.g2g.v1.Gossip.service, {
      Ping: (call: grpc.ServerUnaryCall<{ nonce: number }, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        callback(null, { nonce: call.request.nonce, nodeId: ca.nodeId, heartbeat: 0 }),
    });
    const credentials = grpc.ServerCredentials.createSsl(Buffer.from(callerCa.certPem), [{ cert_chain: Buffer.from(leaf.certPem), private_key: Buffer.from(leaf.keyPem) }], true);
    peers.push({ nodeId: ca.nodeId, caPem: ca.certPem, port: await bindServer(server, '127.0.0.1', 0, credentials) });
    servers.push(server);
  }
  const stop = () => {
    for (const server of servers) server.forceShutdown();
    process.exit(0);
  };
  process.on('message', (message) => message === 'stop' && stop());
  process.on('disconnect', stop);
  const ready: PoolOverheadPeers = { peers, callerCertPem: caller.certPem, callerKeyPem: caller.keyPem };
  process.send!({ ready });
}

// Forked by pool-overhead.bench.ts; importing this module (for its types) starts nothing.
if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`pool-overhead peers failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
