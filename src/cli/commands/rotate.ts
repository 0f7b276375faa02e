import { Option, type Command } from 'commander';
import { unary } from '../admin-client';
import { addTargetOptions, printJson, withAdmin, type TargetOptions } from './common';

export function rotateCommand(program: Command): void {
  addTargetOptions(program.command('rotate').description('issue and install a new leaf certificate on a node now, or with --ca rotate its node CA (Admin.Rotate)'))
    .addOption(new Option('--reason <text>', 'why (kept in the node log)'))
    .addOption(new Option('--ca', 'rotate the node CA: a new CA endorsed by the current one, gossiped; the node id does not change'))
    .action(async (options: TargetOptions & { reason?: string; ca?: boolean }) => {
      await withAdmin(options, async (client, timeoutMs) => {
        const result = await unary(client, 'Rotate', { reason: options.reason ?? '', ca: options.ca === true }, Math.max(timeoutMs, 30_000));
        if (options.json) printJson(result);
        else if (options.ca)
          process.stdout.write(
            `node CA rotated: ${result.previousCaFingerprint} -> ${result.caFingerprint}; leaves switch at ${new Date(Number(result.caSwitchUnixMs)).toISOString()}, ` +
              `the old CA is trusted until ${new Date(Number(result.caRetireUnixMs)).toISOString()}\n`,
          );
        else
          process.stdout.write(
            `rotated: ${result.previous?.fingerprint} -> ${result.current?.fingerprint} (expires ${new Date(result.current?.notAfterUnixMs ?? 0).toISOString()})\n`,
          );
      });
    });
}
