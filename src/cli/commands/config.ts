import type { Command } from 'commander';
import { configText, describeConfig, explainConfig, printableConfig } from '../../config';
import { addConfigOptions, configSources, printJson } from './common';

export function configCommand(program: Command): void {
  addConfigOptions(program.command('config').description('print the effective configuration and where each value came from (secrets masked), or --describe every key'))
    .option('--json', 'print JSON: the configuration object (durations in milliseconds, sizes in bytes, secrets "[masked]")')
    .option('--describe', 'print the documentation of every key (markdown)')
    .action((options: Record<string, unknown>, command: Command) => {
      if (options.describe) {
        process.stdout.write(`${describeConfig()}\n`);
        return;
      }
      const explained = explainConfig(configSources(options, command.args));
      if (options.json) printJson(printableConfig(explained.config));
      else process.stdout.write(configText(explained));
    });
}
