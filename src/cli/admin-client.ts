import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { CallTimeoutError, PeerUnavailableError } from '../transport/call-errors';
import { unaryCall, type RequestOf, type ResponseOf, type UnaryMethodOf } from '../transport/unary-call';
import { NodeUnreachableError } from '../errors';
import { issueOperatorCertificate } from '../identity/leaf';
import { readNodeCaFiles, readPreviousCaCert } from '../identity/identity-store';
import { joinPemBundle, splitPemBundle } from '../identity/cert-info';
import { subjectCommonName, parseCert } from '../identity/cert-info';
import { readRuntimeFacts } from '../node/runtime-file';
import type { AdminClient } from '../proto/generated/g2g/v1/Admin';
import { g2gProto } from '../proto/protos';
import { checkPeerIdentity } from '../transport/peer-channel';

export interface AdminTarget {
  dataDir: string;
  /** host:port of another node's gossip port; requires `credentialsDir`. */
  addr?: string;
  /** A directory written by `g2g credentials` (cert.pem, key.pem, ca.pem). */
  credentialsDir?: string;
}

interface Credentials {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** The node to expect; undefined when ca.pem holds several members' CAs (any of them may answer). */
  nodeId?: string;
  /** Node ids of the CAs in ca.pem. */
  bundleIds: string[];
  address: string;
}

/**
 * How the CLI reaches a node's Admin service on the gossip port (mutual TLS). On the node's own
 * host it reads the runtime facts and the node CA from the data dir and issues itself a
 * five-minute operator certificate; elsewhere it uses a directory from `g2g credentials`.
 */
export async function connectAdmin(target: AdminTarget): Promise<AdminClient> {
  const creds = target.credentialsDir ? await fromCredentialsDir(target) : await fromDataDir(target.dataDir, target.addr);
  const proto = g2gProto();
  const channelCreds = grpc.credentials.createSsl(Buffer.from(creds.caPem), Buffer.from(creds.keyPem), Buffer.from(creds.certPem), {
    checkServerIdentity: (_host, cert) => checkPeerIdentity(creds.nodeId ?? bundleNodeOf(cert, creds.bundleIds), cert),
  });
  // With a bundle of every member's CA the node behind --addr is not known in advance.
  return new proto.g2g.v1.Admin(creds.address, channelCreds, creds.nodeId ? { 'grpc.ssl_target_name_override': creds.nodeId, 'grpc.default_authority': creds.nodeId } : {});
}

/**
 * The node a leaf verified against a bundle of member CAs stands for: the id its issuer names,
 * if that CA is in the bundle. checkPeerIdentity then requires the leaf to name the same node,
 * so one member's CA cannot vouch for a leaf claiming another member's id.
 */
function bundleNodeOf(cert: { issuer?: { CN?: string | string[] } }, bundleIds: readonly string[]): string {
  const cn = Array.isArray(cert.issuer?.CN) ? cert.issuer.CN[0] : cert.issuer?.CN;
  const id = cn?.replace(/ CA$/, '') ?? '';
  return bundleIds.includes(id) ? id : '(a CA not in ca.pem)';
}

async function fromDataDir(dataDir: string, addr: string | undefined): Promise<Credentials> {
  const facts = await readRuntimeFacts(dataDir);
  if (!facts && !addr) {
    throw new NodeUnreachableError(`no running node found for data dir ${dataDir} (start one with \`g2g start\`, or pass --addr with --credentials)`);
  }
  const ca = await readNodeCaFiles(dataDir);
  const operator = await issueOperatorCertificate(ca, { name: `cli-${os.userInfo().username}`, now: new Date(), lifetimeMs: 5 * 60_000 });
  // During a node-CA rotation the node may still present a leaf of its previous CA.
  const previous = await readPreviousCaCert(dataDir);
  const host = !facts || facts.host === '0.0.0.0' || facts.host === '::' ? '127.0.0.1' : facts.host;
  return {
    caPem: previous ? joinPemBundle([ca.certPem, previous]) : ca.certPem,
    certPem: operator.certPem,
    keyPem: operator.keyPem,
    nodeId: ca.nodeId,
    bundleIds: [ca.nodeId],
    address: addr ?? `${host.includes(':') ? `[${host}]` : host}:${facts!.gossipPort}`,
  };
}

async function fromCredentialsDir(target: AdminTarget): Promise<Credentials> {
  const dir = target.credentialsDir!;
  const read = (name: string) =>
    readFile(path.join(dir, name), 'utf8').catch(() => {
      throw new NodeUnreachableError(`cannot read ${path.join(dir, name)} (make the directory with \`g2g credentials --out ${dir}\`)`);
    });
  const [caPem, certPem, keyPem] = await Promise.all([read('ca.pem'), read('cert.pem'), read('key.pem')]);
  // A ca.pem from `g2g credentials` holds every member's CA (a node's previous CA during a rotation too).
  const bundleIds = [...new Set(splitPemBundle(caPem).map((pem) => (subjectCommonName(parseCert(pem)) ?? '').replace(/ CA$/, '')))];
  const nodeId = bundleIds.length === 1 ? bundleIds[0] : undefined;
  let address = target.addr;
  if (!address) {
    const facts = await readRuntimeFacts(target.dataDir);
    if (!facts) throw new NodeUnreachableError('pass --addr host:port (the gossip port of the node to ask)');
    address = `127.0.0.1:${facts.gossipPort}`;
  }
  return { caPem, certPem, keyPem, nodeId, bundleIds, address };
}

/** An Admin call with a deadline; a node that cannot be reached (or does not answer in time) is NodeUnreachableError. */
export function unary<K extends UnaryMethodOf<AdminClient>>(client: AdminClient, method: K, request: RequestOf<AdminClient, K>, timeoutMs: number): Promise<ResponseOf<AdminClient, K>> {
  return unaryCall(client, method, request, { timeoutMs }).catch((error: unknown) => {
    if (!(error instanceof PeerUnavailableError || error instanceof CallTimeoutError)) throw error;
    const target = client.getChannel().getTarget();
    const details = error.message;
    throw new NodeUnreachableError(`cannot reach the node at ${target}: ${unknownAuthority(details) ? `certificate signed by unknown authority: its CA is not in ca.pem (run \`g2g credentials --refresh\` on a member that knows it) [${details}]` : details}`);
  });
}

/** OpenSSL's ways of saying the server's chain does not end at a root we trust (Go says "certificate signed by unknown authority"). */
export function unknownAuthority(details: string): boolean {
  return /unable to get local issuer certificate|self[- ]signed certificate|unable to verify the first certificate|certificate signature failure|unknown ca/i.test(details);
}
