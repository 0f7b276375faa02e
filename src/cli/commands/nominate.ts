import { Option, type Command } from 'commander';
import { parseTicket } from '../../tokens/join-ticket';
import { unary } from '../admin-client';
import { cliInvocation, shellQuote } from '../invocation';
import { addTargetOptions, durationFlag, printJson, withAdmin, type TargetOptions } from './common';

export function nominateCommand(program: Command): void {
  addTargetOptions(program.command('nominate').description('print a join ticket for a new node (alone on stdout, for scripts), or with --print-join-command the whole command to run on it'))
    .addOption(new Option('--mode <mode>', 'what the newcomer may join as').choices(['server', 'client']).default('server'))
    .addOption(new Option('--ttl <duration>', 'how long the ticket is valid, with a unit, e.g. 30m, 24h (default: the node default, 24h)'))
    .addOption(new Option('--reusable', 'allow several nodes to join with it (default: single use)'))
    .addOption(new Option('--label <text>', 'a note kept with the token'))
    .addOption(new Option('--print-join-command', 'print the command the newcomer runs (the ticket in G2G_JOIN, so its secret stays out of `ps`)'))
    .action(async (options: TargetOptions & { mode: 'server' | 'client'; ttl?: string; reusable?: boolean; label?: string; printJoinCommand?: boolean }) => {
      const ttlMs = options.ttl === undefined ? 0 : durationFlag('--ttl', options.ttl);
      await withAdmin(options, async (client, timeoutMs) => {
        const response = await unary(client, 'Nominate',
          { mode: options.mode === 'client' ? 'NODE_MODE_CLIENT' : 'NODE_MODE_SERVER', ttlMs, reusable: options.reusable ?? false, label: options.label ?? '' },
          timeoutMs,
        );
        const command = options.printJoinCommand ? joinCommand(response.ticket, options.mode) : undefined;
        if (options.json) printJson(command === undefined ? response : { ...response, command });
        else process.stdout.write(`${command ?? response.ticket}\n`);
      });
    });
}

/**
 * `G2G_JOIN='g2g://…' [G2G_CLUSTER=…] [G2G_MODE=client] g2g start`: the environment form, so the
 * ticket's secret is not in the newcomer's argv (readable by every local user through `ps`).
 */
export function joinCommand(ticket: string, mode: 'server' | 'client'): string {
  const { cluster } = parseTicket(ticket);
  const env = [`G2G_JOIN=${shellQuote(ticket)}`];
  if (cluster !== undefined && cluster !== 'default') env.push(`G2G_CLUSTER=${cluster}`);
  if (mode === 'client') env.push('G2G_MODE=client');
  return `${env.join(' ')} ${cliInvocation()} start`;
}
