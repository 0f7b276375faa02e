import { Option, type Command } from 'commander';
import { parseDuration } from '../../config/formats';
import type { TokenInfo__Output } from '../../proto/generated/g2g/v1/TokenInfo';
import type { CreateTokenResponse__Output } from '../../proto/generated/g2g/v1/CreateTokenResponse';
import type { RevokeTokenResponse__Output } from '../../proto/generated/g2g/v1/RevokeTokenResponse';
import type { RotateTokenResponse__Output } from '../../proto/generated/g2g/v1/RotateTokenResponse';
import { unary } from '../admin-client';
import { UsageError } from '../cli-error';
import { addTargetOptions, printJson, withAdmin, type TargetOptions } from './common';

/** `g2g tokens list|create|revoke|rotate`: the node's join tokens (secrets shown only when made). */
export function tokensCommand(program: Command): void {
  const tokens = program.command('tokens').description('manage join tokens (server and client tokens, synced among server members)');

  addTargetOptions(tokens.command('list').description('list tokens (never their secrets)'))
    .addOption(new Option('--all', 'include revoked, used and expired tokens'))
    .action((options: TargetOptions & { all?: boolean }) =>
      withAdmin(options, async (client, timeoutMs) => {
        const { tokens: list } = await unary<object, { tokens: TokenInfo__Output[] }>(client, client.ListTokens, { includeInactive: options.all ?? false }, timeoutMs);
        if (options.json) printJson(list);
        else process.stdout.write(list.length === 0 ? 'no tokens\n' : `${list.map(formatToken).join('\n')}\n`);
      }),
    );

  addTargetOptions(tokens.command('create').description('create a token; prints <id>.<secret> once'))
    .addOption(new Option('--mode <mode>', 'server tokens admit servers and clients; client tokens only clients').choices(['server', 'client']).default('server'))
    .addOption(new Option('--ttl <duration>', 'expiry, e.g. 1h, 30d (default: never)'))
    .addOption(new Option('--single-use', 'the token admits one node only'))
    .addOption(new Option('--label <text>', 'a note kept with the token'))
    .action((options: TargetOptions & { mode: string; ttl?: string; singleUse?: boolean; label?: string }) =>
      withAdmin(options, async (client, timeoutMs) => {
        const ttlMs = options.ttl === undefined ? 0 : parseDuration(options.ttl);
        if (ttlMs === undefined) throw new UsageError(`--ttl: not a duration: "${options.ttl}"`);
        const created = await unary<object, CreateTokenResponse__Output>(
          client,
          client.CreateToken,
          { mode: options.mode === 'client' ? 'NODE_MODE_CLIENT' : 'NODE_MODE_SERVER', ttlMs, singleUse: options.singleUse ?? false, label: options.label ?? '' },
          timeoutMs,
        );
        if (options.json) printJson(created);
        else process.stdout.write(`${created.token}\n`);
      }),
    );

  for (const [name, description, method] of [
    ['revoke', 'revoke a token by id (members stop accepting it)', 'RevokeToken'],
    ['rotate', 'give a token a new secret (same id); prints <id>.<secret> once', 'RotateToken'],
  ] as const) {
    addTargetOptions(tokens.command(name).description(description).argument('<id>', 'token id (the part before the dot)')).action(
      (id: string, options: TargetOptions) =>
        withAdmin(options, async (client, timeoutMs) => {
          const result: RevokeTokenResponse__Output | RotateTokenResponse__Output =
            method === 'RotateToken'
              ? await unary<object, RotateTokenResponse__Output>(client, client.RotateToken, { id }, timeoutMs)
              : await unary<object, RevokeTokenResponse__Output>(client, client.RevokeToken, { id }, timeoutMs);
          if (options.json) printJson(result);
          else if ('token' in result) process.stdout.write(`${result.token}\n`);
          else if (result.info) process.stdout.write(`${formatToken(result.info)}\n`);
        }),
    );
  }
}

function formatToken(t: TokenInfo__Output): string {
  const expires = Number(t.expiresUnixMs) > 0 ? new Date(Number(t.expiresUnixMs)).toISOString() : 'never';
  const mode = t.mode.replace('NODE_MODE_', '').toLowerCase();
  const state = String(t.state).replace('TOKEN_STATE_', '').toLowerCase();
  return `${t.id}  ${mode.padEnd(6)}  ${state.padEnd(8)}  expires ${expires}${t.singleUse ? '  single-use' : ''}${t.label ? `  ${t.label}` : ''}`;
}
