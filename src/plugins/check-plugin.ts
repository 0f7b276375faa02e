import path from 'node:path';
import { g2gPackageDefinition, healthPackageDefinition, SERVICE_NAMES } from '../proto/protos';
import { REFLECTION_SERVICES } from '../transport/reflection';
import { VERSION } from '../version';
import { PluginError } from './errors';
import { loadPluginClass } from './plugin-entry';
import { pluginConfigKeys } from './plugin-config';
import { validatePlugins } from './plugin-validation';

export type PluginCheck =
  | { ok: true; name: string; version: string; services: string[]; entry: string; configKeys: { key: string; env: string; flag: string; default: unknown }[] }
  | { ok: false; name: string; error: PluginError };

/**
 * `g2g plugins check DIR`: what a node would say about the plugin in `dir` before serving it —
 * manifest, host version, protos and declared services, type clashes with the host, the config
 * schema and its defaults, and that the entry module loads and exports a class — without
 * starting a node. The checks are the host's own (validatePlugins, loadPluginClass), so the
 * errors carry the same codes. Loading the entry runs the plugin's module code (not its class).
 */
export async function checkPlugin(dir: string, settings: { env?: Record<string, string> } = {}): Promise<PluginCheck> {
  const folder = path.resolve(dir);
  const result = validatePlugins({
    folders: [folder],
    enabled: [],
    disabled: [],
    hostVersion: VERSION,
    hostServices: [...Object.values(SERVICE_NAMES), ...REFLECTION_SERVICES],
    hostDefinitions: [g2gPackageDefinition(), healthPackageDefinition()],
    settings: { file: {}, env: settings.env ?? {}, flags: {} },
  });
  const plugin = result.plugins[0]!;
  if (plugin.status === 'invalid') return { ok: false, name: plugin.name, error: plugin.error };
  if (plugin.status !== 'valid') throw new Error(`unexpected plugin state ${plugin.status}`);
  try {
    await loadPluginClass(plugin.name, plugin.entryFile);
  } catch (error) {
    if (error instanceof PluginError) return { ok: false, name: plugin.name, error };
    throw error;
  }
  return {
    ok: true,
    name: plugin.name,
    version: plugin.manifest.version,
    services: [...plugin.protos.services.keys()],
    entry: plugin.entryFile,
    configKeys: pluginConfigKeys(plugin.manifest).map((k) => ({ key: k.path, env: k.env, flag: `--${k.flag}`, default: k.default })),
  };
}
