import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { gossipHandlers, MAX_PING_VIA_TIMEOUT_MS } from '../../src/gossip/gossip-service';
import { silentLogger } from '../../src/log/logger';
import type { GossipHandler, GossipTarget, PingViaRequest } from '../../src/membership/transport';
import { RemoteCallError } from '../../src/transport/call-errors';
import { GrpcGossipTransport } from '../../src/transport/gossip-transport';
import { PeerClients } from '../../src/transport/peer-clients';
import { g2gProto } from '../helpers/clients';
import { mtlsMembers, type MtlsMembers } from '../helpers/mtls-members';

/*
 * Gossip.PingVia makes the relay dial the target: a member may name only members the relay
 * knows, and the relay dials them at the addresses it knows, never at the caller's.
 */

let net: MtlsMembers;
let transport: GrpcGossipTransport;
const relayed: PingViaRequest[] = [];
const known = new Map<string, GossipTarget>();

before(async () => {
  const relay: GossipHandler = {
    handleExchange: () => Promise.reject(new Error('not in this test')),
    handlePing: () => ({ nodeId: '', nonce: 0, heartbeat: 0 }),
    handlePingVia: async (_from, request) => {
      relayed.push(request);
      return { reachable: false, nonce: request.nonce, heartbeat: 0 };
    },
  };
  net = await mtlsMembers(2, (server, index) => {
    if (index === 0) server.addService(g2gProto().g2g.v1.Gossip.service, gossipHandlers({ handler: relay, members: { targetOf: (id) => known.get(id) }, log: silentLogger(), now: () => Date.now() }));
  });
  const [, caller] = net.members;
  known.set(caller!.target.nodeId, caller!.target);
  transport = new GrpcGossipTransport({ clients: new PeerClients(caller!.identity), caOf: net.caOf });
});

after(() => {
  transport.close();
  net.shutdown();
});

test('PingVia to a node the relay does not know is refused (NOT_FOUND) and nothing is dialled', async () => {
  const relay = net.members[0]!.target;
  await assert.rejects(
    transport.pingVia(relay, { target: { nodeId: net.stranger.nodeId, addresses: ['192.0.2.1'], gossipPort: 22 }, nonce: 1, timeoutMs: 1000 }, { timeoutMs: 5000 }),
    // The transport rejects with the callee's status on a RemoteCallError (the same type as in the simulator).
    (error: unknown) => error instanceof RemoteCallError && error.status === grpc.status.NOT_FOUND && error.remoteCode === 'ERR_UNKNOWN_MEMBER',
  );
  assert.deepEqual(relayed, []);
});

test('PingVia to a known member dials the addresses the relay knows, not the caller\'s, with a bounded timeout', async () => {
  const relay = net.members[0]!.target;
  const member = net.members[1]!.target;
  const answer = await transport.pingVia(relay, { target: { nodeId: member.nodeId, addresses: ['192.0.2.1'], gossipPort: 22 }, nonce: 7, timeoutMs: 3_600_000 }, { timeoutMs: 5000 });
  assert.equal(answer.nonce, 7);
  assert.equal(relayed.length, 1);
  assert.deepEqual(relayed[0]!.target, member);
  assert.equal(relayed[0]!.timeoutMs, MAX_PING_VIA_TIMEOUT_MS);
});
