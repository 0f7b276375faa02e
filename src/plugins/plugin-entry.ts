import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginClass } from './contract';
import { PluginFileMissingError, PluginLoadError } from './errors';

/** The package root (`dist/src/plugins/` → three levels up). */
export const PACKAGE_ROOT = path.resolve(__dirname, '../../..');

/**
 * Where a plugin's entry module is, as compiled JavaScript. First the folder itself
 * (`<dir>/<entry>`: a plugin shipped compiled). Then, for a folder inside the g2g package, the
 * same path under `dist/` — in-tree plugins (`plugins/kv`, `test/fixtures/plugins/echo`) are
 * TypeScript compiled by the root `tsc` into `dist/plugins/kv/index.js` etc., while their
 * manifest and protos stay in the source folder.
 */
export function entryCandidates(dir: string, entry: string): string[] {
  const candidates = [path.resolve(dir, entry)];
  const inPackage = path.relative(PACKAGE_ROOT, path.resolve(dir));
  if (inPackage !== '' && !inPackage.startsWith('..') && !path.isAbsolute(inPackage) && !inPackage.startsWith(`dist${path.sep}`)) {
    candidates.push(path.join(PACKAGE_ROOT, 'dist', inPackage, entry));
  }
  return candidates;
}

export function resolveEntry(plugin: string, dir: string, entry: string): string {
  const candidates = entryCandidates(dir, entry);
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new PluginFileMissingError(plugin, `entry module ${entry} not found (looked for ${candidates.join(', ')}; an in-tree TypeScript plugin needs \`npm run build\`)`);
  return found;
}

/**
 * Loads the entry module and returns its default-exported class. This runs the plugin's module
 * code, so it comes after every validation. CommonJS is `require`d; an ES module (`.mjs`, or
 * `.js` under `"type": "module"`) is imported.
 */
export async function loadPluginClass(plugin: string, file: string): Promise<PluginClass> {
  let loaded: unknown;
  try {
    loaded = require(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') {
      throw new PluginLoadError(plugin, `loading ${file} failed: ${(error as Error).message}`, { cause: error });
    }
    try {
      loaded = await importModule(pathToFileURL(file).href);
    } catch (inner) {
      throw new PluginLoadError(plugin, `loading ${file} failed: ${(inner as Error).message}`, { cause: inner });
    }
  }
  const candidate = defaultExport(loaded);
  if (typeof candidate !== 'function' || !candidate.prototype) {
    throw new PluginLoadError(plugin, `${file} has no default-exported class (export default class … implements G2gPlugin)`);
  }
  return candidate as PluginClass;
}

/** `export default class` compiled to CommonJS, an ES module namespace, or `module.exports = class`. */
function defaultExport(loaded: unknown): unknown {
  if (typeof loaded === 'function') return loaded;
  if (typeof loaded !== 'object' || loaded === null) return undefined;
  const first = (loaded as { default?: unknown }).default;
  if (typeof first === 'object' && first !== null && typeof (first as { default?: unknown }).default === 'function') {
    return (first as { default: unknown }).default;
  }
  return first;
}

/**
 * A real dynamic `import()`: TypeScript compiling to CommonJS would turn a literal `import()`
 * into `require()`, which cannot load ES modules.
 */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
