import { Option, type Command } from 'commander';
import type { RotateResponse__Output } from '../../proto/generated/g2g/v1/RotateResponse';
import { unary } from '../admin-client';
import { addTargetOptions, printJson, withAdmin, type TargetOptions } from './common';

export function rotateCommand(program: Command): void {
  addTargetOptions(program.command('rotate').description("issue and install a new leaf certificate on a node now (Admin.Rotate)"))
    .addOption(new Option('--reason <text>', 'why (kept in the node log)'))
    .action(async (options: TargetOptions & { reason?: string }) => {
      await withAdmin(options, async (client, timeoutMs) => {
        const result = await unary<object, RotateResponse__Output>(client, client.Rotate, { reason: options.reason ?? '' }, Math.max(timeoutMs, 30_000));
        if (options.json) printJson(result);
        else
          process.stdout.write(
            `rotated: ${result.previous?.fingerprint} -> ${result.current?.fingerprint} (expires ${new Date(result.current?.notAfterUnixMs ?? 0).toISOString()})\n`,
          );
      });
    });
}
