import type { NodeRecord as RecordIn, NodeRecord__Output as RecordOut } from '../proto/generated/g2g/v1/NodeRecord';
import type { ExchangeRequest as ExchangeRequestIn, ExchangeRequest__Output } from '../proto/generated/g2g/v1/ExchangeRequest';
import type { ExchangeResponse as ExchangeResponseIn, ExchangeResponse__Output } from '../proto/generated/g2g/v1/ExchangeResponse';
import type { Heartbeat__Output } from '../proto/generated/g2g/v1/Heartbeat';
import type { MemberClaim__Output } from '../proto/generated/g2g/v1/MemberClaim';
import type { RecordDigest__Output } from '../proto/generated/g2g/v1/RecordDigest';
import type { PingViaRequest as PingViaIn, PingViaRequest__Output } from '../proto/generated/g2g/v1/PingViaRequest';
import type { Removal as RemovalIn, Removal__Output } from '../proto/generated/g2g/v1/Removal';
import type { Removal } from '../membership/removal';
import type { Heartbeat, NodeRecord } from '../membership/node-record';
import { modeFromWire, modeToWire } from './node-mode-wire';
import type { ExchangeRequest, ExchangeResponse, MemberClaim, MemberState, PingViaRequest, RecordDigest } from '../membership/transport';

/*
 * Field-by-field mapping between g2g.v1 gossip messages (proto-loader objects: camelCase, longs
 * as numbers, enums as strings) and membership's types. Missing or wrongly-typed fields become
 * empty values here; membership then rejects what does not verify (signatures, ids, sizes).
 */

const STATE_TO_WIRE = { alive: 'MEMBER_STATE_ALIVE', suspect: 'MEMBER_STATE_SUSPECT', dead: 'MEMBER_STATE_DEAD', left: 'MEMBER_STATE_LEFT' } as const;

function stateFromWire(state: string): MemberState {
  switch (state) {
    case 'MEMBER_STATE_SUSPECT':
      return 'suspect';
    case 'MEMBER_STATE_DEAD':
      return 'dead';
    case 'MEMBER_STATE_LEFT':
      return 'left';
    default:
      return 'alive';
  }
}

export function recordToWire(r: NodeRecord): RecordIn {
  return {
    nodeId: r.nodeId,
    cluster: r.cluster,
    mode: modeToWire(r.mode),
    addresses: [...r.addresses],
    registerPort: r.registerPort,
    gossipPort: r.gossipPort,
    caCertPem: r.caCertPem,
    leaf: { fingerprint: r.leaf.fingerprint, notAfterUnixMs: r.leaf.notAfterMs },
    version: r.version,
    heartbeat: r.heartbeat,
    services: [...r.services],
    tags: r.tags.map((t) => ({ key: t.key, value: t.value })),
    protocolVersion: r.protocolVersion,
    signature: Buffer.from(r.signature),
    heartbeatSignature: Buffer.from(r.heartbeatSignature),
    left: r.left,
    // Only when present: protobufjs writes a field it is given even at its default value.
    ...(r.caLineage?.length ? { caLineage: r.caLineage.map((e) => ({ caCertPem: e.caCertPem, signature: Buffer.from(e.signature) })) } : {}),
    ...(r.previousCaCertPem ? { previousCaCertPem: r.previousCaCertPem } : {}),
  };
}

export function recordFromWire(r: RecordOut): NodeRecord {
  return {
    nodeId: r.nodeId,
    cluster: r.cluster,
    // An unknown or unset mode reads as server, as it always has: the record's signature decides whether it is believed.
    mode: modeFromWire(r.mode) ?? 'server',
    addresses: r.addresses,
    registerPort: r.registerPort,
    gossipPort: r.gossipPort,
    caCertPem: r.caCertPem,
    leaf: { fingerprint: r.leaf?.fingerprint ?? '', notAfterMs: Number(r.leaf?.notAfterUnixMs ?? 0) },
    version: Number(r.version),
    heartbeat: Number(r.heartbeat),
    services: r.services,
    tags: r.tags.map((t) => ({ key: t.key, value: t.value })),
    protocolVersion: r.protocolVersion,
    signature: r.signature,
    heartbeatSignature: r.heartbeatSignature,
    left: r.left,
    ...((r.caLineage?.length ?? 0) > 0 ? { caLineage: r.caLineage.map((e) => ({ caCertPem: e.caCertPem, signature: e.signature })) } : {}),
    ...(r.previousCaCertPem ? { previousCaCertPem: r.previousCaCertPem } : {}),
  };
}

