import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { G2gError } from '../errors';
import { MANIFEST_FILE } from './manifest';
import { PACKAGE_ROOT } from './plugin-entry';

/** The package's own drop-in directory (`plugins/` at the package root). */
export const PACKAGE_PLUGINS_DIR = path.join(PACKAGE_ROOT, 'plugins');

/** A directory configured in `pluginsDir` does not exist or cannot be read. */
export class PluginDirectoryError extends G2gError {
  readonly code = 'ERR_PLUGIN_DIR';
}

/**
 * Plugin folders, in a stable order: the package's `plugins/` first, then each configured
 * directory in the order given; within a directory, folders sorted by name. A directory is
 * itself a plugin folder when it holds `g2g-plugin.json`, else each immediate subdirectory that
 * holds one is (others — a README, node_modules — are ignored). A folder reached twice (the same
 * directory configured twice, a symlink) is listed once.
 */
export function discoverPluginFolders(configured: readonly string[], packageDir = PACKAGE_PLUGINS_DIR): string[] {
  const folders: string[] = [];
  const seen = new Set<string>();
  const add = (dir: string) => {
    const real = realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    folders.push(dir);
  };
  const scan = (dir: string, required: boolean) => {
    if (!existsSync(dir)) {
      if (required) throw new PluginDirectoryError(`plugin directory ${dir} (pluginsDir / G2G_PLUGINS_DIR / --plugins-dir) does not exist`);
      return;
    }
    let entries: string[];
    try {
      if (!statSync(dir).isDirectory()) throw new Error('not a directory');
      if (existsSync(path.join(dir, MANIFEST_FILE))) {
        add(dir);
        return;
      }
      entries = readdirSync(dir).sort();
    } catch (error) {
      throw new PluginDirectoryError(`plugin directory ${dir}: ${(error as Error).message}`);
    }
    for (const name of entries) {
      const folder = path.join(dir, name);
      if (existsSync(path.join(folder, MANIFEST_FILE))) add(folder);
    }
  };
  scan(packageDir, false);
  for (const dir of configured) scan(dir, true);
  return folders;
}
