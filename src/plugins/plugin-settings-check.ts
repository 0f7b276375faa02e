import type { G2gConfig } from '../config';
import { ConfigError } from '../errors';
import { discoverPluginFolders, PACKAGE_PLUGINS_DIR } from './discovery';
import { PluginConfigError } from './errors';
import { readManifest } from './manifest';
import { pluginConfigKeys, resolvePluginConfig, type PluginConfigKey } from './plugin-config';
import type { PluginManifest } from './contract';
import { checkFlags } from './plugin-validation';

/**
 * The plugins' settings checked as part of the configuration, before the node creates or touches
 * anything in its data dir: a `--plugin-*` flag that sets no key, and each enabled plugin's config
 * section (a bare number for a duration, a value out of range). Throws ConfigError (exit 2), as the
 * node's own keys do. Reads manifests only; every other plugin problem (a missing entry, a bad
 * proto) is left to the plugin host, which reports it the way pluginsFailOnError says.
 */
export function checkPluginSettings(config: Pick<G2gConfig, 'pluginsDir' | 'pluginsEnabled' | 'pluginsDisabled' | 'plugins'>, packageDir = PACKAGE_PLUGINS_DIR): void {
  let folders: string[];
  try {
    folders = discoverPluginFolders(config.pluginsDir, packageDir);
  } catch {
    return;
  }
  const manifests: PluginManifest[] = [];
  const keys: PluginConfigKey[] = [];
  for (const dir of folders) {
    try {
      const manifest = readManifest(dir);
      keys.push(...pluginConfigKeys(manifest));
      manifests.push(manifest);
    } catch {
      // An unreadable manifest or schema is the host's to report.
    }
  }
  checkFlags(config.plugins, keys);
  const named = (name: string) => manifests.filter((m) => m.name === name).length;
  const problems: string[] = [];
  for (const manifest of manifests) {
    const off = config.pluginsDisabled.includes(manifest.name) || (config.pluginsEnabled.length > 0 && !config.pluginsEnabled.includes(manifest.name));
    // Two folders with one name: neither runs, and the host says why.
    if (off || named(manifest.name) > 1) continue;
    try {
      resolvePluginConfig(manifest, config.plugins);
    } catch (error) {
      if (error instanceof PluginConfigError) problems.push(error.message);
      else throw error;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
