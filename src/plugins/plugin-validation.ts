import path from 'node:path';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { PluginSettings } from '../config/schema';
import { ConfigError, type G2gError } from '../errors';
import type { PluginManifest } from './contract';
import { DescriptorCatalog } from './descriptor-catalog';
import {
  PluginDuplicateNameError,
  PluginDuplicateServiceError,
  PluginError,
  PluginNotFoundError,
  PluginProtoClashError,
} from './errors';
import { checkHostVersion, readManifest } from './manifest';
import { pluginConfigKeys, resolvePluginConfig, type PluginConfigKey } from './plugin-config';
import { resolveEntry } from './plugin-entry';
import { loadPluginProtos, type PluginProtos } from './plugin-protos';

export interface ValidationInput {
  /** Plugin folders in discovery order. */
  folders: readonly string[];
  /** Names to run; empty: all. */
  enabled: readonly string[];
  disabled: readonly string[];
  hostVersion: string;
  /** Services the host serves itself (a plugin may not take their names). */
  hostServices: readonly string[];
  /** The host's own package definitions (their types cannot be redefined differently). */
  hostDefinitions: readonly PackageDefinition[];
  settings: PluginSettings;
}

/** A plugin folder after validation. Only `valid` ones will have their code run. */
export type ValidatedPlugin =
  | { status: 'valid'; dir: string; name: string; manifest: PluginManifest; entryFile: string; protos: PluginProtos; config: Record<string, unknown> }
  | { status: 'disabled'; dir: string; name: string; manifest: PluginManifest }
  | { status: 'invalid'; dir: string; name: string; manifest?: PluginManifest; error: PluginError };

export interface ValidationResult {
  plugins: ValidatedPlugin[];
  /** Descriptors of the host and every valid plugin, merged for reflection. */
  catalog: DescriptorCatalog;
  /** `G2G_PLUGIN_*` variables that set no key of any plugin found (probably a typo). */
  unusedEnv: string[];
}

/**
 * Everything checked before any plugin code runs (Fastify's plugin-utils): manifest
 * schema, enabled/disabled, duplicate names, host version, the entry module and proto files,
 * the config schema, service names against the host's and each other's, protos that parse and
 * define the declared services, types that clash in reflection, and each config section. A
 * problem fails that plugin (or every plugin involved, for clashes), never the others; a
 * `--plugin-*` flag that matches no plugin's key fails the whole start (ConfigError), as an
 * unknown host flag does.
 */
