import { Option, type Command } from 'commander';
import { parseDuration } from '../../config/formats';
import type { NominateResponse__Output } from '../../proto/generated/g2g/v1/NominateResponse';
import { unary } from '../admin-client';
import { UsageError } from '../cli-error';
import { addTargetOptions, printJson, withAdmin, type TargetOptions } from './common';

export function nominateCommand(program: Command): void {
  addTargetOptions(program.command('nominate').description('print a join ticket for a new node (alone on stdout, for scripts)'))
    .addOption(new Option('--mode <mode>', 'what the newcomer may join as').choices(['server', 'client']).default('server'))
    .addOption(new Option('--ttl <duration>', 'how long the ticket is valid, e.g. 30m, 24h (default: the node default, 24h)'))
    .addOption(new Option('--reusable', 'allow several nodes to join with it (default: single use)'))
    .addOption(new Option('--label <text>', 'a note kept with the token'))
    .action(async (options: TargetOptions & { mode: 'server' | 'client'; ttl?: string; reusable?: boolean; label?: string }) => {
      const ttlMs = options.ttl === undefined ? 0 : parseDuration(options.ttl);
      if (ttlMs === undefined || ttlMs < 0) throw new UsageError(`--ttl: not a duration: "${options.ttl}" (e.g. 30m, 24h)`);
      await withAdmin(options, async (client, timeoutMs) => {
        const response = await unary<object, NominateResponse__Output>(
          client,
          client.Nominate,
          { mode: options.mode === 'client' ? 'NODE_MODE_CLIENT' : 'NODE_MODE_SERVER', ttlMs, reusable: options.reusable ?? false, label: options.label ?? '' },
          timeoutMs,
        );
        if (options.json) printJson(response);
        else process.stdout.write(`${response.ticket}\n`);
      });
    });
}