const heartbeatToWire = (h: Heartbeat) => ({ nodeId: h.nodeId, version: h.version, heartbeat: h.heartbeat, signature: Buffer.from(h.signature) });
const heartbeatFromWire = (h: Heartbeat__Output): Heartbeat => ({ nodeId: h.nodeId, version: Number(h.version), heartbeat: Number(h.heartbeat), signature: h.signature });
const claimToWire = (c: MemberClaim) => ({ nodeId: c.nodeId, version: c.version, state: STATE_TO_WIRE[c.state], from: c.from });
const claimFromWire = (c: MemberClaim__Output): MemberClaim | undefined => {
  const state = stateFromWire(c.state);
  return state === 'suspect' || state === 'dead' ? { nodeId: c.nodeId, version: Number(c.version), state, from: c.from } : undefined;
};
const digestToWire = (d: RecordDigest) => ({ nodeId: d.nodeId, version: d.version, heartbeat: d.heartbeat, state: STATE_TO_WIRE[d.state] });
const digestFromWire = (d: RecordDigest__Output): RecordDigest => ({ nodeId: d.nodeId, version: Number(d.version), heartbeat: Number(d.heartbeat), state: stateFromWire(d.state) });

export function exchangeRequestToWire(r: ExchangeRequest): ExchangeRequestIn {
  return {
    ...(r.sender ? { sender: recordToWire(r.sender) } : {}),
    ...(r.senderBeat ? { senderBeat: heartbeatToWire(r.senderBeat) } : {}),
    records: r.records.map(recordToWire),
    digests: r.digests.map(digestToWire),
    rumourDigests: (r.rumourDigests ?? []).map(digestToWire),
    heartbeats: r.heartbeats.map(heartbeatToWire),
    claims: r.claims.map(claimToWire),
    digestsComplete: r.digestsComplete,
    followUp: r.followUp,
    joining: r.joining ?? false,
    removals: (r.removals ?? []).map(removalToWire),
  };
}

/** Undefined when the request names no sender (neither its record nor its heartbeat). */
export function exchangeRequestFromWire(r: ExchangeRequest__Output): ExchangeRequest | undefined {
  if (!r.sender && !r.senderBeat) return undefined;
  return {
    ...(r.sender ? { sender: recordFromWire(r.sender) } : {}),
    ...(r.senderBeat ? { senderBeat: heartbeatFromWire(r.senderBeat) } : {}),
    records: r.records.map(recordFromWire),
    digests: r.digests.map(digestFromWire),
    rumourDigests: r.rumourDigests.map(digestFromWire),
    heartbeats: r.heartbeats.map(heartbeatFromWire),
    claims: r.claims.map(claimFromWire).filter((c): c is MemberClaim => c !== undefined),
    digestsComplete: r.digestsComplete,
    followUp: r.followUp,
    ...(r.joining ? { joining: true } : {}),
    ...removalsFromWire(r.removals),
  };
}

export function exchangeResponseToWire(r: ExchangeResponse): ExchangeResponseIn {
  return {
    records: r.records.map(recordToWire),
    rumours: (r.rumours ?? []).map(recordToWire),
    heartbeats: r.heartbeats.map(heartbeatToWire),
    claims: r.claims.map(claimToWire),
    wants: [...r.wants],
    wantHeartbeats: [...r.wantHeartbeats],
    removals: (r.removals ?? []).map(removalToWire),
  };
}

export function exchangeResponseFromWire(r: ExchangeResponse__Output): ExchangeResponse {
  return {
    records: r.records.map(recordFromWire),
    rumours: r.rumours.map(recordFromWire),
    heartbeats: r.heartbeats.map(heartbeatFromWire),
    claims: r.claims.map(claimFromWire).filter((c): c is MemberClaim => c !== undefined),
    wants: r.wants,
    wantHeartbeats: r.wantHeartbeats,
    ...removalsFromWire(r.removals),
  };
}

export function removalToWire(r: Removal): RemovalIn {
  return { nodeId: r.nodeId, remover: recordToWire(r.remover), issuedAtUnixMs: r.issuedAtMs, signature: Buffer.from(r.signature), reinstated: r.reinstated };
}

/** Undefined for a removal without the remover's record (it cannot be verified). */
export function removalFromWire(r: Removal__Output): Removal | undefined {
  if (!r.remover) return undefined;
  return { nodeId: r.nodeId, remover: recordFromWire(r.remover), issuedAtMs: Number(r.issuedAtUnixMs), signature: r.signature, reinstated: r.reinstated };
}

function removalsFromWire(list: Removal__Output[] | undefined): { removals?: Removal[] } {
  const removals = (list ?? []).map(removalFromWire).filter((r): r is Removal => r !== undefined);
  return removals.length > 0 ? { removals } : {};
}

export function pingViaToWire(r: PingViaRequest): PingViaIn {
  return { targetNodeId: r.target.nodeId, targetAddresses: [...r.target.addresses], targetGossipPort: r.target.gossipPort, nonce: r.nonce, timeoutMs: r.timeoutMs };
}

export function pingViaFromWire(r: PingViaRequest__Output): PingViaRequest {
  return { target: { nodeId: r.targetNodeId, addresses: r.targetAddresses, gossipPort: r.targetGossipPort }, nonce: Number(r.nonce), timeoutMs: r.timeoutMs };
}