export function validatePlugins(input: ValidationInput): ValidationResult {
  const found = input.folders.map((dir): Entry => {
    try {
      const manifest = readManifest(dir);
      return { status: 'read', dir, name: manifest.name, manifest };
    } catch (error) {
      return invalid(dir, (error as PluginError).plugin ?? path.basename(dir), error as PluginError);
    }
  });

  // Every key of every readable manifest (disabled ones included), to match env vars and flags.
  const allKeys: PluginConfigKey[] = [];
  for (const p of found) {
    if (p.status !== 'read') continue;
    try {
      allKeys.push(...pluginConfigKeys(p.manifest));
    } catch {
      // Reported below for the plugins that would run.
    }
  }
  checkFlags(input.settings, allKeys);
  const knownEnv = new Set(allKeys.map((k) => k.env));
  const unusedEnv = Object.keys(input.settings.env).filter((name) => !knownEnv.has(name));

  let plugins: Entry[] = found.map((p) => {
    if (!isCandidate(p)) return p;
    const off = input.disabled.includes(p.name) || (input.enabled.length > 0 && !input.enabled.includes(p.name));
    return off ? { status: 'disabled', dir: p.dir, name: p.name, manifest: p.manifest } : p;
  });
  for (const name of input.enabled) {
    if (!plugins.some((p) => p.status !== 'invalid' && p.name === name)) {
      plugins.push(invalid('', name, new PluginNotFoundError(name, `listed in pluginsEnabled but not found in ${input.folders.length === 0 ? 'any plugin directory' : 'the plugin directories'}`)));
    }
  }

  // Same name twice: neither runs (which one was meant is not ours to guess).
  const byName = groupBy(plugins.filter(isCandidate), (p) => p.name);
  plugins = plugins.map((p) => {
    const same = isCandidate(p) ? byName.get(p.name)! : [];
    if (same.length < 2) return p;
    return invalid(p.dir, p.name, new PluginDuplicateNameError(p.name, `declared by ${same.length} folders: ${same.map((s) => s.dir).join(', ')}`), p.manifest);
  });

  plugins = plugins.map((p) => {
    if (!isCandidate(p)) return p;
    try {
      checkHostVersion(p.manifest, input.hostVersion);
      resolveEntry(p.name, p.dir, p.manifest.entry);
      pluginConfigKeys(p.manifest);
      const taken = p.manifest.services.find((s) => input.hostServices.includes(s));
      if (taken) throw new PluginDuplicateServiceError(p.name, `service ${taken} is served by the host`);
      return p;
    } catch (error) {
      return invalid(p.dir, p.name, error as PluginError, p.manifest);
    }
  });

  const serviceOwners = new Map<string, string[]>();
  for (const p of plugins.filter(isCandidate)) {
    for (const s of p.manifest.services) serviceOwners.set(s, [...(serviceOwners.get(s) ?? []), p.name]);
  }
  plugins = plugins.map((p) => {
    if (!isCandidate(p)) return p;
    const shared = p.manifest.services.find((s) => serviceOwners.get(s)!.length > 1);
    if (!shared) return p;
    return invalid(p.dir, p.name, new PluginDuplicateServiceError(p.name, `service ${shared} is also declared by ${serviceOwners.get(shared)!.filter((n) => n !== p.name).join(', ')}`), p.manifest);
  });

  const catalog = new DescriptorCatalog();
  for (const definition of input.hostDefinitions) catalog.add('g2g', definition);
  const validated = plugins.map((p): ValidatedPlugin => {
    if (!isCandidate(p)) return p;
    try {
      const protos = loadPluginProtos(p.dir, p.manifest);
      const clash = catalog.clash(protos.definition);
      if (clash) {
        throw new PluginProtoClashError(p.name, `type ${clash.type} is also defined by ${clash.owner === 'g2g' ? 'the host' : `plugin ${clash.owner}`} with different content (use a proto package of your own, e.g. ${p.name.replace(/-/g, '_')}.v1)`);
      }
      const config = resolvePluginConfig(p.manifest, input.settings);
      catalog.add(p.name, protos.definition);
      return { status: 'valid', dir: p.dir, name: p.name, manifest: p.manifest, entryFile: resolveEntry(p.name, p.dir, p.manifest.entry), protos, config };
    } catch (error) {
      return invalid(p.dir, p.name, error as PluginError, p.manifest);
    }
  });
  return { plugins: validated, catalog, unusedEnv };
}

/** A manifest that was read and is so far fine. */
type Candidate = { status: 'read'; dir: string; name: string; manifest: PluginManifest };
type Entry = ValidatedPlugin | Candidate;

function isCandidate(p: Entry): p is Candidate {
  return p.status === 'read';
}

function invalid(dir: string, name: string, error: PluginError | G2gError, manifest?: PluginManifest): ValidatedPlugin {
  if (!(error instanceof PluginError)) throw error;
  return { status: 'invalid', dir, name, manifest, error };
}

/** A `--plugin-*` flag must set some plugin's key: a typo on the command line fails, as for host flags. */
export function checkFlags(settings: PluginSettings, keys: PluginConfigKey[]): void {
  const known = new Set(keys.map((k) => k.flag));
  const problems = Object.keys(settings.flags)
    .filter((flag) => !known.has(flag))
    .map((flag) => {
      const near = keys.find((k) => k.flag.replace(/-/g, '') === flag.replace(/-/g, ''));
      return `--${flag}: not a setting of any plugin found${near ? ` (did you mean --${near.flag}?)` : ''}`;
    });
  if (problems.length > 0) throw new ConfigError(problems);
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}
