import type * as grpc from '@grpc/grpc-js';
import { readNodeCaFiles } from '../../src/identity/identity-store';
import { issueOperatorCertificate } from '../../src/identity/leaf';
import type { MembersResponse__Output } from '../../src/proto/generated/g2g/v1/MembersResponse';
import type { PeersResponse__Output } from '../../src/proto/generated/g2g/v1/PeersResponse';
import { call, channelOptions, g2gProto, tlsCredentials } from './clients';
import type { NodeProcess } from './node-process';

/**
 * Admin clients to node processes, one per node, as an operator of that node (its data dir
 * issues the certificate). In-process: spawning the CLI on every poll would load the machine.
 */
export class OperatorAdmins {
  private readonly clients = new Map<string, grpc.Client>();

  constructor(private readonly name = 'test-operator') {}

  async of(node: NodeProcess): Promise<grpc.Client> {
    let admin = this.clients.get(node.facts.nodeId);
    if (!admin) {
      const ca = await readNodeCaFiles(node.dataDir);
      const cert = await issueOperatorCertificate(ca, { name: this.name, now: new Date(), lifetimeMs: 3600_000, keyBits: 1024 });
      admin = new (g2gProto().g2g.v1.Admin)(`127.0.0.1:${node.facts.gossipPort}`, tlsCredentials({ caPem: ca.certPem, nodeId: ca.nodeId, certPem: cert.certPem, keyPem: cert.keyPem }), channelOptions(ca.nodeId));
      this.clients.set(node.facts.nodeId, admin);
    }
    return admin;
  }

  async members(node: NodeProcess): Promise<MembersResponse__Output> {
    return call<MembersResponse__Output>(await this.of(node), 'Members', {}, 5000);
  }

  /** The node's client pool: latency groups, per-peer figures, query order (Admin.Peers). */
  async peers(node: NodeProcess): Promise<PeersResponse__Output> {
    return call<PeersResponse__Output>(await this.of(node), 'Peers', {}, 5000);
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
