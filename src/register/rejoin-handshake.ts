import { createHash, randomBytes as cryptoRandomBytes, verify } from 'node:crypto';
import { derFingerprint } from '../identity/cert-info';
import type { NodeRecord, NodeRecord__Output } from '../proto/generated/g2g/v1/NodeRecord';
import type { RejoinChallenge__Output } from '../proto/generated/g2g/v1/RejoinChallenge';
import type { RejoinHello__Output } from '../proto/generated/g2g/v1/RejoinHello';
import type { RejoinMessage, RejoinMessage__Output } from '../proto/generated/g2g/v1/RejoinMessage';
import type { RejoinProof__Output } from '../proto/generated/g2g/v1/RejoinProof';
import type { RejoinWelcome__Output } from '../proto/generated/g2g/v1/RejoinWelcome';
import type { TokenMode } from '../tokens/token-entry';
import { ChannelBindingError, ClusterMismatchError, JoinMalformedError, JoinProtocolVersionError, PossessionProofError } from './errors';
import type { HandshakeStep } from './handshake-call';
import { checkJoinRecord, type CheckedRecord } from './join-record';
import type { CaSigner, RandomBytes } from './join-handshake';

/**
 * The rejoin handshake (Register.Rejoin): how a member whose node CA rotated while the
 * members it knows never heard of it gets back in without a token. Its leaves now come from a CA
 * their gossip ports do not trust, so it cannot gossip its new record; the register port asks for
 * no client certificate, so it can prove itself there instead:
 *
 *   member                                      node
 *   hello(cluster, record with CA lineage) ──►   checks cluster, record, lineage (from the node id)
 *                  ◄── challenge(nonce, leaf fingerprint)
 *   proof = sign(current CA key, H(transcript)) ──►   checks it under the record's CA key; readmits
 *                  ◄── welcome(node record, peers)
 *
 * The lineage (ca-lineage.ts) shows that every CA since the one the node id derives from was
 * endorsed by the key of the one before, which is how the member proves possession of its old CA
 * key without holding it any more (the key is deleted when a rotation retires it); the signature
 * proves it holds the new one now. Admission itself (a known member, not removed, the lineage
 * continuing the CA this node knows) is the caller's (NodeMembership.readmit).
 *
 * transcript = H("g2g/v1 rejoin transcript" | version | cluster | record | nonce | node id | leaf)
 * with every field length-prefixed; the leaf is the fingerprint of the certificate the node
 * presented on this TLS connection, so a TLS-terminating relay makes the proof fail.
 */

export const REJOIN_PROTOCOL_VERSION = 1;
const NONCE_BYTES = 32;
const MAX_SIGNATURE_BYTES = 1024;
const MAX_WELCOME_PEERS = 256;
const CLUSTER_RE = /^[a-z0-9-]{1,63}$/;
const PROOF_LABEL = Buffer.from('g2g/v1 rejoin proof');

export interface RejoinTranscriptFields {
  protocolVersion: number;
  cluster: string;
  recordBytes: Uint8Array;
  nonce: Uint8Array;
  serverNodeId: string;
  leafFingerprint: string;
}

export function rejoinTranscriptHash(t: RejoinTranscriptFields): Buffer {
  const hash = createHash('sha256');
  const field = (bytes: Uint8Array) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  field(Buffer.from('g2g/v1 rejoin transcript'));
  const version = Buffer.alloc(4);
  version.writeUInt32BE(t.protocolVersion);
  field(version);
  field(Buffer.from(t.cluster, 'utf8'));
  field(t.recordBytes);
  field(t.nonce);
  field(Buffer.from(t.serverNodeId, 'utf8'));
  field(Buffer.from(t.leafFingerprint, 'utf8'));
  return hash.digest();
}

/** What the member signs with its current node CA key. */
export function rejoinProofPayload(transcript: Buffer): Buffer {
  return Buffer.concat([PROOF_LABEL, transcript]);
}

// ---------------------------------------------------------------------------------------------
// Node side
// ---------------------------------------------------------------------------------------------

