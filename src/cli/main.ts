#!/usr/bin/env node
import 'reflect-metadata';
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version';
import { describeError, exitCodeFor, UsageError } from './cli-error';
import { startCommand } from './commands/start';
import { statusCommand } from './commands/status';
import { rotateCommand } from './commands/rotate';
import { credentialsCommand } from './commands/credentials';
import { configCommand } from './commands/config';
import { nominateCommand } from './commands/nominate';
import { tokensCommand } from './commands/tokens';
import { membersCommand } from './commands/members';
import { enrollCommand } from './commands/enroll';
import { peersCommand } from './commands/peers';
import { pluginsCommand } from './commands/plugins';
import { removeCommand } from './commands/remove';
import { monitorCommand } from './commands/monitor';
import { simulateCommand } from './commands/simulate';
import { replayCommand } from './commands/replay';

/** Builds the `g2g` program. Output goes to `out`; errors are returned, not printed, by commander. */
export function buildProgram(): Command {
  const program = new Command('g2g')
    .description('g2g: a secure gossip network over gRPC that hosts plugins on its rotating mutual-TLS port')
    .version(VERSION, '-V, --version-flag', 'print the version')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined })
    .showHelpAfterError(false);
  program
    .command('version')
    .description('print the g2g version')
    .addOption(new Option('--json', 'print JSON'))
    .action((opts: { json?: boolean }) => {
      process.stdout.write(opts.json ? `${JSON.stringify({ version: VERSION, node: process.version })}\n` : `g2g ${VERSION}\n`);
    });
  for (const add of [startCommand, statusCommand, rotateCommand, credentialsCommand, nominateCommand, tokensCommand, membersCommand, peersCommand, pluginsCommand, removeCommand, enrollCommand, configCommand, monitorCommand, simulateCommand, replayCommand]) add(program);
  const quiet = (command: Command): void => {
    command.exitOverride().configureOutput({ writeErr: () => undefined });
    command.commands.forEach(quiet);
  };
  program.commands.forEach(quiet);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      process.stderr.write(`g2g: ${error.message.replace(/^error: /, '')} (see g2g --help)\n`);
      return exitCodeFor(new UsageError(error.message));
    }
    process.stderr.write(`g2g: ${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`g2g: ${describeError(error)}\n`);
      process.exitCode = 1;
    },
  );
}
