import type { Heartbeat, NodeRecord } from './node-record';
import type { Removal } from './removal';
import type { ExchangeRequest, ExchangeResponse, MemberClaim, PingRequest, PingResponse, PingViaRequest, PingViaResponse, RecordDigest } from './transport';

/**
 * Protobuf-encoded sizes (bytes) of the gossip messages, computed without encoding, so that
 * membership can keep messages under `maxMessageBytes` and the simulator can count bytes.
 * Exact for the field numbers in proto/g2g/v1/{node,gossip}.proto (a unit test checks them
 * against protobufjs); strings are measured as UTF-8.
 */

export function varint(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

export function strLen(s: string): number {
  // ASCII fast path: ids, addresses and PEMs are ASCII.
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 127) {
      ascii = false;
      break;
    }
  }
  return ascii ? s.length : Buffer.byteLength(s, 'utf8');
}

/** A length-delimited field of `len` bytes (tag ≤ 15). */
export function lenField(len: number): number {
  return 1 + varint(len) + len;
}

export function str(s: string): number {
  return s.length === 0 ? 0 : lenField(strLen(s));
}

export function num(n: number): number {
  return n === 0 ? 0 : 1 + varint(n);
}

const MODE_NUMBER = { server: 1, client: 2 } as const;
const STATE_NUMBER = { alive: 1, suspect: 2, dead: 3, left: 4 } as const;

const recordSizes = new WeakMap<NodeRecord, number>();

export function recordSize(r: NodeRecord): number {
  const cached = recordSizes.get(r);
  if (cached !== undefined) return cached;
  let n = str(r.nodeId) + str(r.cluster) + num(MODE_NUMBER[r.mode]);
  for (const a of r.addresses) n += lenField(strLen(a));
  n += num(r.registerPort) + num(r.gossipPort) + str(r.caCertPem);
  const leaf = str(r.leaf.fingerprint) + num(r.leaf.notAfterMs);
  n += lenField(leaf);
  n += num(r.version) + num(r.heartbeat);
  for (const s of r.services) n += lenField(strLen(s));
  for (const t of r.tags) n += lenField(str(t.key) + str(t.value));
  n += num(r.protocolVersion);
  if (r.signature.length > 0) n += lenField(r.signature.length);
  if (r.heartbeatSignature.length > 0) n += lenField(r.heartbeatSignature.length);
  if (r.left) n += 3; // field 16: two-byte tag + one byte
  // Fields 17 (lineage entries) and 18 (previous CA) have two-byte tags.
  for (const e of r.caLineage ?? []) {
    const inner = str(e.caCertPem) + (e.signature.length > 0 ? lenField(e.signature.length) : 0);
    n += 1 + lenField(inner);
  }
  if (r.previousCaCertPem) n += 1 + lenField(strLen(r.previousCaCertPem));
  recordSizes.set(r, n);
  return n;
}

export function heartbeatSize(h: Heartbeat): number {
  return str(h.nodeId) + num(h.version) + num(h.heartbeat) + (h.signature.length > 0 ? lenField(h.signature.length) : 0);
}

export function digestSize(d: RecordDigest): number {
  return str(d.nodeId) + num(d.version) + num(d.heartbeat) + num(STATE_NUMBER[d.state]);
}

export function claimSize(c: MemberClaim): number {
  return str(c.nodeId) + num(c.version) + num(STATE_NUMBER[c.state]) + str(c.from);
}

/** g2g.v1.Removal: node_id, remover (a record), issued_at_unix_ms, signature, reinstated. */
export function removalSize(r: Removal): number {
  return str(r.nodeId) + lenField(recordSize(r.remover)) + num(r.issuedAtMs) + (r.signature.length > 0 ? lenField(r.signature.length) : 0) + (r.reinstated ? 2 : 0);
}

/** Size of one element of a repeated message field. */
export function embedded(size: number): number {
  return lenField(size);
}

/** g2g.v1.ExchangeRequest (the flags and the joining bit counted as 4 bytes). */
export function exchangeRequestSize(r: ExchangeRequest): number {
  let n = (r.sender ? embedded(recordSize(r.sender)) : 0) + (r.senderBeat ? embedded(heartbeatSize(r.senderBeat)) : 0) + 4;
  for (const x of r.records) n += embedded(recordSize(x));
  for (const d of r.digests) n += embedded(digestSize(d));
  for (const d of r.rumourDigests ?? []) n += embedded(digestSize(d));
  for (const h of r.heartbeats) n += embedded(heartbeatSize(h));
  for (const c of r.claims) n += embedded(claimSize(c));
  for (const x of r.removals ?? []) n += 1 + embedded(removalSize(x));
  return n;
}

/** g2g.v1.ExchangeResponse (want ids counted as 2 bytes of tag and length each). */
export function exchangeResponseSize(r: ExchangeResponse): number {
  let n = 0;
  for (const x of r.records) n += embedded(recordSize(x));
  for (const x of r.rumours ?? []) n += embedded(recordSize(x));
  for (const h of r.heartbeats) n += embedded(heartbeatSize(h));
  for (const c of r.claims) n += embedded(claimSize(c));
  for (const w of r.wants) n += 2 + w.length;
  for (const w of r.wantHeartbeats) n += 2 + w.length;
  for (const x of r.removals ?? []) n += 1 + embedded(removalSize(x));
  return n;
}

export function pingRequestSize(r: PingRequest): number {
  return num(r.nonce);
}

export function pingResponseSize(r: PingResponse): number {
  return num(r.nonce) + str(r.nodeId) + num(r.heartbeat);
}

export function pingViaRequestSize(r: PingViaRequest): number {
  let n = str(r.target.nodeId) + num(r.target.gossipPort) + num(r.nonce) + num(r.timeoutMs);
  for (const a of r.target.addresses) n += lenField(strLen(a));
  return n;
}

export function pingViaResponseSize(r: PingViaResponse): number {
  return (r.reachable ? 2 : 0) + num(r.nonce) + num(r.heartbeat);
}
