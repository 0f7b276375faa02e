import convict from 'convict';
import type { PluginSettings } from '../config/schema';
import { bareNumberProblem, registerFormats } from '../config/formats';
import type { PluginManifest } from './contract';
import { PluginConfigError, PluginManifestError } from './errors';

/**
 * A plugin's config section `plugins.<name>`: the convict schema in its manifest, settable like
 * the host's own keys, lowest precedence first:
 *
 *   schema default < config file `"plugins": { "<name>": { "<key>": … } }`
 *                  < env `G2G_PLUGIN_<NAME>_<KEY>` < flag `--plugin-<name>-<key>`
 *
 * `<NAME>` is the plugin name upper-cased with `-` → `_`; `<KEY>` the key path in UPPER_SNAKE
 * (`maxValueBytes` → `MAX_VALUE_BYTES`, nested `store.path` → `STORE_PATH`); flags use kebab case
 * (`--plugin-kv-max-value-bytes`). Formats: convict's built-ins (`String`, `Number`, `Boolean`,
 * `Array`, `int`, `nat`, `port`, `*`, an array of allowed values) and the host's `g2g-*` formats
 * (`g2g-duration` takes `30s`, `5m`, …; `g2g-bytes` takes `512B`, `64KiB`, …; both refuse bare numbers, a JSON
 * number in the config file included, as the host's own keys do). Every key needs a `doc` and a `default`; `env` and `arg`
 * are assigned by the host.
 */
export interface PluginConfigKey {
  /** Dotted path inside the section (`store.path`). */
  path: string;
  env: string;
  /** Without dashes in front. */
  flag: string;
  doc: string;
  default: unknown;
  /** The convict format (`g2g-duration`, `g2g-bytes`, …), if the schema names one. */
  format: unknown;
  sensitive: boolean;
}

const KEY_NAME = /^[a-zA-Z][a-zA-Z0-9]*$/;
const RESERVED = ['env', 'arg'];

/** The keys of a manifest's config schema, with the env var and flag that set each. Throws on a bad schema. */
export function pluginConfigKeys(manifest: PluginManifest): PluginConfigKey[] {
  const keys: PluginConfigKey[] = [];
  const problems: string[] = [];
  const envInfix = manifest.name.toUpperCase().replace(/-/g, '_');
  const walk = (node: Record<string, unknown>, trail: string[]) => {
    for (const [name, value] of Object.entries(node)) {
      const at = [...trail, name];
      const where = `config.${at.join('.')}`;
      if (!KEY_NAME.test(name)) {
        problems.push(`${where}: key names must be letters and digits starting with a letter (they become env var and flag names)`);
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push(`${where}: must be an object: a key ({ "doc", "default", "format" }) or a group of keys`);
        continue;
      }
      const item = value as Record<string, unknown>;
      if (!('default' in item)) {
        walk(item, at);
        continue;
      }
      if (typeof item.doc !== 'string' || item.doc.trim() === '') problems.push(`${where}: needs a "doc" saying what it does and what it trades off`);
      for (const reserved of RESERVED) {
        if (reserved in item) problems.push(`${where}: "${reserved}" is assigned by the host (G2G_PLUGIN_${envInfix}_… / --plugin-${manifest.name}-…)`);
      }
      keys.push({
        path: at.join('.'),
        env: `G2G_PLUGIN_${envInfix}_${at.map(upperSnake).join('_')}`,
        flag: `plugin-${manifest.name}-${at.map(kebab).join('-')}`,
        doc: typeof item.doc === 'string' ? item.doc : '',
        default: item.default,
        format: item.format,
        sensitive: item.sensitive === true,
      });
    }
  };
  walk(manifest.config ?? {}, []);
  if (problems.length === 0) {
    // convict refuses unknown formats and malformed items when the schema is built.
    try {
      buildConfig(manifest);
    } catch (error) {
      problems.push(`config: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new PluginManifestError(manifest.name, problems.join('; '));
  return keys;
}

/**
 * The validated config section of a plugin (defaults filled in), from the raw settings. Unknown
 * keys in the file section are errors, as for the host's own keys.
 */
export function resolvePluginConfig(manifest: PluginManifest, settings: PluginSettings): Record<string, unknown> {
  const keys = pluginConfigKeys(manifest);
  const config = buildConfig(manifest);
  const problems: string[] = [];
  const section = settings.file[manifest.name];
  problems.push(...bareNumbers(manifest.name, keys, section));
  try {
    if (section && problems.length === 0) config.load(section);
    for (const key of keys) {
      const fromEnv = settings.env[key.env];
      if (fromEnv !== undefined) config.set(key.path, fromEnv);
      const fromFlag = settings.flags[key.flag];
      if (fromFlag !== undefined) config.set(key.path, fromFlag);
    }
    config.validate({ allowed: 'strict' });
  } catch (error) {
    problems.push(...(error as Error).message.split('\n').filter((line) => line.trim() !== ''));
  }
  if (problems.length > 0) {
    throw new PluginConfigError(manifest.name, `invalid config section plugins.${manifest.name}: ${problems.join('; ')}`);
  }
  return config.getProperties() as Record<string, unknown>;
}

/**
 * A JSON number in the file for a duration or size key is as ambiguous as a bare number in a
 * flag (90 seconds or 90 ms?): refused with the units to write, before convict would take it as
 * milliseconds or bytes. Env vars and flags are strings, which the formats themselves refuse.
 */
function bareNumbers(plugin: string, keys: readonly PluginConfigKey[], section: unknown): string[] {
  const problems: string[] = [];
  for (const key of keys) {
    const raw = key.path.split('.').reduce<unknown>((node, name) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[name] : undefined), section);
    const bare = bareNumberProblem(key.format, raw);
    if (bare) problems.push(`plugins.${plugin}.${key.path}: ${bare}, got ${String(raw)} (config file)`);
  }
  return problems;
}

function buildConfig(manifest: PluginManifest): convict.Config<Record<string, unknown>> {
  registerFormats();
  return convict((manifest.config ?? {}) as convict.Schema<Record<string, unknown>>, { env: {}, args: [] });
}

function upperSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function kebab(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
