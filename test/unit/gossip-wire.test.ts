import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { NodeRecord } from '../../src/membership/node-record';
import type { ExchangeRequest, ExchangeResponse, PingViaRequest } from '../../src/membership/transport';
import { g2gProto } from '../../src/proto/protos';
import {
  exchangeRequestFromWire,
  exchangeRequestToWire,
  exchangeResponseFromWire,
  exchangeResponseToWire,
  pingViaFromWire,
  pingViaToWire,
} from '../../src/transport/gossip-wire';

/** Serialises and parses with the very functions the gRPC service uses. */
function throughTheWire<T>(method: 'Exchange' | 'PingVia', side: 'request' | 'response', message: unknown): T {
  const def = (g2gProto().g2g.v1.Gossip.service as grpc.ServiceDefinition)[method]!;
  const bytes = side === 'request' ? def.requestSerialize(message) : def.responseSerialize(message);
  return (side === 'request' ? def.requestDeserialize(bytes) : def.responseDeserialize(bytes)) as T;
}

const record = (id: string): NodeRecord => ({
  nodeId: id,
  cluster: 'prod',
  mode: 'client',
  addresses: ['198.18.0.1', 'node.example'],
  registerPort: 7400,
  gossipPort: 7401,
  caCertPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
  leaf: { fingerprint: 'sha256:ab', notAfterMs: 1_800_000_000_000 },
  version: 12,
  heartbeat: 345,
  services: ['svc.example:7400'],
  tags: [{ key: 'zone', value: 'a' }],
  protocolVersion: 1,
  signature: new Uint8Array([1, 2, 3]),
  heartbeatSignature: new Uint8Array([4, 5]),
  left: true,
});

test('an exchange request survives the wire with every field (a field membership adds must be mapped here)', () => {
  const request: Required<ExchangeRequest> = {
    sender: record('a'),
    senderBeat: { nodeId: 'a', version: 12, heartbeat: 346, signature: new Uint8Array([6]) },
    records: [record('b')],
    digests: [{ nodeId: 'b', version: 3, heartbeat: 4, state: 'suspect' }],
    rumourDigests: [{ nodeId: 'c', version: 5, heartbeat: 6, state: 'dead' }],
    heartbeats: [{ nodeId: 'b', version: 3, heartbeat: 9, signature: new Uint8Array([7]) }],
    claims: [{ nodeId: 'c', version: 5, state: 'dead', from: 'a' }],
    digestsComplete: true,
    followUp: true,
    joining: true,
    removals: [{ nodeId: 'd', remover: record('a'), issuedAtMs: 1_700_000_000_000, reinstated: true, signature: new Uint8Array([9, 8]) }],
  };
  const back = exchangeRequestFromWire(throughTheWire('Exchange', 'request', exchangeRequestToWire(request)))!;
  assert.deepEqual(Object.keys(back).sort(), Object.keys(request).sort());
  assert.deepEqual(JSON.parse(JSON.stringify(back, bytesAsArrays)), JSON.parse(JSON.stringify(request, bytesAsArrays)));
});

test('an exchange response and a PingVia request survive the wire', () => {
  const response: Required<ExchangeResponse> = {
    records: [record('b')],
    rumours: [record('c')],
    heartbeats: [{ nodeId: 'b', version: 3, heartbeat: 9, signature: new Uint8Array([7]) }],
    claims: [{ nodeId: 'c', version: 5, state: 'suspect', from: 'a' }],
    wants: ['d'],
    wantHeartbeats: ['e'],
    removals: [{ nodeId: 'f', remover: record('b'), issuedAtMs: 5, reinstated: false, signature: new Uint8Array([1]) }],
  };
  const back = exchangeResponseFromWire(throughTheWire('Exchange', 'response', exchangeResponseToWire(response)));
  assert.deepEqual(Object.keys(back).sort(), Object.keys(response).sort());
  assert.deepEqual(JSON.parse(JSON.stringify(back, bytesAsArrays)), JSON.parse(JSON.stringify(response, bytesAsArrays)));
  const ping: PingViaRequest = { target: { nodeId: 'z', addresses: ['198.18.0.9'], gossipPort: 9 }, nonce: 5, timeoutMs: 100 };
  assert.deepEqual(pingViaFromWire(throughTheWire('PingVia', 'request', pingViaToWire(ping))), ping);
});

test('a request without a sender is rejected, not guessed', () => {
  assert.equal(exchangeRequestFromWire(throughTheWire('Exchange', 'request', {})), undefined);
});

function bytesAsArrays(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return [...value];
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer') return (value as { data: number[] }).data;
  return value;
}
