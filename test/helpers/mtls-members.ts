import net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { Leaf } from '../../src/identity/leaf';
import type { NodeCa } from '../../src/identity/node-ca';
import { silentLogger } from '../../src/log/logger';
import { authorizationInterceptor } from '../../src/transport/authorization-interceptor';
import { PushCertificateProvider } from '../../src/transport/push-certificate-provider';
import { mutualTlsServerCredentials } from '../../src/transport/server-credentials';
import { TrustStore } from '../../src/transport/trust-store';
import { systemClock } from '../../src/util/clock';
import { makeCa, memberLeaf } from './in-process-node';

export interface MtlsMember {
  ca: NodeCa;
  leaf: Leaf;
  /** Presents the member's leaf (for its PeerClients). */
  identity: PushCertificateProvider;
  target: { nodeId: string; addresses: string[]; gossipPort: number };
}

export interface MtlsMembers {
  members: MtlsMember[];
  /** A node CA that is no member's. */
  stranger: NodeCa;
  /** The CA of any member or of the stranger. */
  caOf(nodeId: string): string | undefined;
  /** A loopback port nobody listens on (bound, noted, closed). */
  closedPort: number;
  shutdown(): void;
}

/**
 * Members for the transport suites on real gRPC: each with a node CA, a leaf and a mutual-TLS
 * server on loopback that trusts every member, behind the node's authorisation interceptor, its
 * services added by `serve(server, index)`.
 */
export async function mtlsMembers(count: number, serve: (server: grpc.Server, index: number) => void): Promise<MtlsMembers> {
  const cas = await Promise.all(Array.from({ length: count + 1 }, () => makeCa()));
  const stranger = cas.pop()!;
  const servers: grpc.Server[] = [];
  const members: MtlsMember[] = [];
  for (const [index, ca] of cas.entries()) {
    const leaf = await memberLeaf(ca);
    const identity = new PushCertificateProvider();
    identity.setIdentity(leaf.certPem, leaf.keyPem);
    const trustProvider = new PushCertificateProvider();
    const trust = new TrustStore(trustProvider, { clock: systemClock, debounceMs: 0 });
    for (const member of cas) trust.set(member.nodeId, member.certPem);
    trust.flush();
    const server = new grpc.Server({ interceptors: [authorizationInterceptor({ authority: trust, clock: systemClock, log: silentLogger() })] });
    serve(server, index);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', mutualTlsServerCredentials(identity, trustProvider), (e, p) => (e ? reject(e) : resolve(p))),
    );
    servers.push(server);
    members.push({ ca, leaf, identity, target: { nodeId: ca.nodeId, addresses: ['127.0.0.1'], gossipPort: port } });
  }
  const closedPort = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
  return {
    members,
    stranger,
    caOf: (id) => [...cas, stranger].find((ca) => ca.nodeId === id)?.certPem,
    closedPort,
    shutdown: () => servers.forEach((s) => s.forceShutdown()),
  };
}
