import fs from 'node:fs/promises';
import path from 'node:path';

/** What a running node tells CLI commands on the same host (`g2g status --data-dir D`). */
export interface RuntimeFacts {
  pid: number;
  nodeId: string;
  cluster: string;
  host: string;
  registerPort: number;
  gossipPort: number;
  healthPort: number | null;
  /** Where the health port listens (absent in files written before it was recorded). */
  healthHost?: string;
  metricsPort: number | null;
  caFingerprint: string;
  startedAt: string;
  version: string;
}

export const RUNTIME_FILE = 'runtime.json';

export function runtimeFilePath(dataDir: string): string {
  return path.join(dataDir, RUNTIME_FILE);
}

export async function writeRuntimeFacts(dataDir: string, facts: RuntimeFacts): Promise<void> {
  const file = runtimeFilePath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${JSON.stringify(facts, null, 2)}\n`, { mode: 0o644 });
  await fs.rename(tmp, file);
}

/** Reads the facts; undefined when no node wrote them or that node's process is gone. */
export async function readRuntimeFacts(dataDir: string): Promise<RuntimeFacts | undefined> {
  let text: string;
  try {
    text = await fs.readFile(runtimeFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  const facts = JSON.parse(text) as RuntimeFacts;
  return processIsAlive(facts.pid) ? facts : undefined;
}

export async function removeRuntimeFacts(dataDir: string, pid: number): Promise<void> {
  const facts = await fs.readFile(runtimeFilePath(dataDir), 'utf8').then((t) => JSON.parse(t) as RuntimeFacts, () => undefined);
  if (facts?.pid === pid) await fs.rm(runtimeFilePath(dataDir), { force: true });
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
