import type { NodeCa } from '../../src/identity/node-ca';
import { PROTOCOL_VERSION, type NodeRecord, type RecordBody } from '../../src/membership/node-record';
import { CaRecordAuthenticator } from '../../src/membership/record-authenticator';

/** A node record of `ca`'s node, signed with `signingKeyPem` (default: the CA's own key). */
export function signedRecord(ca: NodeCa, extra: Partial<RecordBody> = {}, signingKeyPem = ca.keyPem): NodeRecord {
  return signBody(recordBody(ca, extra), signingKeyPem);
}

/** The unsigned body of a node record of `ca`'s node (with its lineage when it has rotated). */
export function recordBody(ca: NodeCa, extra: Partial<RecordBody> = {}): RecordBody {
  return {
    nodeId: ca.nodeId,
    cluster: 'default',
    mode: 'server',
    addresses: ['127.0.0.1'],
    registerPort: 1,
    gossipPort: 2,
    caCertPem: ca.certPem,
    leaf: { fingerprint: 'sha256:00', notAfterMs: Date.now() + 3_600_000 },
    version: 1,
    services: [],
    tags: [],
    protocolVersion: PROTOCOL_VERSION,
    left: false,
    ...(ca.lineage ? { caLineage: ca.lineage } : {}),
    ...extra,
  };
}

/** `body` signed with `signingKeyPem`, heartbeat 0. */
export function signBody(body: RecordBody, signingKeyPem: string): NodeRecord {
  const auth = new CaRecordAuthenticator(signingKeyPem);
  return { ...body, heartbeat: 0, signature: auth.signBody(body), heartbeatSignature: auth.signHeartbeat(body.nodeId, body.version, 0) };
}
