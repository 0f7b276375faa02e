import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { IdentityCorruptError, IdentityMissingError } from '../errors';
import type { Logger } from '../log/logger';
import { writeFileAtomic } from './atomic-file';
import { generateRsaKeyPair } from './keygen';
import { createNodeCa, nodeCaFromPem, type NodeCa } from './node-ca';
import { readLineage, readPreviousKey, type CaRotationState } from './ca-rotation-store';
import type { CaEndorsement } from './ca-lineage';

/**
 * The node CA on disk: `<dataDir>/identity/node-ca.pem` (0644) and `node-ca-key.pem` (0600) in a
 * 0700 directory. Leaves are not stored: a fresh one is issued at every start.
 *
 * The store never regenerates or overwrites an identity it finds. A node's id is its CA key, and
 * peers pin its CA certificate; silently replacing either would turn the node into a stranger
 * that its network refuses, so every damaged state stops the start and tells the operator.
 */

export interface IdentityPaths {
  dir: string;
  certPath: string;
  keyPath: string;
}

export function identityPaths(dataDir: string): IdentityPaths {
  const dir = join(dataDir, 'identity');
  return { dir, certPath: join(dir, 'node-ca.pem'), keyPath: join(dir, 'node-ca-key.pem') };
}

export interface LoadOrCreateOptions {
  now: Date;
  caLifetimeMs: number;
  log: Logger;
  /** RSA modulus size for a new node CA; default 2048. */
  keyBits?: number;
}

/** Warn when the node CA has less than this left: every peer must learn a re-signed CA before it lapses. */
const CA_EXPIRY_WARNING_MS = 30 * 24 * 3600_000;

export async function loadOrCreateNodeCa(
  dataDir: string,
  opts: LoadOrCreateOptions,
): Promise<{ ca: NodeCa; created: boolean; rotation?: CaRotationState }> {
  const { log } = opts;
  const paths = identityPaths(dataDir);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await warnIfExposed(paths.dir, 0o077, 'identity directory', log);

  const [certPem, keyPem] = await Promise.all([readIfPresent(paths.certPath), readIfPresent(paths.keyPath)]);
  if (certPem === undefined && keyPem === undefined) {
    const ca = await create(paths, opts, log);
    return { ca, created: true };
  }
  const { ca, rotation } = await withLineage(dataDir, paths, certPem, keyPem, log);
  await warnIfExposed(paths.keyPath, 0o077, 'node CA private key', log);
  warnIfExpiring(ca, opts.now, log);
  return { ca, created: false, ...(rotation ? { rotation } : {}) };
}

/**
 * The CA pair plus what a CA rotation left (ca-rotation-store.ts): its lineage, and while the
 * rotation's grace period lasts, the previous CA with its key. Repairs what a crash in the middle
 * of writing a rotation left (see the writing order there).
 */
async function withLineage(
  dataDir: string,
  paths: IdentityPaths,
  certPem: string | undefined,
  keyPem: string | undefined,
  log?: Logger,
): Promise<{ ca: NodeCa; rotation?: CaRotationState }> {
  const stored = await readLineage(dataDir);
  if (!stored || stored.lineage.length === 0) return { ca: parseFiles(paths, certPem, keyPem) };
  let lineage: CaEndorsement[] = stored.lineage;
  let cert = certPem;
  const last = lineage[lineage.length - 1]!.caCertPem;
  if (cert !== undefined && keyPem !== undefined && cert !== last && keyMatches(last, keyPem)) {
    // The new key was written but not the new certificate: finish the swap.
    log?.warn({ path: paths.certPath }, 'completing a node CA rotation interrupted before its certificate was written');
    await writeFileAtomic(paths.certPath, last, 0o644);
    cert = last;
  } else if (cert !== undefined && cert !== last) {
    // The rotation stopped before its key was written: it did not happen.
    const at = lineage.findIndex((e) => e.caCertPem === cert);
    lineage = at >= 0 ? lineage.slice(0, at + 1) : [];
    log?.warn({ path: paths.certPath }, 'ignoring a node CA rotation that was interrupted before its key was written');
  }
  const ca = parseFiles(paths, cert, keyPem, lineage.length > 1 ? lineage : undefined);
  if (!stored.rotation || ca.certPem !== last) return { ca };
  const previousKey = await readPreviousKey(dataDir);
  if (previousKey === undefined) return { ca };
  return {
    ca,
    rotation: {
      previous: { certPem: stored.rotation.previousCertPem, keyPem: previousKey },
      startedAtMs: stored.rotation.startedAtMs,
      switchAtMs: stored.rotation.switchAtMs,
      retireAtMs: stored.rotation.retireAtMs,
    },
  };
}

