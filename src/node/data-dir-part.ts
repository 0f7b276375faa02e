import fs from 'node:fs/promises';
import { lockDataDir, type DataDirLock } from './data-dir-lock';
import { DataDirNotADirectoryError } from './errors';
import { removeRuntimeFacts } from './runtime-file';
import type { Startable } from './startable';

/**
 * The node's hold on its data dir, the first part to start and the last to stop: created (0700)
 * if missing and locked before anything reads or writes it (a second node on it would rewrite
 * the live one's files: kv snapshot and log, membership, runtime.json). At stop the runtime facts
 * go and the lock is released — only by its owner (a refused second start never got the lock).
 */
export function dataDirPart(dataDir: string): Startable {
  let lock: DataDirLock | undefined;
  return {
    name: 'data dir',
    start: async () => {
      await makeDataDir(dataDir);
      lock = await lockDataDir(dataDir);
    },
    stop: async () => {
      if (!lock) return;
      const held = lock;
      lock = undefined;
      await removeRuntimeFacts(dataDir, process.pid).catch(() => undefined);
      await held.release();
    },
  };
}

/** Creates the data dir (0700) if missing; a path that is not a directory is one clear line. */
async function makeDataDir(dataDir: string): Promise<void> {
  try {
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new DataDirNotADirectoryError(`data dir ${dataDir} is not a directory (a file is in the way): give --data-dir (G2G_DATA_DIR) a directory`, { cause: error });
    }
    throw error;
  }
}
