import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import convict from 'convict';
import { ConfigError } from '../errors';
import { defaultNodeName } from './node-tags';
import { parseTicket } from '../tokens/join-ticket';
import { bareNumberProblem, formatDuration, formats, registerFormats } from './formats';
import { profiles } from './profiles';
import { CONFIG_KEYS, configSchema, convictSchema, keyLabel, PROFILES, type ConfigKey, type G2gConfig, type KeySchema, type ProfileName } from './schema';

export interface ConfigSources {
  /**
   * Flag values keyed by flag name without dashes (`'data-dir'`, as in `configFlags()`);
   * `undefined` means "not given". Any other name is a problem, so a caller that passes
   * commander's camelCase `opts()` by mistake hears about it.
   */
  flags?: Record<string, string | undefined>;
  /** The environment; only the schema's `G2G_*` names are read. Omitted means empty: pass `process.env` explicitly. */
  env?: NodeJS.ProcessEnv;
  /** Where relative `configFile` and `dataDir` paths are resolved; defaults to `process.cwd()`. */
  cwd?: string;
}

/** Values one source supplies, before coercion, and how a problem names that source. */
interface Layer {
  readonly source: string;
  readonly values: ReadonlyMap<ConfigKey, unknown>;
  /** Values people wrote (file, env, flags), as opposed to a profile's: durations and sizes need a unit. */
  readonly typed?: boolean;
}

/** Where the effective value of a key came from, and how it was written there (`g2g config`). */
export interface ConfigOrigin {
  /** `from the environment`, `from config file /etc/g2g.json`, ...; `default` for the schema's. */
  readonly source: string;
  /** The value as written in that source (`90s` stays `90s`); undefined for profile and default values. */
  readonly text?: string;
}

export interface ExplainedConfig {
  readonly config: G2gConfig;
  readonly origins: Readonly<Record<ConfigKey, ConfigOrigin>>;
}

const NO_VALUES: ReadonlyMap<ConfigKey, unknown> = new Map();

/**
 * Resolves the configuration: schema default < profile < config file < env < flags.
 *
 * Every source is validated on its own, not just the merged result, so a bad value that a
 * higher source happens to override still fails, and each problem says where the value came
 * from. All problems — bad values, unknown keys in the file, an unreadable file, cross-key
 * checks — are collected and thrown as one ConfigError.
 */
export function loadConfig(sources: ConfigSources = {}): G2gConfig {
  return explainConfig(sources).config;
}

/** {@link loadConfig}, plus where each key's value came from and how it was written there. */
export function explainConfig(sources: ConfigSources = {}): ExplainedConfig {
  registerFormats();
  const env = sources.env ?? {};
  const cwd = sources.cwd ?? process.cwd();
  const problems: string[] = [];

  const plugins = { file: {} as Record<string, Record<string, unknown>>, env: {} as Record<string, string>, flags: {} as Record<string, string> };
  const flagLayer = readFlags(sources.flags ?? {}, problems, plugins.flags);
  const envLayer = readEnv(env, plugins.env);
  const fileLayer = readConfigFile(highest('configFile', [flagLayer, envLayer]), cwd, problems, plugins.file);
  const profileLayer = profileOverrides(highest('profile', [flagLayer, envLayer, fileLayer]));
  const layers = [profileLayer, fileLayer, envLayer, flagLayer];

  for (const key of CONFIG_KEYS) {
    for (const layer of layers) {
      if (!layer.values.has(key)) continue;
      const problem = checkValue(key, layer.values.get(key), layer.source, layer.typed === true);
      if (problem !== undefined) problems.push(problem);
    }
  }

  // convict merges: defaults and env at construction, env re-applied after each load() (so env
  // beats profile and file), then flags on top. Flags go through set() rather than convict's
  // `args`, whose yargs-parser would turn `--gossip-port=0x10` into 16 and "1e3" into 1000.
  const config = convict(convictSchema(), { env, args: [] });
  config.load(Object.fromEntries(profileLayer.values));
  config.load(Object.fromEntries(fileLayer.values));
  for (const [key, value] of flagLayer.values) config.set(key as string, value);
  const merged = config.getProperties() as Omit<G2gConfig, 'plugins'>;

  problems.push(...crossKeyProblems(merged));
  if (problems.length > 0) throw new ConfigError(problems);

  // Cannot fail after the checks above unless they and convict disagree; kept as a guard.
  try {
    config.validate({ allowed: 'strict' });
  } catch (err) {
    throw new ConfigError((err as Error).message.split('\n'));
  }
  const origins = {} as Record<ConfigKey, ConfigOrigin>;
  for (const key of CONFIG_KEYS) {
    const layer = [...layers].reverse().find((l) => l.values.has(key));
    const raw = layer?.values.get(key);
    origins[key] = layer ? { source: layer.source, ...(layer.typed && typeof raw === 'string' ? { text: raw.trim() } : {}) } : { source: 'default' };
  }
  const resolved: G2gConfig = {
    ...merged,
    dataDir: resolvePath(merged.dataDir, cwd),
    nodeName: merged.nodeName === '' ? defaultNodeName() : merged.nodeName,
    configFile: merged.configFile === '' ? '' : resolvePath(merged.configFile, cwd),
    pluginsDir: merged.pluginsDir.map((dir) => resolvePath(dir, cwd)),
    plugins,
  };
  return { config: resolved, origins };
}

