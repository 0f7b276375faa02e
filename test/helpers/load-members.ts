import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { joinPemBundle } from '../../src/identity/cert-info';
import { readNodeCaFiles } from '../../src/identity/identity-store';
import { issueOperatorCertificate } from '../../src/identity/leaf';
import type { MembersResponse__Output } from '../../src/proto/generated/g2g/v1/MembersResponse';
import type { StatusResponse__Output } from '../../src/proto/generated/g2g/v1/StatusResponse';
import { call, channelOptions, g2gProto, tlsCredentials } from './clients';
import { REPO_ROOT } from './interop-exec';
import { removeDir, type NodeProcess } from './node-process';

/*
 * Node processes running the loadgen fixture plugin (test/fixtures/plugins-load), which calls
 * the same service on every peer through the node's pool: what the certificate tests use
 * to show node-to-node calls working, in both directions, across rotations and absences.
 */

export const LOAD_PLUGINS_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'plugins-load');

/** Node arguments for a load member: `extra`, the loadgen plugin, and G2G_TEST_LOG's log level if set. */
export function loadNodeArgs(...extra: string[]): string[] {
  return [...extra, '--plugins-dir', LOAD_PLUGINS_DIR, ...(process.env.G2G_TEST_LOG ? ['--log-level', process.env.G2G_TEST_LOG] : [])];
}

const Loadgen = grpc.makeClientConstructor(
  protoLoader.loadSync('loadgen/v1/loadgen.proto', { includeDirs: [path.join(LOAD_PLUGINS_DIR, 'loadgen')], longs: Number, defaults: true })['loadgen.v1.Loadgen'] as grpc.ServiceDefinition,
  'loadgen.v1.Loadgen',
);

export interface ProbeResult {
  peer: string;
  ok: boolean;
  servedBy: string;
  error: string;
}

/** A node process with Admin and Loadgen clients as its operator. */
export interface LoadMember {
  process: NodeProcess;
  id: string;
  admin: grpc.Client;
  loadgen: grpc.Client;
  close(): void;
}

/**
 * Clients for a node, as its operator (a certificate of its current CA, read from its data dir).
 * `extraCaPems`: CAs it had before, still trusted for its leaves (a node-CA rotation in progress).
 */
export async function loadMember(process: NodeProcess, extraCaPems: string[] = []): Promise<LoadMember> {
  const ca = await readNodeCaFiles(process.dataDir);
  const operator = await issueOperatorCertificate(ca, { name: 'cert-test', now: new Date(), lifetimeMs: 3_600_000, keyBits: 1024 });
  const address = `127.0.0.1:${process.facts.gossipPort}`;
  const credentials = () => tlsCredentials({ caPem: joinPemBundle([ca.certPem, ...extraCaPems]), nodeId: ca.nodeId, certPem: operator.certPem, keyPem: operator.keyPem });
  const admin = new (g2gProto().g2g.v1.Admin)(address, credentials(), channelOptions(ca.nodeId));
  const loadgen = new Loadgen(address, credentials(), channelOptions(ca.nodeId));
  return {
    process,
    id: ca.nodeId,
    admin,
    loadgen,
    close() {
      admin.close();
      loadgen.close();
    },
  };
}

/** Test teardown: resumes a paused process, closes the clients, kills the node and removes its data dir. */
export async function stopLoadMembers(members: readonly LoadMember[]): Promise<void> {
  for (const member of members) {
    member.process.child.kill('SIGCONT');
    member.close();
    await member.process.stop('SIGKILL');
    await removeDir(member.process.dataDir);
  }
}

/** One call from `member` to every peer in its pool, through the pool (loadgen Probe). */
export async function probe(member: LoadMember, deadlineMs = 3000): Promise<ProbeResult[]> {
  return (await call<{ results: ProbeResult[] }>(member.loadgen, 'Probe', { deadlineMs }, deadlineMs + 5000)).results;
}

/** Whether `member`'s calls through its pool reach exactly `peers`, every one answering. */
export async function reachesAll(member: LoadMember, peers: readonly string[]): Promise<boolean> {
  const results = await probe(member);
  return results.length === peers.length && peers.every((id) => results.some((r) => r.peer === id && r.ok));
}

export function status(member: LoadMember): Promise<StatusResponse__Output> {
  return call<StatusResponse__Output>(member.admin, 'Status', {}, 5000);
}

export function members(member: LoadMember): Promise<MembersResponse__Output> {
  return call<MembersResponse__Output>(member.admin, 'Members', {}, 5000);
}

/** `member`'s view of `peerId`, if it lists it. */
export async function viewOf(member: LoadMember, peerId: string): Promise<MembersResponse__Output['members'][number] | undefined> {
  return (await members(member)).members.find((m) => m.nodeId === peerId);
}
