import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { IdentityCorruptError } from '../errors';
import { writeFileAtomic } from './atomic-file';
import type { CaEndorsement } from './ca-lineage';
import type { NodeCa } from './node-ca';

/**
 * What a node-CA rotation leaves on disk besides the current CA pair (identity-store.ts):
 *
 * - `identity/ca-lineage.json`: the lineage (every CA, oldest first, with endorsements) and, while
 *   a rotation is in its grace period, the previous CA certificate and the rotation's timings;
 * - `identity/node-ca-previous-key.pem` (0600): the previous CA key, kept only until the leaves
 *   switch to the new CA and then deleted at the end of the grace period.
 *
 * Writing order (crash safety): previous key, lineage, new key, new certificate. A crash before
 * the new key is written leaves the old pair in place and a lineage whose last CA has no key here:
 * the lineage is cut back to the current certificate on the next start (the rotation did not
 * happen). A crash between the new key and the new certificate leaves a key that matches the
 * lineage's last CA: the start completes the swap.
 */

export interface CaRotationTimes {
  startedAtMs: number;
  /** Leaves are issued by the new CA from then on. */
  switchAtMs: number;
  /** The previous CA is no longer published, trusted or kept. */
  retireAtMs: number;
}

export interface CaRotationState extends CaRotationTimes {
  previous: { certPem: string; keyPem: string };
}

interface LineageFile {
  lineage: { caCertPem: string; signature: string }[];
  rotation?: CaRotationTimes & { previousCertPem: string };
}

/** Next to identity-store.ts's node-ca.pem and node-ca-key.pem, in `<dataDir>/identity`. */
export function lineagePaths(dataDir: string): { lineage: string; previousKey: string; certPath: string; keyPath: string } {
  const dir = join(dataDir, 'identity');
  return {
    lineage: join(dir, 'ca-lineage.json'),
    previousKey: join(dir, 'node-ca-previous-key.pem'),
    certPath: join(dir, 'node-ca.pem'),
    keyPath: join(dir, 'node-ca-key.pem'),
  };
}

export interface StoredLineage {
  lineage: CaEndorsement[];
  rotation?: CaRotationTimes & { previousCertPem: string };
}

/** The lineage file, or undefined when the CA never rotated. */
export async function readLineage(dataDir: string): Promise<StoredLineage | undefined> {
  const paths = lineagePaths(dataDir);
  let text: string;
  try {
    text = await readFile(paths.lineage, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new IdentityCorruptError(`cannot read ${paths.lineage}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const json = JSON.parse(text) as LineageFile;
    const lineage = json.lineage.map((e) => ({ caCertPem: e.caCertPem, signature: Buffer.from(e.signature, 'base64') }));
    return { lineage, ...(json.rotation ? { rotation: json.rotation } : {}) };
  } catch (err) {
    throw new IdentityCorruptError(`${paths.lineage} is not a CA lineage (${(err as Error).message}); restore it from a backup of this node`, { cause: err });
  }
}

export async function readPreviousKey(dataDir: string): Promise<string | undefined> {
  try {
    return await readFile(lineagePaths(dataDir).previousKey, 'utf8');
  } catch {
    return undefined;
  }
}

async function writeLineage(dataDir: string, stored: StoredLineage): Promise<void> {
  const body: LineageFile = {
    lineage: stored.lineage.map((e) => ({ caCertPem: e.caCertPem, signature: Buffer.from(e.signature).toString('base64') })),
    ...(stored.rotation ? { rotation: stored.rotation } : {}),
  };
  await writeFileAtomic(lineagePaths(dataDir).lineage, `${JSON.stringify(body, null, 2)}\n`, 0o644);
}

/** Persists the start of a rotation from `previous` to `next` (whose lineage ends with it). */
export async function writeCaRotation(dataDir: string, previous: NodeCa, next: NodeCa, times: CaRotationTimes): Promise<void> {
  const paths = lineagePaths(dataDir);
  await writeFileAtomic(paths.previousKey, previous.keyPem, 0o600);
  await writeLineage(dataDir, { lineage: next.lineage ?? [], rotation: { ...times, previousCertPem: previous.certPem } });
  await writeFileAtomic(paths.keyPath, next.keyPem, 0o600);
  await writeFileAtomic(paths.certPath, next.certPem, 0o644);
}

/** Ends the grace period on disk: the lineage stays, the previous CA and its key go. */
export async function finishCaRotation(dataDir: string, ca: NodeCa): Promise<void> {
  await writeLineage(dataDir, { lineage: ca.lineage ?? [] });
  await unlink(lineagePaths(dataDir).previousKey).catch(() => undefined);
}