/** Flags and env vars of plugin settings; which plugin key each one sets is known only at start. */
const PLUGIN_FLAG_PREFIX = 'plugin-';
const PLUGIN_ENV_PREFIX = 'G2G_PLUGIN_';

function readFlags(flags: Record<string, string | undefined>, problems: string[], pluginFlags: Record<string, string>): Layer {
  const byFlag = new Map(CONFIG_KEYS.map((key) => [configSchema[key].arg, key]));
  const values = new Map<ConfigKey, unknown>();
  for (const [flag, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    const key = byFlag.get(flag);
    if (key === undefined && flag.startsWith(PLUGIN_FLAG_PREFIX) && flag.length > PLUGIN_FLAG_PREFIX.length) {
      pluginFlags[flag] = value;
    } else if (key === undefined) {
      problems.push(`--${flag}: not a g2g setting${suggest(flag, (k) => `--${configSchema[k].arg}`)}`);
    } else {
      values.set(key, value);
    }
  }
  return { source: 'from the command line', values, typed: true };
}

function readEnv(env: NodeJS.ProcessEnv, pluginEnv: Record<string, string>): Layer {
  const values = new Map<ConfigKey, unknown>();
  for (const key of CONFIG_KEYS) {
    const value = env[configSchema[key].env];
    if (value !== undefined) values.set(key, value);
  }
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(PLUGIN_ENV_PREFIX) && value !== undefined) pluginEnv[name] = value;
  }
  return { source: 'from the environment', values, typed: true };
}

function readConfigFile(configured: unknown, cwd: string, problems: string[], pluginSections: Record<string, Record<string, unknown>>): Layer {
  const label = keyLabel('configFile');
  // An empty setting has nothing to read; an invalid one is reported with the other values.
  if (typeof configured !== 'string' || configured === '' || !isValid('configFile', configured)) {
    return { source: '', values: NO_VALUES };
  }
  const file = resolvePath(configured, cwd);
  const source = `from config file ${file}`;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    problems.push(`${label}: cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    return { source, values: NO_VALUES };
  }
  let parsed: unknown;
  try {
    // An empty file is an empty set of settings, not an error (`touch g2g.json` then fill in).
    const body = text.replace(/^\uFEFF/, '');
    parsed = body.trim() === '' ? {} : JSON.parse(body);
  } catch (err) {
    problems.push(`${label}: ${file} is not valid JSON: ${(err as Error).message}`);
    return { source, values: NO_VALUES };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const found = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    problems.push(`${label}: ${file} must hold a JSON object of settings, found ${found}`);
    return { source, values: NO_VALUES };
  }

  const values = new Map<ConfigKey, unknown>();
  for (const [name, value] of Object.entries(parsed)) {
    if (name === 'configFile') {
      problems.push(`configFile: cannot be set inside the config file (${file}); use G2G_CONFIG or --config`);
    } else if (name === 'plugins') {
      readPluginSections(value, file, problems, pluginSections);
    } else if (Object.prototype.hasOwnProperty.call(configSchema, name)) {
      values.set(name as ConfigKey, value);
    } else {
      problems.push(`${name}: unknown key in config file ${file}${suggest(name, (k) => k)}`);
    }
  }
  return { source, values, typed: true };
}

/** `"plugins": { "<name>": { ... } }`: each section is checked against its plugin's schema at start. */
function readPluginSections(value: unknown, file: string, problems: string[], out: Record<string, Record<string, unknown>>): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`plugins: must be an object of plugin sections ({ "<plugin>": { "<key>": value } }) in config file ${file}`);
    return;
  }
  for (const [plugin, section] of Object.entries(value)) {
    if (typeof section !== 'object' || section === null || Array.isArray(section)) {
      problems.push(`plugins.${plugin}: must be an object of that plugin's settings in config file ${file}`);
    } else {
      out[plugin] = section as Record<string, unknown>;
    }
  }
}