export interface RejoinServerContext {
  cluster: string;
  nodeId: string;
  /** `sha256:<hex>` of the leaf this node presented on the member's TLS connection. */
  leafFingerprint: string;
  randomBytes?: RandomBytes;
}

/** A member whose proof verified: the caller decides whether to take its record. */
export interface ProvenMember {
  record: NodeRecord__Output;
  recordBytes: Buffer;
  mode: TokenMode;
}

type ServerState = 'hello' | 'proof' | 'proven' | 'done' | 'failed';

export class RejoinServerHandshake {
  private state: ServerState = 'hello';
  private member: CheckedRecord | undefined;
  private transcript: Buffer | undefined;

  constructor(private readonly ctx: RejoinServerContext) {}

  get awaiting(): ServerState {
    return this.state;
  }

  /** The challenge for a hello; the proven member for a proof. Throws a coded error otherwise. */
  receive(message: RejoinMessage__Output): HandshakeStep<RejoinMessage, ProvenMember> {
    try {
      if (this.state === 'hello' && message.step === 'hello' && message.hello) return { kind: 'reply', message: this.onHello(message.hello) };
      if (this.state === 'proof' && message.step === 'proof' && message.proof) return { kind: 'proven', caller: this.onProof(message.proof) };
      throw new JoinMalformedError(`expected ${this.state === 'hello' ? 'a hello' : this.state === 'proof' ? 'a proof' : 'nothing more'}, got ${message.step ?? 'an empty message'}`);
    } catch (err) {
      this.state = 'failed';
      throw err;
    }
  }

  welcome(server: NodeRecord, peers: NodeRecord[]): RejoinMessage {
    if (this.state !== 'proven') throw new JoinMalformedError('welcome before the member proved itself');
    this.state = 'done';
    return { welcome: { server, peers: peers.slice(0, MAX_WELCOME_PEERS) } };
  }

  private onHello(hello: RejoinHello__Output): RejoinMessage {
    if (hello.protocolVersion !== REJOIN_PROTOCOL_VERSION) {
      throw new JoinProtocolVersionError(`the member speaks rejoin protocol version ${hello.protocolVersion}; this node speaks ${REJOIN_PROTOCOL_VERSION}`);
    }
    if (!CLUSTER_RE.test(hello.cluster)) throw new JoinMalformedError('hello.cluster is not a cluster name');
    if (hello.cluster !== this.ctx.cluster) throw new ClusterMismatchError(this.ctx.cluster, hello.cluster, 'node');
    // Parses the record and proves its CA from its node id: derived, or endorsed through its
    // lineage. An unendorsed CA stops here (InvalidRecordError), before any challenge.
    this.member = checkJoinRecord(hello.recordBytes, this.ctx.cluster, 'node');
    const nonce = (this.ctx.randomBytes ?? cryptoRandomBytes)(NONCE_BYTES);
    this.transcript = rejoinTranscriptHash({
      protocolVersion: REJOIN_PROTOCOL_VERSION,
      cluster: this.ctx.cluster,
      recordBytes: this.member.bytes,
      nonce,
      serverNodeId: this.ctx.nodeId,
      leafFingerprint: this.ctx.leafFingerprint,
    });
    this.state = 'proof';
    return { challenge: { nonce, leafFingerprint: this.ctx.leafFingerprint } };
  }

