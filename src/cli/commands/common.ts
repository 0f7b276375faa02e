import { Option, type Command } from 'commander';
import { configFlags, loadConfig, type G2gConfig } from '../../config';
import type { AdminClient } from '../../proto/generated/g2g/v1/Admin';
import { connectAdmin } from '../admin-client';

/** Adds every config key as a `--kebab-case` flag, with its doc and env var in the help. */
export function addConfigOptions(command: Command): Command {
  for (const flag of configFlags()) {
    command.addOption(new Option(`--${flag.flag} <value>`, `${flag.doc} [env ${flag.env}; default ${flag.defaultText}]`));
  }
  return command;
}

/** Resolves config from the command's flags and the process environment (throws ConfigError). */
export function configFromOptions(options: Record<string, unknown>): G2gConfig {
  const flags: Record<string, string | undefined> = {};
  for (const flag of configFlags()) {
    const value = options[camel(flag.flag)];
    if (typeof value === 'string') flags[flag.flag] = value;
  }
  return loadConfig({ flags, env: process.env, cwd: process.cwd() });
}

/** Options of commands that talk to a running node. */
export function addTargetOptions(command: Command): Command {
  return command
    .addOption(new Option('--data-dir <dir>', 'data directory of the node on this host [env G2G_DATA_DIR]'))
    .addOption(new Option('--addr <host:port>', 'gossip port of another node (needs --credentials)'))
    .addOption(new Option('--credentials <dir>', 'directory written by `g2g credentials` (cert.pem, key.pem, ca.pem)'))
    .addOption(new Option('--timeout <ms>', 'deadline for the call in milliseconds').default('5000'))
    .addOption(new Option('--json', 'print JSON'));
}

export interface TargetOptions {
  dataDir?: string;
  addr?: string;
  credentials?: string;
  timeout: string;
  json?: boolean;
}

export function targetFromOptions(options: TargetOptions): { dataDir: string; addr?: string; credentialsDir?: string; timeoutMs: number } {
  const config = loadConfig({ flags: { 'data-dir': options.dataDir }, env: process.env, cwd: process.cwd() });
  const timeoutMs = Number(options.timeout);
  return { dataDir: config.dataDir, addr: options.addr, credentialsDir: options.credentials, timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 5000 };
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
