import { createHmac } from 'node:crypto';
import { signingBytes, type SignedMessage, type UnsignedMessage } from '../channel/message';
import type { MessageAuthenticator } from '../channel/message-authenticator';
import { heartbeatSigningBytes, recordSigningBytes, type Heartbeat, type NodeRecord, type RecordBody } from '../membership/node-record';
import type { RecordAuthenticator } from '../membership/record-authenticator';
import { base32Digits } from '../util/base32';
import type { SeededRandom } from './seeded-random';

/** Simulated CA PEMs are padded to the size of a real RSA-2048 node CA certificate, so byte counts are realistic. */
const PEM_PADDING = 'A'.repeat(1100);

export interface SimIdentity {
  nodeId: string;
  caCertPem: string;
  authenticator: RecordAuthenticator;
}

/**
 * The simulated network's stand-in for node CAs: each node gets a secret, records are signed with
 * HMAC-SHA-256 (truncated to 16 bytes) under it, and a record's id must match its simulated CA
 * PEM. Anyone without a node's secret — a test forging records — fails verification, exactly
 * where an RSA signature would fail.
 *
 * Verification results are cached per object (records and heartbeats are immutable and travel by
 * reference in the simulator), so a relayed record is checked once, not once per hop.
 */
export class SimAuthority {
  private readonly secrets = new Map<string, Buffer>();
  private readonly pems = new Map<string, string>();
  private readonly generations = new Map<string, number>();
  private readonly verifiedRecords = new WeakSet<NodeRecord>();
  private readonly verifiedBeats = new WeakSet<Heartbeat>();
  private readonly verifiedMessages = new WeakSet<SignedMessage>();
  verifications = 0;

  constructor(private readonly random: SeededRandom) {}

  /** A new node identity: a random id, its simulated CA PEM, and its authenticator. */
  createIdentity(): SimIdentity {
    const nodeId = base32Digits(Array.from({ length: 32 }, () => this.random.int(32)));
    const secret = Buffer.alloc(16);
    for (let i = 0; i < 16; i += 4) secret.writeUInt32BE(this.random.nextUint32(), i);
    const caCertPem = `-----BEGIN SIM CA-----\n${nodeId}\n${PEM_PADDING}\n-----END SIM CA-----\n`;
    this.secrets.set(nodeId, secret);
    this.pems.set(nodeId, caCertPem);
    return { nodeId, caCertPem, authenticator: this.authenticatorFor(nodeId) };
  }

  /**
   * A node-CA rotation in simulation: `nodeId` gets a new simulated CA (PEM and secret) and signs
   * with it from now on; records signed with the old one no longer verify (as after the grace
   * period). Returns the new PEM, for the node's `updateLocal({ caCertPem })`.
   */
  rotateCa(nodeId: string): string {
    if (!this.secrets.has(nodeId)) throw new RangeError(`no simulated identity ${nodeId}`);
    const secret = Buffer.alloc(16);
    for (let i = 0; i < 16; i += 4) secret.writeUInt32BE(this.random.nextUint32(), i);
    const generation = (this.generations.get(nodeId) ?? 1) + 1;
    this.generations.set(nodeId, generation);
    const caCertPem = `-----BEGIN SIM CA-----\n${nodeId} ${generation}\n${PEM_PADDING}\n-----END SIM CA-----\n`;
    this.secrets.set(nodeId, secret);
    this.pems.set(nodeId, caCertPem);
    return caCertPem;
  }

  /** The authenticator of `nodeId` (signs as it, with its current simulated CA; verifies anyone). */
  authenticatorFor(nodeId: string): RecordAuthenticator {
    if (!this.secrets.has(nodeId)) throw new RangeError(`no simulated identity ${nodeId}`);
    const key = () => this.secrets.get(nodeId)!;
    return {
      signBody: (body: RecordBody) => mac(key(), recordSigningBytes(body)),
      signHeartbeat: (id, version, heartbeat) => mac(key(), heartbeatSigningBytes(id, version, heartbeat)),
      verifyRecord: (record) => this.verifyRecord(record),
      verifyHeartbeat: (caCertPem, beat) => this.verifyHeartbeat(caCertPem, beat),
      signStatement: (bytes) => mac(key(), bytes),
      verifyStatement: (signer, bytes, signature) => {
        const key = this.secrets.get(signer.nodeId);
        return key !== undefined && this.pems.get(signer.nodeId) === signer.caCertPem && equal(mac(key, bytes), signature);
      },
    };
  }

  /** The channel message authenticator of `nodeId` (signs as it, verifies anyone's messages). */
  messageAuthenticatorFor(nodeId: string): MessageAuthenticator {
    const secret = this.secrets.get(nodeId);
    if (!secret) throw new RangeError(`no simulated identity ${nodeId}`);
    return {
      sign: (message: UnsignedMessage) => mac(secret, signingBytes(message)),
      verify: (message, caCertPem) => this.verifyMessage(message, caCertPem),
    };
  }

  private verifyMessage(m: SignedMessage, caCertPem: string): boolean {
    if (this.verifiedMessages.has(m)) return this.pems.get(m.origin) === caCertPem;
    this.verifications++;
    const secret = this.secrets.get(m.origin);
    if (!secret || this.pems.get(m.origin) !== caCertPem) return false;
    const ok = equal(mac(secret, signingBytes(m)), m.signature);
    if (ok) this.verifiedMessages.add(m);
    return ok;
  }

  private verifyRecord(record: NodeRecord): boolean {
    if (this.verifiedRecords.has(record)) return true;
    this.verifications++;
    const secret = this.secrets.get(record.nodeId);
    if (!secret || this.pems.get(record.nodeId) !== record.caCertPem) return false;
    const ok =
      equal(mac(secret, recordSigningBytes(record)), record.signature) &&
      equal(mac(secret, heartbeatSigningBytes(record.nodeId, record.version, record.heartbeat)), record.heartbeatSignature);
    if (ok) this.verifiedRecords.add(record);
    return ok;
  }

  private verifyHeartbeat(caCertPem: string, beat: Heartbeat): boolean {
    if (this.verifiedBeats.has(beat)) return true;
    this.verifications++;
    const secret = this.secrets.get(beat.nodeId);
    if (!secret || this.pems.get(beat.nodeId) !== caCertPem) return false;
    const ok = equal(mac(secret, heartbeatSigningBytes(beat.nodeId, beat.version, beat.heartbeat)), beat.signature);
    if (ok) this.verifiedBeats.add(beat);
    return ok;
  }
}

function mac(secret: Buffer, bytes: Buffer): Uint8Array {
  return createHmac('sha256', secret).update(bytes).digest().subarray(0, 16);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