function profileOverrides(selected: unknown): Layer {
  const name = selected ?? configSchema.profile.default;
  // An unknown profile name is reported by checkValue; apply no overrides for it.
  if (!PROFILES.includes(name as ProfileName)) return { source: '', values: NO_VALUES };
  const overrides = profiles[name as ProfileName].config;
  return { source: `from profile "${String(name)}"`, values: new Map(Object.entries(overrides) as Array<[ConfigKey, unknown]>) };
}

/** The value of `key` from the highest-precedence layer that sets it (layers listed high to low). */
function highest(key: ConfigKey, layers: Layer[]): unknown {
  return layers.find((layer) => layer.values.has(key))?.values.get(key);
}

/** The validation problem of one value from one source, or undefined when it is valid. */
function checkValue(key: ConfigKey, raw: unknown, source: string, typed: boolean): string | undefined {
  const item = configSchema[key] as KeySchema<unknown>;
  const bare = typed ? bareNumberProblem(item.format, raw) : undefined;
  if (bare) return `${keyLabel(key)}: ${bare}, got ${shown(item, raw)} (${source})`;
  const value = typeof raw === 'string' ? coerce(item, raw) : raw;
  try {
    validate(item, value);
    return undefined;
  } catch (err) {
    return `${keyLabel(key)}: ${(err as Error).message}, got ${shown(item, raw)} (${source})`;
  }
}

function coerce(item: KeySchema<unknown>, raw: string): unknown {
  if (typeof item.format !== 'string') return raw;
  const format = formats[item.format];
  return 'coerce' in format ? format.coerce(raw) : raw;
}

/** The same check convict's validate() applies, called directly so the problem stays per key. */
function validate(item: KeySchema<unknown>, value: unknown): void {
  if (typeof item.format === 'string') {
    formats[item.format].validate(value, item);
  } else if (!item.format.includes(value as string)) {
    throw new Error(`must be one of ${item.format.join(', ')}`);
  }
}

function isValid(key: ConfigKey, value: unknown): boolean {
  try {
    validate(configSchema[key] as KeySchema<unknown>, value);
    return true;
  } catch {
    return false;
  }
}

