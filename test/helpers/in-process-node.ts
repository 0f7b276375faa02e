import { loadConfig } from '../../src/config';
import { issueLeaf, issueOperatorCertificate, type Leaf } from '../../src/identity/leaf';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import { createNodeCa, type NodeCa } from '../../src/identity/node-ca';
import { silentLogger } from '../../src/log/logger';
import { G2gNode } from '../../src/node/g2g-node';
import { removeDir, tempDir } from './node-process';
import type { TlsMaterial } from './clients';

/** A node in this process on loopback ports chosen by the OS, with fast 1024-bit test keys. */
export async function startInProcessNode(flags: Record<string, string> = {}): Promise<{ node: G2gNode; dataDir: string; close(): Promise<void> }> {
  const dataDir = await tempDir();
  const config = loadConfig({
    flags: { profile: 'local', 'data-dir': dataDir, 'register-port': '0', 'gossip-port': '0', ...flags },
    env: {},
  });
  const node = new G2gNode({ config, log: silentLogger(), keyBits: 1024 });
  await node.start();
  return {
    node,
    dataDir,
    async close() {
      await node.stop();
      await removeDir(dataDir);
    },
  };
}

/**
 * A node in this process on `dataDir` (kept when it stops), so the same identity can leave and
 * come back: a second start joins through the peers the first one knew.
 */
export async function startInProcessNodeIn(dataDir: string, flags: Record<string, string> = {}): Promise<G2gNode> {
  const config = loadConfig({
    flags: { profile: 'local', 'data-dir': dataDir, 'register-port': '0', 'gossip-port': '0', ...flags },
    env: {},
  });
  const node = new G2gNode({ config, log: silentLogger(), keyBits: 1024 });
  await node.start();
  return node;
}

/** A node CA that belongs to no node process: another member, or a stranger. */
export async function makeCa(): Promise<NodeCa> {
  return createNodeCa({ keyPair: await generateRsaKeyPair(1024), now: new Date(), lifetimeMs: 24 * 3600_000 });
}

export function memberLeaf(ca: NodeCa, lifetimeMs = 3600_000): Promise<Leaf> {
  return issueLeaf(ca, { now: new Date(), lifetimeMs, ips: ['127.0.0.1'], keyBits: 1024 });
}

export function operatorCert(ca: NodeCa, name = 'tester'): Promise<Leaf> {
  return issueOperatorCertificate(ca, { name, now: new Date(), lifetimeMs: 3600_000, keyBits: 1024 });
}

/** TLS material to call `node` presenting `client` (omit for server-auth only). */
export function materialFor(node: G2gNode, client?: Leaf): TlsMaterial {
  return { caPem: node.nodeCa.certPem, nodeId: node.nodeId, certPem: client?.certPem, keyPem: client?.keyPem };
}
