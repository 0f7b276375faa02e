import * as grpc from '@grpc/grpc-js';
import { describeCallError } from '../transport/call-errors';
import { unaryCall } from '../transport/unary-call';
import { JoinUnreachableError } from './errors';
import { checkSeedIdentity, DEFAULT_ATTEMPT_TIMEOUT_MS, registerClient, type JoinTarget, type SeedIdentity } from './join-client';

/**
 * Who answers at a well-known service address: a load balancer (a Kubernetes Service) in front of
 * every node's register port, this node's own included. Who answers is not known before dialling,
 * and each new connection may reach another node; so the join handshake does not go through the
 * balancer again (its verified channel, pinned to the CA learned here, would reach the next node
 * of a round-robin balancer and fail), but to the register addresses the answering node
 * advertises, with the service address itself last (a balancer with one endpoint, or sticky).
 */
export interface ServiceNode extends SeedIdentity {
  cluster: string;
  /** Where its register port is, as it advertises (host:port). */
  registerAddresses: string[];
}

/**
 * WhoAmI at `address` (an unverified TLS connection, like join-client's discovery; the answer is a
 * claim: the node CA must derive the node id, and the handshake authenticates the rest).
 */
export function identifyService(address: string, options: { timeoutMs?: number; channelOptions?: grpc.ChannelOptions } = {}): Promise<ServiceNode> {
  const client = registerClient(address, grpc.credentials.createSsl(null, null, null, { rejectUnauthorized: false }), {
    // A name rather than the IP as TLS server name (RFC 6066); nothing is checked against it.
    'grpc.ssl_target_name_override': 'g2g-register',
    ...options.channelOptions,
  });
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS);
  return unaryCall(client, 'WhoAmI', {}, { deadline })
    .finally(() => client.close())
    .then(
      (response) => {
        if (!response?.caCertPem) throw new JoinUnreachableError(`${address} did not say which CA it has (a node of an older version?)`);
        const caLineage = (response.caLineage ?? []).map((e) => ({ caCertPem: e.caCertPem, signature: e.signature }));
        const node: ServiceNode = {
          nodeId: response.nodeId,
          cluster: response.cluster,
          caCertPem: response.caCertPem,
          ...(caLineage.length > 0 ? { caLineage } : {}),
          registerAddresses: response.registerAddresses ?? [],
        };
        checkSeedIdentity(node, address, undefined);
        return node;
      },
      (error: unknown) => {
        throw new JoinUnreachableError(`WhoAmI at ${address} failed: ${describeCallError(error)}`);
      },
    );
}

/** Where to run the handshake with `node`, found at `service`: its own addresses, then the service. */
export function serviceJoinTargets(service: string, node: ServiceNode): JoinTarget[] {
  const identity: SeedIdentity = { nodeId: node.nodeId, caCertPem: node.caCertPem, ...(node.caLineage ? { caLineage: node.caLineage } : {}) };
  return [...new Set([...node.registerAddresses, service])].map((address) => ({ address, identity }));
}