function shown(item: KeySchema<unknown>, raw: unknown): string {
  if (item.sensitive) return '[masked]';
  const text = JSON.stringify(raw) ?? String(raw);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** ` (did you mean X?)` when `name` is a key spelled another way: `gossip-port`, `G2G_GOSSIP_PORT`. */
function suggest(name: string, render: (key: ConfigKey) => string): string {
  const normal = (s: string): string => s.toLowerCase().replace(/^g2g_/, '').replace(/[^a-z0-9]/g, '');
  const match = CONFIG_KEYS.find((key) => normal(key) === normal(name));
  return match === undefined ? '' : ` (did you mean ${render(match)}?)`;
}

/** Checks between keys, each run only when the keys it reads hold valid values. */
function crossKeyProblems(c: Omit<G2gConfig, 'plugins'>): string[] {
  const problems: string[] = [];
  const valid = (...keys: ConfigKey[]): boolean => keys.every((key) => isValid(key, c[key]));

  // The rotator renews at leafLifetime × leafRenewFraction × (1 ± leafRenewJitter) (see
  // identity/leaf-rotator.ts); connections keep presenting the old leaf until they reach
  // maxConnectionAge, so all must be recycled before the latest possible renewal's old leaf expires.
  if (valid('maxConnectionAge', 'leafLifetime', 'leafRenewFraction', 'leafRenewJitter')) {
    const latestRenewal = c.leafRenewFraction * (1 + c.leafRenewJitter);
    const bound = c.leafLifetime * (1 - latestRenewal);
    if (latestRenewal >= 1) {
      problems.push(`${keyLabel('leafRenewFraction')}: leafRenewFraction × (1 + leafRenewJitter) must be below 1 so a leaf is renewed before it expires, got ${c.leafRenewFraction} × (1 + ${c.leafRenewJitter})`);
    } else if (c.maxConnectionAge >= bound) {
      problems.push(`${keyLabel('maxConnectionAge')}: must be less than leafLifetime × (1 − leafRenewFraction × (1 + leafRenewJitter)) = `
        + `${formatDuration(c.leafLifetime)} × (1 − ${c.leafRenewFraction} × ${1 + c.leafRenewJitter}) = ${formatDuration(Math.round(bound))}, `
        + `so connections move to a renewed leaf before the old one expires, got ${formatDuration(c.maxConnectionAge)}`);
    }
  }

  // A certificate cannot usefully outlive the CA that signed it.
  if (valid('caLifetime', 'leafLifetime') && c.caLifetime <= c.leafLifetime) {
    problems.push(`${keyLabel('caLifetime')}: must be longer than leafLifetime (${formatDuration(c.leafLifetime)}), `
      + `got ${formatDuration(c.caLifetime)}`);
  }

  if (valid('pluginsEnabled', 'pluginsDisabled')) {
    const both = c.pluginsEnabled.filter((name) => c.pluginsDisabled.includes(name));
    if (both.length > 0) problems.push(`${keyLabel('pluginsDisabled')}: ${both.join(', ')} also listed in pluginsEnabled; list each plugin in one of them`);
  }

  // 0 asks the OS for a port to listen on; nobody can dial it.
  if (valid('advertiseGossipPort') && c.advertiseGossipPort === 0) {
    problems.push(`${keyLabel('advertiseGossipPort')}: must be a port 1-65535 (or "off"), got 0`);
  }

  // Leaves switch to a rotated CA maxConnectionAge before the grace period ends, so connections
  // that carry a leaf of the old CA have aged out before it leaves the trust bundles; the time
  // before the switch is what the gossiped new CA has to reach every member.
  if (valid('caRotationGrace', 'maxConnectionAge') && c.caRotationGrace <= c.maxConnectionAge) {
    problems.push(`${keyLabel('caRotationGrace')}: must exceed maxConnectionAge (${formatDuration(c.maxConnectionAge)}), `
      + `so connections opened with a leaf of the old CA close before it stops being trusted, got ${formatDuration(c.caRotationGrace)}`);
  }

  problems.push(...ticketProblems(c, valid));
  problems.push(...portClashes(c, valid));
  return problems;
}

/**
 * The join ticket, checked whole before anything touches the data dir: a malformed ticket used
 * to be refused only after the node had made its CA, started and "left the network".
 * Its expiry is not checked here: a node that restarts through its known peers never uses it.
 * Messages never carry the token's secret (the ticket parser redacts).
 */
function ticketProblems(c: Omit<G2gConfig, 'plugins'>, valid: (...keys: ConfigKey[]) => boolean): string[] {
  if (!valid('join') || c.join === '') return [];
  let ticket;
  try {
    ticket = parseTicket(c.join);
  } catch (err) {
    return [`${keyLabel('join')}: ${(err as Error).message}`];
  }
  const problems: string[] = [];
  if (valid('cluster') && ticket.cluster !== undefined && ticket.cluster !== c.cluster) {
    problems.push(`${keyLabel('join')}: the ticket is for cluster "${ticket.cluster}" but this node is in cluster "${c.cluster}" (set G2G_CLUSTER=${ticket.cluster})`);
  }
  if (valid('mode') && ticket.mode === 'client' && c.mode === 'server') {
    problems.push(`${keyLabel('join')}: a client ticket cannot admit a server-mode node (set G2G_MODE=client, or nominate with --mode server)`);
  }
  return problems;
}

/** Two listeners on one port and overlapping addresses: the second would fail with EADDRINUSE at start. */
function portClashes(c: Omit<G2gConfig, 'plugins'>, valid: (...keys: ConfigKey[]) => boolean): string[] {
  const listeners: Array<[ConfigKey, ConfigKey]> = [
    ['registerPort', 'host'], ['gossipPort', 'host'], ['healthPort', 'healthHost'], ['metricsPort', 'metricsHost'],
  ];
  const bound = listeners
    .filter(([port, host]) => valid(port, host) && c[port] !== null && c[port] !== 0)
    .map(([port, host]) => ({ key: port, port: c[port] as number, host: c[host] as string }));
  const wildcard = (host: string): boolean => host === '0.0.0.0' || host === '::';
  const problems: string[] = [];
  bound.forEach((b, i) => {
    const earlier = bound.slice(0, i).find((a) => a.port === b.port && (a.host === b.host || wildcard(a.host) || wildcard(b.host)));
    if (earlier !== undefined) {
      problems.push(`${keyLabel(b.key)}: port ${b.port} on ${b.host} clashes with ${earlier.key} on ${earlier.host}`);
    }
  });
  return problems;
}

function resolvePath(p: string, cwd: string): string {
  const expanded = p === '~' ? os.homedir() : p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
  return path.resolve(cwd, expanded);
}