  private onProof(proof: RejoinProof__Output): ProvenMember {
    const member = this.member!;
    if (proof.signature.length === 0 || proof.signature.length > MAX_SIGNATURE_BYTES) {
      throw new JoinMalformedError(`the proof's signature must be 1-${MAX_SIGNATURE_BYTES} bytes`);
    }
    let ok = false;
    try {
      const key = member.ca.publicKey;
      ok = verify(key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448' ? null : 'sha256', rejoinProofPayload(this.transcript!), key, proof.signature);
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new PossessionProofError(`the member does not prove it holds the key of node ${member.record.nodeId}'s current CA (or the TLS connection does not end at this node)`);
    }
    this.state = 'proven';
    return { record: member.record, recordBytes: member.bytes, mode: member.mode };
  }
}

// ---------------------------------------------------------------------------------------------
// Member side
// ---------------------------------------------------------------------------------------------

export interface RejoinClientContext {
  cluster: string;
  /** Our NodeRecord, serialised (with our CA lineage). */
  recordBytes: Buffer;
  /** Signs with our current node CA key. */
  sign: CaSigner;
  /** The node we dial (its channel was verified against its CA and this id). */
  serverNodeId: string;
}

export interface RejoinWelcomeResult {
  server: NodeRecord__Output;
  peers: NodeRecord__Output[];
}

type ClientState = 'start' | 'challenge' | 'welcome' | 'done' | 'failed';

export class RejoinClientHandshake {
  private state: ClientState = 'start';

  constructor(private readonly ctx: RejoinClientContext) {}

  hello(): RejoinMessage {
    if (this.state !== 'start') throw new JoinMalformedError('hello already sent');
    this.state = 'challenge';
    return { hello: { cluster: this.ctx.cluster, protocolVersion: REJOIN_PROTOCOL_VERSION, recordBytes: this.ctx.recordBytes } };
  }

  /** `presentedLeafDer`: the certificate the node presented on the connection carrying this stream. */
  receive(message: RejoinMessage__Output, presentedLeafDer?: Uint8Array): { kind: 'reply'; message: RejoinMessage } | { kind: 'welcome'; welcome: RejoinWelcomeResult } {
    try {
      if (this.state === 'challenge' && message.step === 'challenge' && message.challenge) return { kind: 'reply', message: this.onChallenge(message.challenge, presentedLeafDer) };
      if (this.state === 'welcome' && message.step === 'welcome' && message.welcome) return { kind: 'welcome', welcome: this.onWelcome(message.welcome) };
      throw new JoinMalformedError(`expected ${this.state === 'challenge' ? 'a challenge' : this.state === 'welcome' ? 'a welcome' : 'nothing'}, got ${message.step ?? 'an empty message'}`);
    } catch (err) {
      this.state = 'failed';
      throw err;
    }
  }

  private onChallenge(challenge: RejoinChallenge__Output, presentedLeafDer: Uint8Array | undefined): RejoinMessage {
    if (challenge.nonce.length !== NONCE_BYTES) throw new JoinMalformedError(`the challenge nonce must be ${NONCE_BYTES} bytes`);
    if (!presentedLeafDer || presentedLeafDer.length === 0) throw new ChannelBindingError('the TLS connection presented no certificate to bind the proof to');
    const observed = derFingerprint(presentedLeafDer);
    if (challenge.leafFingerprint !== observed) {
      throw new ChannelBindingError(`node ${this.ctx.serverNodeId} believes it presented ${challenge.leafFingerprint.slice(0, 80) || '(none)'} but this connection presented ${observed}: the TLS connection does not end at the node`);
    }
    const transcript = rejoinTranscriptHash({
      protocolVersion: REJOIN_PROTOCOL_VERSION,
      cluster: this.ctx.cluster,
      recordBytes: this.ctx.recordBytes,
      nonce: challenge.nonce,
      serverNodeId: this.ctx.serverNodeId,
      leafFingerprint: observed,
    });
    this.state = 'welcome';
    return { proof: { signature: this.ctx.sign(rejoinProofPayload(transcript)) } };
  }

  private onWelcome(welcome: RejoinWelcome__Output): RejoinWelcomeResult {
    if (!welcome.server || welcome.server.nodeId !== this.ctx.serverNodeId) {
      throw new JoinMalformedError(`the welcome does not carry the record of node ${this.ctx.serverNodeId}`);
    }
    if (welcome.peers.length > MAX_WELCOME_PEERS) throw new JoinMalformedError(`the welcome lists more than ${MAX_WELCOME_PEERS} peers`);
    this.state = 'done';
    return { server: welcome.server, peers: welcome.peers.filter((p) => p.cluster === this.ctx.cluster) };
  }
}
