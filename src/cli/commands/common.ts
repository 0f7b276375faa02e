import { Option, type Command } from 'commander';
import { configFlags, loadConfig, type ConfigSources, type G2gConfig } from '../../config';
import { durationProblem, parseDuration } from '../../config/formats';
import type { AdminClient } from '../../proto/generated/g2g/v1/Admin';
import { connectAdmin } from '../admin-client';
import { UsageError } from '../cli-error';

/**
 * Adds every config key as a `--kebab-case` flag, with its doc and env var in the help. Plugin
 * keys (`--plugin-<name>-<key> <value>`) come from the plugins' manifests, unknown here: they
 * are let through and collected by {@link configFromOptions}.
 */
export function addConfigOptions(command: Command): Command {
  for (const flag of configFlags()) {
    // Boolean keys work as switches (`--stay-after-removal`) and still take a value (`--plugins-fail-on-error false`).
    const value = flag.boolean ? '[value]' : '<value>';
    command.addOption(new Option(`--${flag.flag} ${value}`, `${flag.doc} [env ${flag.env}; default ${flag.defaultText}]`));
  }
  return command.allowUnknownOption().allowExcessArguments();
}

/**
 * Resolves config from the command's flags (`args`: what commander did not recognise, i.e.
 * plugin flags) and the process environment (throws ConfigError or UsageError).
 */
export function configFromOptions(options: Record<string, unknown>, args: readonly string[] = []): G2gConfig {
  return loadConfig(configSources(options, args));
}

/** The command's flags and the process environment, as the config loader takes them. */
export function configSources(options: Record<string, unknown>, args: readonly string[] = []): ConfigSources {
  const flags: Record<string, string | undefined> = {};
  for (const flag of configFlags()) {
    const value = options[camel(flag.flag)];
    if (typeof value === 'string') flags[flag.flag] = value;
    else if (value === true) flags[flag.flag] = 'true';
  }
  Object.assign(flags, pluginFlags(args));
  return { flags, env: process.env, cwd: process.cwd() };
}

/** `--plugin-<name>-<key> value` or `--plugin-<name>-<key>=value`; anything else is a usage error. */
export function pluginFlags(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const match = /^--(plugin-[a-z0-9-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) throw new UsageError(arg.startsWith('-') ? `unknown option '${arg}'` : `unexpected argument '${arg}'`);
    const [, flag, inline] = match;
    if (inline !== undefined) {
      out[flag!] = inline;
    } else if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) {
      out[flag!] = args[++i]!;
    } else {
      throw new UsageError(`option '--${flag}' needs a value`);
    }
  }
  return out;
}

/** Options of commands that talk to a running node. */
export function addTargetOptions(command: Command): Command {
  return command
    .addOption(new Option('--data-dir <dir>', 'data directory of the node on this host [env G2G_DATA_DIR]'))
    .addOption(new Option('--addr <host:port>', 'gossip port of another node (needs --credentials)'))
    .addOption(new Option('--credentials <dir>', 'directory written by `g2g credentials` (cert.pem, key.pem, ca.pem)'))
    .addOption(new Option('--timeout <duration>', 'deadline for the call, with a unit (500ms, 5s, 1m)').default('5s'))
    .addOption(new Option('--json', 'print JSON (an object; docs/cli.md lists each schema)'));
}

/**
 * A duration flag's value in milliseconds. Bare numbers are refused with one line: `--ttl 90`
 * used to mean 90 ms and made tokens that had expired when they were printed.
 */
export function durationFlag(flag: string, text: string, options: { zero?: boolean } = {}): number {
  const ms = parseDuration(text);
  const problem = ms === undefined ? durationProblem(text) : ms === 0 && !options.zero ? 'must be longer than 0' : undefined;
  if (problem !== undefined) throw new UsageError(`${flag}: ${problem}, got "${text}"`);
  return ms!;
}

export interface TargetOptions {
  dataDir?: string;
  addr?: string;
  credentials?: string;
  timeout?: string;
  json?: boolean;
}

const DEFAULT_TIMEOUT_MS = 5000;

export function targetFromOptions(options: TargetOptions): { dataDir: string; addr?: string; credentialsDir?: string; timeoutMs: number } {
  const config = loadConfig({ flags: { 'data-dir': options.dataDir }, env: process.env, cwd: process.cwd() });
  // Callers without a deadline of their own pass '0' (no call to make): the default applies.
  const timeoutMs = options.timeout === undefined || options.timeout === '0' ? DEFAULT_TIMEOUT_MS : durationFlag('--timeout', options.timeout);
  return { dataDir: config.dataDir, addr: options.addr, credentialsDir: options.credentials, timeoutMs };
}

/** Runs `fn` with an Admin client for the targeted node, and closes the client afterwards. */
export async function withAdmin(options: TargetOptions, fn: (client: AdminClient, timeoutMs: number) => Promise<void>): Promise<void> {
  const target = targetFromOptions(options);
  const client = await connectAdmin(target);
  try {
    await fn(client, target.timeoutMs);
  } finally {
    client.close();
  }
}

function camel(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
