import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RuntimeFacts } from '../../src/node/runtime-file';
import { formatToken, generateTokenId, generateTokenSecret } from '../../src/tokens/token-format';
import { startNodeProcess, tempDir, type NodeProcess } from './node-process';
import type { Backend } from './round-robin-proxy';

/**
 * "Pods" of a StatefulSet on one host: every node process gets the same environment (the Service
 * in G2G_SERVICES, the bootstrap token in G2G_TOKEN), and only its data dir (its PVC) and its
 * OS-chosen ports are its own.
 */
export interface Pod {
  dataDir: string;
  process: NodeProcess | undefined;
}

/** A fresh token as `kubectl create secret` would hold it (any `<id>.<secret>` works). */
export function bootstrapToken(): string {
  return formatToken({ id: generateTokenId(), secret: generateTokenSecret() });
}

export function podEnv(service: string, token: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { G2G_SERVICES: service, G2G_TOKEN: token, G2G_CLUSTER: 'pods', ...extra };
}

export async function newPod(): Promise<Pod> {
  return { dataDir: await tempDir('g2g-pod-'), process: undefined };
}

/** Starts (or restarts, from its data dir) the pod's node with `env`. */
export async function startPod(pod: Pod, env: NodeJS.ProcessEnv, args: string[] = []): Promise<NodeProcess> {
  // Leaves for the test's length: the local profile's 2-minute leaves rotate several times in a
  // run, and on a loaded machine a late renewal withdraws the leaf (NOT_SERVING), which is not
  // what these tests look at.
  pod.process = await startNodeProcess({ dataDir: pod.dataDir, env, args: ['--leaf-lifetime', '1h', '--max-connection-age', '60s', ...args], timeoutMs: 120_000 });
  return pod.process;
}

/**
 * The pod's register port as an endpoint of the proxy, read from its runtime file at each
 * connection: undefined before it has bound its ports. A killed pod's stale file names a port
 * nothing listens on, which the proxy turns into a closed connection, as for a pod not ready.
 */
export function registerEndpoint(pod: Pod): () => Promise<Backend | undefined> {
  return async () => {
    const facts = JSON.parse(await readFile(path.join(pod.dataDir, 'runtime.json'), 'utf8')) as RuntimeFacts;
    return { host: '127.0.0.1', port: facts.registerPort };
  };
}
