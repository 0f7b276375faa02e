import { X509Certificate } from 'node:crypto';
import { verifyLineage } from '../identity/ca-lineage';
import { nodeIdFromPublicKey } from '../identity/node-id';
import type { NodeRecord__Output } from '../proto/generated/g2g/v1/NodeRecord';
import type { TokenMode } from '../tokens/token-entry';
import { ClusterMismatchError, InvalidRecordError } from './errors';
import { decodeNodeRecord } from './record-codec';
import { modeFromWire } from '../transport/node-mode-wire';

/** Largest serialised NodeRecord accepted in a handshake (a 4096-bit CA PEM is ~2 KiB). */
export const MAX_JOIN_RECORD_BYTES = 16 * 1024;

/** A record that passed `checkJoinRecord`, with its decoded CA. */
export interface CheckedRecord {
  record: NodeRecord__Output;
  bytes: Buffer;
  mode: TokenMode;
  ca: X509Certificate;
}

/**
 * Decodes and checks a record received in a handshake: it parses, names a cluster equal to
 * `cluster` (ClusterMismatchError otherwise, from the point of view of `side`), asks for a
 * mode, and its node id is the one its CA's key derives (a record's id must match
 * its CA). The membership layer checks the rest (signatures, addresses) when it admits it.
 */
export function checkJoinRecord(bytes: Uint8Array, cluster: string, side: 'node' | 'newcomer'): CheckedRecord {
  const whose = side === 'node' ? "the newcomer's record" : "the node's record";
  if (bytes.length === 0) throw new InvalidRecordError(`${whose} is missing`);
  if (bytes.length > MAX_JOIN_RECORD_BYTES) throw new InvalidRecordError(`${whose} is ${bytes.length} bytes, more than ${MAX_JOIN_RECORD_BYTES}`);
  let record: NodeRecord__Output;
  try {
    record = decodeNodeRecord(bytes);
  } catch (err) {
    throw new InvalidRecordError(`${whose} is not a NodeRecord (${(err as Error).message})`, { cause: err });
  }
  if (record.cluster !== cluster) throw new ClusterMismatchError(cluster, record.cluster, side);
  const mode = modeFromWire(record.mode);
  if (!mode) throw new InvalidRecordError(`${whose} has no mode (server or client)`);
  const ca = nodeCaOf(record, whose);
  return { record, bytes: Buffer.from(bytes), mode, ca };
}

function nodeCaOf(record: NodeRecord__Output, whose: string): X509Certificate {
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(record.caCertPem);
  } catch {
    throw new InvalidRecordError(`${whose} has no parseable CA certificate`);
  }
  if (!ca.ca || !ca.checkIssued(ca) || !ca.verify(ca.publicKey)) {
    throw new InvalidRecordError(`${whose} names a CA certificate that is not a self-signed CA`);
  }
  const lineage = (record.caLineage ?? []).map((e) => ({ caCertPem: e.caCertPem, signature: e.signature }));
  if (lineage.length > 0) {
    // A rotated node CA: its lineage must prove it from the id (never an unendorsed CA).
    try {
      verifyLineage(record.nodeId, record.caCertPem, lineage, record.previousCaCertPem ?? '');
    } catch (err) {
      throw new InvalidRecordError(`${whose} names a CA that its lineage does not prove for node ${JSON.stringify(record.nodeId.slice(0, 64))}: ${(err as Error).message}`);
    }
    return ca;
  }
  const derived = nodeIdFromPublicKey(ca.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  if (derived !== record.nodeId) {
    throw new InvalidRecordError(`${whose} claims node id ${JSON.stringify(record.nodeId.slice(0, 64))} but its CA key is node ${derived}`);
  }
  return ca;
}
