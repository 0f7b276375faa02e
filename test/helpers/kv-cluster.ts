import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { readNodeCaFiles } from '../../src/identity/identity-store';
import { issueOperatorCertificate } from '../../src/identity/leaf';
import { LOADER_OPTIONS } from '../../src/proto/protos';
import { call, channelOptions, tlsCredentials } from './clients';
import { eventually } from './eventually';
import { OperatorAdmins } from './operator-admins';
import { removeDir, reusableTicket, startNodeProcess, type NodeProcess } from './node-process';

/** The shipped kv plugin's proto (tests run from dist/test/…). */
const KV_PROTO = path.resolve(__dirname, '../../../plugins/kv/kv.proto');
/** Anti-entropy every 2 s, so catching up after a pause or a restart does not wait 30 s. */
export const KV_TEST_ENV = { G2G_PLUGIN_KV_SYNC_INTERVAL: '2s', G2G_PLUGIN_KV_FSYNC: 'false' };
/** Calls on a loaded machine can take a while to connect. */
const CALL_TIMEOUT_MS = 30_000;

export interface KvVersion {
  wallMs: number;
  counter: number;
  nodeId: string;
}

interface WireEntry {
  key: string;
  value: Buffer;
  version: KvVersion;
}

let keyValue: grpc.ServiceClientConstructor | undefined;

function KeyValue(): grpc.ServiceClientConstructor {
  keyValue ??= (grpc.loadPackageDefinition(protoLoader.loadSync(KV_PROTO, { ...LOADER_OPTIONS, includeDirs: [] })) as unknown as {
    g2g: { kv: { v1: { KeyValue: grpc.ServiceClientConstructor } } };
  }).g2g.kv.v1.KeyValue;
  return keyValue;
}

/**
 * Real node processes (loopback, `local` profile) running the kv plugin, joined through one
 * ticket, called as an operator of each node over mutual TLS.
 */
export class KvCluster {
  readonly nodes: NodeProcess[] = [];
  private readonly clients = new Map<NodeProcess, grpc.Client>();
  private readonly admins = new OperatorAdmins('kv-test');

  /** Starts one node per entry of `envs` (extra env for that node) and waits until all see each other. */
  async start(envs: NodeJS.ProcessEnv[]): Promise<void> {
    this.nodes.push(await startNodeProcess({ env: { ...KV_TEST_ENV, ...envs[0] } }));
    const ticket = await reusableTicket(this.nodes[0]!.dataDir);
    this.nodes.push(...(await Promise.all(envs.slice(1).map((env) => startNodeProcess({ env: { ...KV_TEST_ENV, G2G_JOIN: ticket, ...env } })))));
    await this.allAlive();
  }

  /** Replaces `node` (stopped) by a new process on the same data dir. */
  async restart(node: NodeProcess, env: NodeJS.ProcessEnv = {}): Promise<NodeProcess> {
    this.clients.get(node)?.close();
    this.clients.delete(node);
    const restarted = await startNodeProcess({ dataDir: node.dataDir, env: { ...KV_TEST_ENV, ...env } });
    this.nodes[this.nodes.indexOf(node)] = restarted;
    return restarted;
  }

  async put(node: NodeProcess, key: string, value: string): Promise<KvVersion> {
    return (await call<{ version: KvVersion }>(await this.kv(node), 'Put', { key, value: Buffer.from(value) }, CALL_TIMEOUT_MS)).version;
  }

  async delete(node: NodeProcess, key: string): Promise<void> {
    await call(await this.kv(node), 'Delete', { key }, CALL_TIMEOUT_MS);
  }

  async get(node: NodeProcess, key: string): Promise<string | undefined> {
    try {
      return (await call<{ entry: WireEntry }>(await this.kv(node), 'Get', { key }, CALL_TIMEOUT_MS)).entry.value.toString();
    } catch (error) {
      if ((error as grpc.ServiceError).code === grpc.status.NOT_FOUND) return undefined;
      throw error;
    }
  }

  /** Every live entry under `prefix` as `key=value@version`, in key order (all pages). */
  async list(node: NodeProcess, prefix: string): Promise<string[]> {
    const out: string[] = [];
    let pageToken = '';
    do {
      const page = await call<{ entries: WireEntry[]; nextPageToken: string }>(await this.kv(node), 'List', { prefix, pageSize: 50, pageToken }, CALL_TIMEOUT_MS);
      for (const e of page.entries) out.push(`${e.key}=${e.value.toString()}@${e.version.wallMs}.${e.version.counter}.${e.version.nodeId}`);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return out;
  }

  /** Whether every node lists the same entries under `prefix` (and, if given, that many). */
  async converged(prefix: string, expectedKeys?: number): Promise<boolean> {
    const views = await Promise.all(this.nodes.map((n) => this.list(n, prefix)));
    if (expectedKeys !== undefined && views[0]!.length !== expectedKeys) return false;
    return views.every((v) => JSON.stringify(v) === JSON.stringify(views[0]));
  }

  /** The node ids `node` lists as alive. */
  async aliveSeenBy(node: NodeProcess): Promise<string[]> {
    return (await this.admins.members(node)).members.filter((m) => m.state === 'MEMBER_STATE_ALIVE').map((m) => m.nodeId);
  }

  async allAlive(): Promise<void> {
    const ids = this.nodes.map((n) => n.facts.nodeId);
    for (const node of this.nodes) {
      await eventually(`${node.facts.nodeId} sees the others alive`, async () => {
        const alive = await this.aliveSeenBy(node);
        return ids.filter((id) => id !== node.facts.nodeId).every((id) => alive.includes(id));
      });
    }
  }

  async close(): Promise<void> {
    this.admins.close();
    for (const client of this.clients.values()) client.close();
    for (const node of this.nodes) {
      await node.stop('SIGKILL');
      await removeDir(node.dataDir);
    }
  }

  private async kv(node: NodeProcess): Promise<grpc.Client> {
    let client = this.clients.get(node);
    if (!client) {
      const ca = await readNodeCaFiles(node.dataDir);
      const cert = await issueOperatorCertificate(ca, { name: 'kv-test', now: new Date(), lifetimeMs: 3600_000, keyBits: 1024 });
      client = new (KeyValue())(`127.0.0.1:${node.facts.gossipPort}`, tlsCredentials({ caPem: ca.certPem, nodeId: ca.nodeId, certPem: cert.certPem, keyPem: cert.keyPem }), channelOptions(ca.nodeId));
      this.clients.set(node, client);
    }
    return client;
  }
}
