import type { Command } from 'commander';
import { describeConfig, printableConfig } from '../../config';
import { addConfigOptions, configFromOptions, printJson } from './common';

export function configCommand(program: Command): void {
  addConfigOptions(program.command('config').description('print the effective configuration (secrets masked), or --describe every key'))
    .option('--json', 'print JSON')
    .option('--describe', 'print the documentation of every key (markdown)')
    .action((options: Record<string, unknown>, command: Command) => {
      if (options.describe) {
        process.stdout.write(`${describeConfig()}\n`);
        return;
      }
      const printable = printableConfig(configFromOptions(options, command.args));
      if (options.json) printJson(printable);
      else for (const [key, value] of Object.entries(printable)) process.stdout.write(`${key} = ${JSON.stringify(value)}\n`);
    });
}
