import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface WriteFileAtomicOptions {
  /**
   * Fail with EEXIST instead of replacing an existing file. The final step is then `link(2)`,
   * which, unlike `rename(2)`, never clobbers; so two processes racing to create the same file
   * cannot silently overwrite each other.
   */
  exclusive?: boolean;
}

/**
 * Writes `data` so that `path` holds either its old content or all of `data`, never a torn mix,
 * even across a crash: write a temp file in the same directory (same filesystem, so the rename is
 * atomic) created with `mode`, fsync it, move it into place, then fsync the directory so the new
 * name itself is durable. The temp file is removed on failure.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  mode: number,
  opts: WriteFileAtomicOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': never follow or reuse something already at the temp name.
  const fh = await open(tmp, 'wx', mode);
  try {
    try {
      await fh.writeFile(data);
      await fh.chmod(mode); // open()'s mode is filtered by the umask; the caller asked for exactly this one
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (opts.exclusive) {
      await link(tmp, path);
      await unlink(tmp);
    } else {
      await rename(tmp, path);
    }
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDirectory(dir);
}

async function fsyncDirectory(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (err) {
    // Some platforms (Windows) and filesystems cannot open or fsync a directory; the rename has
    // still happened, only its durability across a power loss is weaker there.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'ENOTSUP') throw err;
  } finally {
    await fh?.close();
  }
}