function keyMatches(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

/**
 * The node CA of an existing data directory, for tools (the CLI) that must never create one.
 * Throws IdentityMissingError if there is none, IdentityCorruptError if it is damaged.
 */
export async function readNodeCaFiles(dataDir: string): Promise<NodeCa> {
  const paths = identityPaths(dataDir);
  const [certPem, keyPem] = await Promise.all([readIfPresent(paths.certPath), readIfPresent(paths.keyPath)]);
  if (certPem === undefined && keyPem === undefined) {
    throw new IdentityMissingError(`no node identity in ${paths.dir} (has a node been started with data dir ${dataDir}?)`);
  }
  return (await withLineage(dataDir, paths, certPem, keyPem)).ca;
}

/** The previous CA certificate while a rotation's grace period lasts (what the CLI must also trust). */
export async function readPreviousCaCert(dataDir: string): Promise<string | undefined> {
  return (await readLineage(dataDir))?.rotation?.previousCertPem;
}

async function create(paths: IdentityPaths, opts: LoadOrCreateOptions, log: Logger): Promise<NodeCa> {
  const keyPair = await generateRsaKeyPair(opts.keyBits);
  const ca = createNodeCa({ keyPair, now: opts.now, lifetimeMs: opts.caLifetimeMs });
  // Exclusive writes: if another process created an identity meanwhile, fail rather than replace it.
  try {
    await writeFileAtomic(paths.keyPath, ca.keyPem, 0o600, { exclusive: true });
  } catch (err) {
    throw creationFailed(paths.keyPath, err);
  }
  try {
    await writeFileAtomic(paths.certPath, ca.certPem, 0o644, { exclusive: true });
  } catch (err) {
    // The key was written by us a moment ago and never used; removing it leaves a clean slate
    // instead of the "key without certificate" state that needs an operator.
    await unlink(paths.keyPath).catch(() => undefined);
    throw creationFailed(paths.certPath, err);
  }
  log.info({ nodeId: ca.nodeId, fingerprint: ca.fingerprint, dir: paths.dir }, 'created node CA');
  return ca;
}

function creationFailed(path: string, err: unknown): Error {
  if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
    return new IdentityCorruptError(
      `${path} appeared while this node was creating its identity: is another g2g process using the same data directory?`,
      { cause: err },
    );
  }
  return err as Error;
}

function parseFiles(paths: IdentityPaths, certPem: string | undefined, keyPem: string | undefined, lineage?: CaEndorsement[]): NodeCa {
  const startOver =
    `To abandon this identity instead, delete both ${paths.certPath} and ${paths.keyPath} and restart: ` +
    'the node gets a NEW node id and must be admitted to the network again.';
  if (certPem === undefined) {
    throw new IdentityCorruptError(
      `the node CA key ${paths.keyPath} exists but its certificate ${paths.certPath} is missing. ` +
        `Restore ${paths.certPath} from a backup of this node. ${startOver}`,
    );
  }
  if (keyPem === undefined) {
    throw new IdentityCorruptError(
      `the node CA certificate ${paths.certPath} exists but its private key ${paths.keyPath} is missing. ` +
        `Restore ${paths.keyPath} from a backup of this node. ${startOver}`,
    );
  }
  try {
    createPrivateKey(keyPem);
  } catch (err) {
    throw new IdentityCorruptError(
      `${paths.keyPath} is not a PEM private key (${(err as Error).message}); it was left untouched. ` +
        `Restore it from a backup of this node. ${startOver}`,
      { cause: err },
    );
  }
  try {
    new X509Certificate(certPem);
  } catch (err) {
    throw new IdentityCorruptError(
      `${paths.certPath} is not a PEM certificate (${(err as Error).message}); it was left untouched. ` +
        `Restore it from a backup of this node. ${startOver}`,
      { cause: err },
    );
  }
  try {
    return nodeCaFromPem(certPem, keyPem, lineage);
  } catch (err) {
    throw new IdentityCorruptError(
      `${paths.certPath} and ${paths.keyPath} are not a valid node CA: ${(err as Error).message}. ` +
        `Both files were left untouched; restore the matching pair from a backup of this node. ${startOver}`,
      { cause: err },
    );
  }
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new IdentityCorruptError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

async function warnIfExposed(path: string, forbidden: number, what: string, log: Logger): Promise<void> {
  if (process.platform === 'win32') return; // POSIX modes mean nothing there
  const { mode } = await stat(path);
  if ((mode & forbidden) !== 0) {
    log.warn(
      { path, mode: `0${(mode & 0o777).toString(8)}` },
      `${what} is accessible to group or others; run chmod go-rwx on it`,
    );
  }
}

function warnIfExpiring(ca: NodeCa, now: Date, log: Logger): void {
  const notAfter = new Date(new X509Certificate(ca.certPem).validTo);
  const left = notAfter.getTime() - now.getTime();
  if (left <= 0) {
    log.error({ nodeId: ca.nodeId, notAfter: notAfter.toISOString() }, 'node CA certificate has expired: peers will reject this node');
  } else if (left < CA_EXPIRY_WARNING_MS) {
    log.warn({ nodeId: ca.nodeId, notAfter: notAfter.toISOString() }, 'node CA certificate expires soon');
  }
}

