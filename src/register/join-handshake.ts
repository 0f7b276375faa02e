import { createPrivateKey, randomBytes as cryptoRandomBytes, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { derFingerprint } from '../identity/cert-info';
import { verifyIssuedBy } from '../identity/leaf';
import type { JoinHello__Output } from '../proto/generated/g2g/v1/JoinHello';
import type { JoinMessage, JoinMessage__Output } from '../proto/generated/g2g/v1/JoinMessage';
import type { JoinProof__Output } from '../proto/generated/g2g/v1/JoinProof';
import type { JoinWelcome__Output } from '../proto/generated/g2g/v1/JoinWelcome';
import type { NodeRecord, NodeRecord__Output } from '../proto/generated/g2g/v1/NodeRecord';
import type { TokenInfo, TokenMode } from '../tokens/token-entry';
import { constantTimeEqual, deriveTokenKey, isTokenId, type TokenParts } from '../tokens/token-format';
import { modeFromWire, modeToWire } from '../tokens/token-wire';
import {
  CaMismatchError,
  ChannelBindingError,
  ClientProofError,
  ClusterMismatchError,
  JoinMalformedError,
  JoinProtocolVersionError,
  PossessionProofError,
  ServerProofError,
  TokenModeError,
} from './errors';
import type { HandshakeStep } from './handshake-call';
import { checkJoinRecord, type CheckedRecord } from './join-record';
import {
  clientProofMac,
  JOIN_PROTOCOL_VERSION,
  MAC_BYTES,
  NONCE_BYTES,
  possessionPayload,
  serverProofMac,
  transcriptHash,
  type TranscriptFields,
} from './join-transcript';
import { decodeNodeRecord } from './record-codec';

/**
 * The join handshake as two pure state machines (no I/O, no timers): the gRPC layers
 * (register-service.ts, join-client.ts) feed them messages and send what they return.
 *
 *   newcomer                                 node
 *   hello(token id, nonce, cluster, record) ──►  checks cluster, token, record
 *                  ◄── server proof(nonce, node record, leaf fingerprint, MAC)
 *   checks node record, CA pin, leaf, MAC
 *   client proof(MAC, CA-key signature)  ──►  checks MAC and signature; admits
 *                  ◄── welcome(peers, services, observed address, mode)
 *
 * Each machine accepts exactly one message per state; anything else is JoinMalformedError.
 * Errors are thrown as G2gErrors; the caller ends the stream with the mapped status.
 */

const MAX_POSSESSION_BYTES = 1024;
const MAX_WELCOME_PEERS = 256;
const CLUSTER_RE = /^[a-z0-9-]{1,63}$/;

export type RandomBytes = (n: number) => Buffer;

/** Signs with the newcomer's node CA key. */
export type CaSigner = (data: Buffer) => Buffer;

/** A signer over a PEM private key (RSA or EC: SHA-256; Ed25519/Ed448: their own hash). */
export function caSigner(keyPem: string): CaSigner {
  const key = createPrivateKey(keyPem);
  return (data) => sign(digestFor(key), data, key);
}

function digestFor(key: KeyObject): string | null {
  return key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448' ? null : 'sha256';
}

// ---------------------------------------------------------------------------------------------
// Node side
// ---------------------------------------------------------------------------------------------

/** What the node's machine needs: the narrowest view of the token store, and facts of this call. */
export interface ServerHandshakeContext {
  cluster: string;
  /** Throws TokenUnknownError / TokenRevokedError / TokenUsedError / TokenExpiredError. */
  tokens: { usable(id: string): { info: TokenInfo; key: Buffer } };
  /** This node's NodeRecord, serialised. */
  serverRecordBytes: Buffer;
  /** `sha256:<hex>` of the leaf this node presented on the newcomer's TLS connection. */
  leafFingerprint: string;
  randomBytes?: RandomBytes;
}

/** A newcomer whose proofs verified: the caller admits it, then asks for the welcome. */
export interface AuthenticatedNewcomer {
  tokenId: string;
  token: TokenInfo;
  record: NodeRecord__Output;
  recordBytes: Buffer;
  /** The mode it asked for (allowed by its token). */
  mode: TokenMode;
}

export type ServerStep = HandshakeStep<JoinMessage, AuthenticatedNewcomer>;

export interface WelcomeContent {
  peers: NodeRecord[];
  services: string[];
  observedAddress: string;
  admittedMode: TokenMode;
  /** Why the newcomer was not admitted as it asked (e.g. connect-back failed), or empty. */
  connectBackError?: string;
}

type ServerState = 'hello' | 'client-proof' | 'authenticated' | 'done' | 'failed';

export class ServerHandshake {
  private state: ServerState = 'hello';
  private transcript: Buffer | undefined;
  private key: Buffer | undefined;
  private tokenId = '';
  private token: TokenInfo | undefined;
  private newcomer: CheckedRecord | undefined;

  constructor(private readonly ctx: ServerHandshakeContext) {}

  /** What the machine waits for next (for timeouts and logs). */
  get awaiting(): ServerState {
    return this.state;
  }

  receive(message: JoinMessage__Output): ServerStep {
    try {
      if (this.state === 'hello' && message.step === 'hello' && message.hello) return { kind: 'reply', message: this.onHello(message.hello) };
      if (this.state === 'client-proof' && message.step === 'clientProof' && message.clientProof) {
        return { kind: 'proven', caller: this.onClientProof(message.clientProof) };
      }
      throw new JoinMalformedError(`expected ${this.state === 'hello' ? 'a hello' : this.state === 'client-proof' ? 'a client proof' : 'nothing more'}, got ${message.step ?? 'an empty message'}`);
    } catch (err) {
      this.state = 'failed';
      throw err;
    }
  }

  /** The last message, once the caller has admitted the newcomer. */
  welcome(content: WelcomeContent): JoinMessage {
    if (this.state !== 'authenticated') throw new JoinMalformedError('welcome before the newcomer was authenticated');
    this.state = 'done';
    return {
      welcome: {
        server: decodeNodeRecord(this.ctx.serverRecordBytes),
        peers: content.peers.slice(0, MAX_WELCOME_PEERS),
        services: content.services,
        observedAddress: content.observedAddress,
        connectBackError: content.connectBackError ?? '',
        admittedMode: modeToWire(content.admittedMode),
      },
    };
  }

  private onHello(hello: JoinHello__Output): JoinMessage {
    if (hello.protocolVersion !== JOIN_PROTOCOL_VERSION) {
      throw new JoinProtocolVersionError(`the newcomer speaks join protocol version ${hello.protocolVersion}; this node speaks ${JOIN_PROTOCOL_VERSION}`);
    }
    if (!CLUSTER_RE.test(hello.cluster)) throw new JoinMalformedError('hello.cluster is not a cluster name');
    // The cluster guard comes before the token: a node of another cluster learns nothing else.
    if (hello.cluster !== this.ctx.cluster) throw new ClusterMismatchError(this.ctx.cluster, hello.cluster, 'node');
    if (!isTokenId(hello.tokenId)) throw new JoinMalformedError('hello.token_id is not a token id');
    if (hello.nonce.length !== NONCE_BYTES) throw new JoinMalformedError(`hello.nonce must be ${NONCE_BYTES} bytes`);
    const newcomer = checkJoinRecord(hello.recordBytes, this.ctx.cluster, 'node');
    const { info, key } = this.ctx.tokens.usable(hello.tokenId);
    if (newcomer.mode === 'server' && info.mode !== 'server') {
      throw new TokenModeError(`token ${info.id} admits client-mode nodes only; the newcomer asked to join as a server`);
    }
    const serverNonce = (this.ctx.randomBytes ?? cryptoRandomBytes)(NONCE_BYTES);
    const fields: TranscriptFields = {
      protocolVersion: JOIN_PROTOCOL_VERSION,
      tokenId: hello.tokenId,
      cluster: this.ctx.cluster,
      clientNonce: hello.nonce,
      recordBytes: newcomer.bytes,
      serverNonce,
      serverRecordBytes: this.ctx.serverRecordBytes,
      leafFingerprint: this.ctx.leafFingerprint,
    };
    this.transcript = transcriptHash(fields);
    this.key = key;
    this.tokenId = hello.tokenId;
    this.token = info;
    this.newcomer = newcomer;
    this.state = 'client-proof';
    return {
      serverProof: {
        nonce: serverNonce,
        mac: serverProofMac(key, this.transcript),
        serverRecord: this.ctx.serverRecordBytes,
        leafFingerprint: this.ctx.leafFingerprint,
      },
    };
  }

  private onClientProof(proof: JoinProof__Output): AuthenticatedNewcomer {
    const transcript = this.transcript!;
    const newcomer = this.newcomer!;
    if (proof.mac.length !== MAC_BYTES) throw new JoinMalformedError(`client proof MAC must be ${MAC_BYTES} bytes`);
    if (proof.possession.length === 0 || proof.possession.length > MAX_POSSESSION_BYTES) {
      throw new JoinMalformedError(`client proof signature must be 1-${MAX_POSSESSION_BYTES} bytes`);
    }
    if (!constantTimeEqual(clientProofMac(this.key!, transcript), proof.mac)) {
      throw new ClientProofError(`the newcomer's proof for token ${this.tokenId} does not verify: wrong token secret, altered messages, or a TLS-terminating proxy in between`);
    }
    let possessed = false;
    try {
      possessed = verify(digestFor(newcomer.ca.publicKey), possessionPayload(transcript), newcomer.ca.publicKey, proof.possession);
    } catch {
      possessed = false;
    }
    if (!possessed) throw new PossessionProofError(`the newcomer does not prove it holds the key of node CA ${newcomer.record.nodeId}`);
    this.state = 'authenticated';
    return { tokenId: this.tokenId, token: this.token!, record: newcomer.record, recordBytes: newcomer.bytes, mode: newcomer.mode };
  }
}

// ---------------------------------------------------------------------------------------------
// Newcomer side
// ---------------------------------------------------------------------------------------------

export interface ClientHandshakeContext {
  token: TokenParts;
  /** The newcomer's cluster. */
  cluster: string;
  /** The newcomer's NodeRecord, serialised. */
  recordBytes: Buffer;
  /** Signs with the newcomer's node CA key (the one its record names). */
  sign: CaSigner;
  /** The ticket's `ca=` pin, if any. */
  caFingerprint?: string;
  /** The CA the TLS channel was verified against, if known: the node's record must name it. */
  expectedCaCertPem?: string;
  randomBytes?: RandomBytes;
}

export interface JoinWelcomeResult {
  /** The node's record, as authenticated by its proof. */
  server: NodeRecord__Output;
  peers: NodeRecord__Output[];
  services: string[];
  /** The newcomer's address as the node saw it. */
  observedAddress: string;
  admittedMode: TokenMode;
  /** Why the newcomer was not admitted in the mode it asked for; empty if it was. */
  connectBackError: string;
}

type ClientState = 'start' | 'server-proof' | 'welcome' | 'done' | 'failed';

export class ClientHandshake {
  private state: ClientState = 'start';
  private readonly clientNonce: Buffer;
  private readonly key: Buffer;
  private server: CheckedRecord | undefined;

  constructor(private readonly ctx: ClientHandshakeContext) {
    this.clientNonce = (ctx.randomBytes ?? cryptoRandomBytes)(NONCE_BYTES);
    this.key = deriveTokenKey(ctx.token.secret);
  }

  get awaiting(): ClientState {
    return this.state;
  }

  hello(): JoinMessage {
    if (this.state !== 'start') throw new JoinMalformedError('hello already sent');
    this.state = 'server-proof';
    return {
      hello: {
        tokenId: this.ctx.token.id,
        nonce: this.clientNonce,
        cluster: this.ctx.cluster,
        protocolVersion: JOIN_PROTOCOL_VERSION,
        recordBytes: this.ctx.recordBytes,
      },
    };
  }

  /**
   * Feeds one message from the node. `presentedLeafDer` is the DER of the certificate the node
   * presented on the TLS connection carrying this stream (needed for the server proof).
   */
  receive(message: JoinMessage__Output, presentedLeafDer?: Uint8Array): { kind: 'reply'; message: JoinMessage } | { kind: 'welcome'; welcome: JoinWelcomeResult } {
    try {
      if (this.state === 'server-proof' && message.step === 'serverProof' && message.serverProof) {
        if (!presentedLeafDer || presentedLeafDer.length === 0) throw new ChannelBindingError('the TLS connection presented no certificate to bind the handshake to');
        return { kind: 'reply', message: this.onServerProof(message.serverProof, presentedLeafDer) };
      }
      if (this.state === 'welcome' && message.step === 'welcome' && message.welcome) return { kind: 'welcome', welcome: this.onWelcome(message.welcome) };
      throw new JoinMalformedError(`expected ${this.state === 'server-proof' ? 'a server proof' : this.state === 'welcome' ? 'a welcome' : 'nothing'}, got ${message.step ?? 'an empty message'}`);
    } catch (err) {
      this.state = 'failed';
      throw err;
    }
  }

  private onServerProof(proof: JoinProof__Output, presentedLeafDer: Uint8Array): JoinMessage {
    if (proof.nonce.length !== NONCE_BYTES) throw new JoinMalformedError(`server proof nonce must be ${NONCE_BYTES} bytes`);
    if (proof.mac.length !== MAC_BYTES) throw new JoinMalformedError(`server proof MAC must be ${MAC_BYTES} bytes`);
    const server = checkJoinRecord(proof.serverRecord, this.ctx.cluster, 'newcomer');
    const caFingerprint = derFingerprint(server.ca.raw);
    // Every CA the node has had (its record's lineage proves them all, checkJoinRecord checked it):
    // a ticket made before a node-CA rotation still pins the node.
    const vouching = [server.record.caCertPem, ...(server.record.caLineage ?? []).map((e) => e.caCertPem)];
    const current = [server.record.caCertPem, ...(server.record.previousCaCertPem ? [server.record.previousCaCertPem] : [])];
    if (this.ctx.caFingerprint !== undefined && !vouching.some((pem) => fingerprintOfPem(pem) === this.ctx.caFingerprint)) {
      throw new CaMismatchError(`node ${server.record.nodeId} has CA ${caFingerprint}, but the ticket pins ${this.ctx.caFingerprint}`);
    }
    if (this.ctx.expectedCaCertPem !== undefined && !current.some((pem) => sameCertificate(this.ctx.expectedCaCertPem!, new X509Certificate(pem)))) {
      throw new CaMismatchError(`node ${server.record.nodeId}'s record names another CA than the one its TLS connection was verified against`);
    }
    let leaf: X509Certificate;
    try {
      leaf = new X509Certificate(Buffer.from(presentedLeafDer));
    } catch {
      throw new ChannelBindingError('the TLS connection presented a certificate that does not parse');
    }
    if (!current.some((pem) => verifyIssuedBy(leaf.toString(), pem)) || !leafNames(leaf, server.record.nodeId)) {
      throw new CaMismatchError(`the TLS connection presented a leaf that node ${server.record.nodeId}'s CA did not issue for it`);
    }
    const observed = derFingerprint(presentedLeafDer);
    if (proof.leafFingerprint !== observed) {
      throw new ChannelBindingError(
        `node ${server.record.nodeId} bound its proof to leaf ${proof.leafFingerprint.slice(0, 80) || '(none)'} but this connection presented ${observed}: the TLS connection does not end at the node (a TLS-terminating proxy is in between)`,
      );
    }
    const transcript = transcriptHash({
      protocolVersion: JOIN_PROTOCOL_VERSION,
      tokenId: this.ctx.token.id,
      cluster: this.ctx.cluster,
      clientNonce: this.clientNonce,
      recordBytes: this.ctx.recordBytes,
      serverNonce: proof.nonce,
      serverRecordBytes: server.bytes,
      leafFingerprint: observed,
    });
    if (!constantTimeEqual(serverProofMac(this.key, transcript), proof.mac)) {
      throw new ServerProofError(`node ${server.record.nodeId}'s proof for token ${this.ctx.token.id} does not verify: the ticket's secret is wrong, the node is an impostor, or the messages were altered`);
    }
    this.server = server;
    this.state = 'welcome';
    return { clientProof: { mac: clientProofMac(this.key, transcript), possession: this.ctx.sign(possessionPayload(transcript)) } };
  }

  private onWelcome(welcome: JoinWelcome__Output): JoinWelcomeResult {
    const server = this.server!;
    const admittedMode = modeFromWire(welcome.admittedMode);
    if (!admittedMode) throw new JoinMalformedError('welcome.admitted_mode is not server or client');
    if (welcome.server && welcome.server.nodeId !== server.record.nodeId) {
      throw new JoinMalformedError(`the welcome names node ${welcome.server.nodeId.slice(0, 64)}, not the node that proved itself`);
    }
    if (welcome.peers.length > MAX_WELCOME_PEERS) throw new JoinMalformedError(`the welcome lists more than ${MAX_WELCOME_PEERS} peers`);
    this.state = 'done';
    return {
      server: server.record,
      // We are admitted by now, so a stray record is dropped rather than failing the join.
      peers: welcome.peers.filter((peer) => peer.cluster === this.ctx.cluster),
      services: welcome.services,
      observedAddress: welcome.observedAddress,
      admittedMode,
      connectBackError: welcome.connectBackError,
    };
  }
}

function sameCertificate(pem: string, cert: X509Certificate): boolean {
  try {
    return new X509Certificate(pem).raw.equals(cert.raw);
  } catch {
    return false;
  }
}

/** The leaf names `nodeId` as its first DNS SAN (how node leaves name their node). */
function leafNames(leaf: X509Certificate, nodeId: string): boolean {
  const first = (leaf.subjectAltName ?? '').split(',').map((s) => s.trim()).find((s) => s.startsWith('DNS:'));
  return first === `DNS:${nodeId}`;
}

function fingerprintOfPem(pem: string): string | undefined {
  try {
    return derFingerprint(new X509Certificate(pem).raw);
  } catch {
    return undefined;
  }
}
