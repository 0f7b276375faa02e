import { Option, type Command } from 'commander';
import type { TokenInfo__Output } from '../../proto/generated/g2g/v1/TokenInfo';
import type { RevokeTokenResponse__Output } from '../../proto/generated/g2g/v1/RevokeTokenResponse';
import type { RotateTokenResponse__Output } from '../../proto/generated/g2g/v1/RotateTokenResponse';
import { unary } from '../admin-client';
import { TargetError } from '../cli-error';
import { renderTable, timeLeft } from '../table';
import { MIN_PREFIX } from '../target';
import { addTargetOptions, durationFlag, printJson, withAdmin, type TargetOptions } from './common';

/** Tokens made by `tokens create` expire after this unless --ttl says otherwise (kubeadm's default). */
export const DEFAULT_TOKEN_TTL = '24h';

/** `g2g tokens list|create|revoke|rotate`: the node's join tokens (secrets shown only when made). */
export function tokensCommand(program: Command): void {
  const tokens = program.command('tokens').description('manage join tokens (server and client tokens, synced among server members)');
  tokens.addHelpText('after', '\nA subcommand is required (exit status 2 without one).');

  addTargetOptions(tokens.command('list').description('list tokens (never their secrets)'))
    .addOption(new Option('--all', 'include revoked, used and expired tokens'))
    .action((options: TargetOptions & { all?: boolean }) =>
      withAdmin(options, async (client, timeoutMs) => {
        const { tokens: list } = await unary(client, 'ListTokens', { includeInactive: options.all ?? false }, timeoutMs);
        if (options.json) printJson({ tokens: list });
        else process.stdout.write(formatTokens(list, Date.now()));
      }),
    );

  addTargetOptions(tokens.command('create').description('create a token; prints <id>.<secret> once'))
    .addOption(new Option('--mode <mode>', 'server tokens admit servers and clients; client tokens only clients').choices(['server', 'client']).default('server'))
    .addOption(new Option('--ttl <duration>', 'lifetime with a unit, e.g. 30m, 24h, 30d; 0 never expires').default(DEFAULT_TOKEN_TTL))
    .addOption(new Option('--single-use', 'the token admits one node only'))
    .addOption(new Option('--label <text>', 'a note kept with the token'))
    .action((options: TargetOptions & { mode: string; ttl?: string; singleUse?: boolean; label?: string }) => {
      // Checked before dialling: a bad --ttl is a usage error whether or not a node runs.
      const ttlMs = durationFlag('--ttl', options.ttl ?? DEFAULT_TOKEN_TTL, { zero: true });
      return withAdmin(options, async (client, timeoutMs) => {
        const created = await unary(client, 'CreateToken',
          { mode: options.mode === 'client' ? 'NODE_MODE_CLIENT' : 'NODE_MODE_SERVER', ttlMs, singleUse: options.singleUse ?? false, label: options.label ?? '' },
          timeoutMs,
        );
        if (options.json) printJson(created);
        else process.stdout.write(`${created.token}\n`);
      });
    });

  for (const [name, description, method] of [
    ['revoke', 'revoke a token by id (members stop accepting it)', 'RevokeToken'],
    ['rotate', 'give a token a new secret (same id); prints <id>.<secret> once', 'RotateToken'],
  ] as const) {
    addTargetOptions(tokens.command(name).description(description).argument('<id>', 'token id (the part before the dot), or a unique prefix of it (4+ characters)')).action(
      (id: string, options: TargetOptions) =>
        withAdmin(options, async (client, timeoutMs) => {
          const { tokens: known } = await unary(client, 'ListTokens', { includeInactive: true }, timeoutMs);
          id = resolveTokenId(id, known);
          const result: RevokeTokenResponse__Output | RotateTokenResponse__Output =
            method === 'RotateToken'
              ? await unary(client, 'RotateToken', { id }, timeoutMs)
              : await unary(client, 'RevokeToken', { id }, timeoutMs);
          if (options.json) printJson(result);
          else if ('token' in result) process.stdout.write(`${result.token}\n`);
          else if (result.info) process.stdout.write(formatTokens([result.info], Date.now()));
        }),
    );
  }
}

/**
 * A token id or a unique prefix of one (at least MIN_PREFIX characters), like member targets. An
 * id that matches nothing is passed on as typed, so the node's own "unknown token" answer says so.
 */
export function resolveTokenId(text: string, known: readonly TokenInfo__Output[]): string {
  if (known.some((t) => t.id === text) || text.length < MIN_PREFIX) return text;
  const matches = known.filter((t) => t.id.startsWith(text));
  if (matches.length > 1) throw new TargetError(`token id prefix ${text} matches ${matches.length} tokens: ${matches.slice(0, 5).map((t) => t.id).join(', ')}; give more of the id`);
  return matches[0]?.id ?? text;
}

/** `tokens list`: one row per token under a header, with time left and how many uses remain. */
export function formatTokens(list: readonly TokenInfo__Output[], now: number): string {
  if (list.length === 0) return 'no tokens (make one with `g2g tokens create` or `g2g nominate`)\n';
  const rows = list.map((t) => {
    const expires = Number(t.expiresUnixMs);
    const state = String(t.state).replace('TOKEN_STATE_', '').toLowerCase();
    return [
      t.id,
      t.mode.replace('NODE_MODE_', '').toLowerCase(),
      state,
      expires > 0 ? timeLeft(expires, now) : 'never',
      expires > 0 ? new Date(expires).toISOString().replace(/\.\d{3}Z$/, 'Z') : '-',
      usesText(t.singleUse, state),
      t.label || '-',
    ];
  });
  return `${renderTable(['ID', 'MODE', 'STATE', 'TTL LEFT', 'EXPIRES', 'USES', 'LABEL'], rows)}${list.length} token${list.length === 1 ? '' : 's'}\n`;
}

/** A single-use token admits one node (`0/1` until it has, `1/1` after); others admit any number. */
function usesText(singleUse: boolean, state: string): string {
  if (!singleUse) return 'unlimited';
  return state === 'used' ? '1/1' : '0/1';
}
