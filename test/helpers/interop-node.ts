import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RuntimeFacts } from '../../src/node/runtime-file';
import { outsiderClientCertificate } from './interop-certs';
import { removeDir, runCli, startNodeProcess, tempDir, type NodeProcess } from './node-process';

export interface ClientFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** One real node, plus the files an outside client needs to reach it. */
export interface InteropNode {
  node: NodeProcess;
  facts: RuntimeFacts;
  /** The node CA certificate: the root for the register port. */
  nodeCaFile: string;
  /** The operator name the credentials were issued for. */
  operatorName: string;
  /** `g2g credentials` output: an operator certificate from the node's CA. */
  operator: ClientFiles;
  /** A self-signed client certificate from no member's CA (ca.pem is still the node CA). */
  outsider: ClientFiles;
  /** Scratch space for tools (e.g. BUF_CACHE_DIR); removed by close(). */
  scratchDir: string;
  /** Stops the node (bounded) and removes every temporary directory. Safe to call twice. */
  close(): Promise<void>;
}

export async function startInteropNode(operatorName = 'interop', env: NodeJS.ProcessEnv = {}): Promise<InteropNode> {
  const scratchDir = await tempDir('g2g-interop-');
  // Created here rather than by startNodeProcess so that a node that fails to start leaks no dir.
  const dataDir = path.join(scratchDir, 'data');
  let node: NodeProcess | undefined;
  try {
    await mkdir(dataDir, { mode: 0o700 });
    node = await startNodeProcess({ dataDir, timeoutMs: 60_000, env });
    const started = node;
    const credentialsDir = path.join(scratchDir, 'operator');
    const issued = await runCli(['credentials', '--name', operatorName, '--out', credentialsDir, '--data-dir', node.dataDir, '--ttl', '1h'], { timeoutMs: 30_000 });
    if (issued.code !== 0) throw new Error(`g2g credentials failed (${issued.code}):\n${issued.stdout}${issued.stderr}`);
    const nodeCaFile = path.join(node.dataDir, 'identity', 'node-ca.pem');
    const outsiderDir = path.join(scratchDir, 'outsider');
    await writeOutsider(outsiderDir);
    let closed = false;
    return {
      node,
      facts: node.facts,
      nodeCaFile,
      operatorName,
      operator: { caFile: path.join(credentialsDir, 'ca.pem'), certFile: path.join(credentialsDir, 'cert.pem'), keyFile: path.join(credentialsDir, 'key.pem') },
      outsider: { caFile: nodeCaFile, certFile: path.join(outsiderDir, 'cert.pem'), keyFile: path.join(outsiderDir, 'key.pem') },
      scratchDir,
      async close() {
        if (closed) return;
        closed = true;
        await started.stop('SIGTERM', 20_000);
        await removeDir(scratchDir);
      },
    };
  } catch (error) {
    await node?.stop('SIGKILL', 5_000);
    await removeDir(scratchDir);
    throw error;
  }
}

async function writeOutsider(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { certPem, keyPem } = outsiderClientCertificate();
  await writeFile(path.join(dir, 'cert.pem'), certPem);
  await writeFile(path.join(dir, 'key.pem'), keyPem, { mode: 0o600 });
}
