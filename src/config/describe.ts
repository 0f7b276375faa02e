import { formatBytes, formatDuration } from './formats';
import { profiles } from './profiles';
import type { ExplainedConfig } from './load-config';
import { CONFIG_KEYS, configSchema, PROFILES, type ConfigKey, type G2gConfig, type KeySchema } from './schema';

export interface ConfigFlag {
  /** Flag name without dashes: `data-dir`. */
  flag: string;
  /** Key in G2gConfig: `dataDir`. */
  key: ConfigKey;
  env: string;
  doc: string;
  /** The default as a user would type it: `1h`, `off`, `~/.g2g`. */
  defaultText: string;
  sensitive: boolean;
  /** A true/false key: the CLI accepts the bare flag as true. */
  boolean: boolean;
}

/** Every key as a command-line option, for the CLI to register with its help text. */
export function configFlags(): ConfigFlag[] {
  return CONFIG_KEYS.map((key) => {
    const item = configSchema[key] as KeySchema<unknown>;
    return { flag: item.arg, key, env: item.env, doc: item.doc, defaultText: defaultText(key), sensitive: item.sensitive === true, boolean: item.format === 'g2g-boolean' };
  });
}

const MASK = '[masked]';

/** The config with every sensitive key that holds a value replaced by `"[masked]"`, for printing and logs. */
export function printableConfig(config: G2gConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const key of CONFIG_KEYS) {
    if (configSchema[key].sensitive === true && out[key] !== '') out[key] = MASK;
  }
  // Which plugin keys are sensitive is known only to the plugins' schemas: show where settings
  // come from, never their values.
  out.plugins = {
    file: Object.fromEntries(Object.entries(config.plugins.file).map(([name, section]) => [name, Object.keys(section)])),
    env: Object.keys(config.plugins.env),
    flags: Object.keys(config.plugins.flags).map((f) => `--${f}`),
  };
  return out;
}

/**
 * `g2g config`: one `key = value  (source)` line per key, values written as a person would type
 * them, in the units they were entered in (`90s` stays `90s`; defaults as `1h`, `64MiB`), secrets
 * masked. Plugin settings are listed by name only, as in {@link printableConfig}.
 */
export function configText({ config, origins }: ExplainedConfig): string {
  const printable = printableConfig(config);
  const width = Math.max(...CONFIG_KEYS.map((key) => key.length));
  const lines = CONFIG_KEYS.map((key) => {
    const origin = origins[key];
    const masked = printable[key] === MASK;
    const value = masked ? MASK : origin.text !== undefined && !Array.isArray(config[key]) ? origin.text : valueText(key, config[key]);
    return `${key.padEnd(width)} = ${value === '' ? '""' : value}  (${origin.source})`;
  });
  const plugins = printable.plugins as { file: Record<string, string[]>; env: string[]; flags: string[] };
  const names = [...Object.entries(plugins.file).flatMap(([name, keys]) => keys.map((k) => `${name}.${k} (file)`)), ...plugins.env, ...plugins.flags];
  if (names.length > 0) lines.push(`${'plugins'.padEnd(width)} = ${names.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** Markdown reference of every key and of the profiles, for docs/configuration.md. */
export function describeConfig(): string {
  const rows = CONFIG_KEYS.map((key) => {
    const item = configSchema[key] as KeySchema<unknown>;
    return row([`\`${key}\``, `\`${item.env}\``, `\`--${item.arg}\``, `\`${defaultText(key)}\``, item.doc]);
  });
  const profileRows = PROFILES.map((name) => {
    const overrides = Object.entries(profiles[name]) as Array<[ConfigKey, unknown]>;
    const text = overrides.length === 0
      ? 'schema defaults'
      : overrides.map(([key, value]) => `\`${key}\` = \`${valueText(key, value)}\``).join(', ');
    return row([`\`${name}\``, text]);
  });
  return [
    'Precedence, lowest first: schema default < profile < config file (JSON) < environment < flags.',
    '',
    row(['key', 'env', 'flag', 'default', 'description']),
    row(['---', '---', '---', '---', '---']),
    ...rows,
    '',
    row(['profile', 'overrides']),
    row(['---', '---']),
    ...profileRows,
    '',
  ].join('\n');
}

function row(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

function defaultText(key: ConfigKey): string {
  const item = configSchema[key] as KeySchema<unknown>;
  return item.defaultText ?? valueText(key, item.default);
}

/** A value as a user would write it in an env var or flag. */
function valueText(key: ConfigKey, value: unknown): string {
  if (value === null) return 'off';
  if (configSchema[key].format === 'g2g-duration' && typeof value === 'number') return formatDuration(value);
  if (configSchema[key].format === 'g2g-bytes' && typeof value === 'number') return formatBytes(value);
  if (key === 'tags' && Array.isArray(value)) return (value as Array<{ key: string; value: string }>).map((t) => `${t.key}=${t.value}`).join(',');
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}
