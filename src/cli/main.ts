#!/usr/bin/env -S node --max-semi-space-size=2 --optimize-for-size
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version';
import { describeError, EXIT, exitCodeFor } from './cli-error';
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
import { pluginCommand } from './commands/plugin';
import { removeCommand } from './commands/remove';
import { monitorCommand } from './commands/monitor';
import { healthCommand } from './commands/health';
import { printJson } from './commands/common';
import { simulateCommand } from './commands/simulate';
import { replayCommand } from './commands/replay';

/**
 * Builds the `g2g` program. Commander prints help (to stdout for --help, to stderr when a
 * subcommand is missing) but never its error messages: {@link main} prints those, one line
 * with a hint naming the command's own help.
 */
export function buildProgram(): Command {
  const program = new Command('g2g')
    .description('g2g: a secure gossip network over gRPC that hosts plugins on its rotating mutual-TLS port')
    .version(VERSION, '-v, --version', 'print the version')
    .showHelpAfterError(false);
  program
    .command('version')
    .description('print the g2g version')
    .addOption(new Option('--json', 'print JSON: {"version", "node"}'))
    .action((opts: { json?: boolean }) => {
      if (opts.json) printJson({ version: VERSION, node: process.version });
      else process.stdout.write(`g2g ${VERSION}\n`);
    });
  for (const add of [startCommand, statusCommand, rotateCommand, credentialsCommand, nominateCommand, tokensCommand, membersCommand, peersCommand, pluginsCommand, pluginCommand, removeCommand, enrollCommand, configCommand, monitorCommand, healthCommand, simulateCommand, replayCommand]) add(program);
  const quiet = (command: Command): void => {
    command.exitOverride().configureOutput({ outputError: () => undefined });
    command.commands.forEach(quiet);
  };
  quiet(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.OK;
      // A group or the program run without its subcommand: commander printed the usage on stderr.
      if (error.code === 'commander.help') return EXIT.USAGE;
      process.stderr.write(`g2g: ${error.message.replace(/^error: /, '')}\n${usageHint(program, argv)}`);
      return EXIT.USAGE;
    }
    // Bad input found by the command itself (a bare number, a missing --name, a target that
    // matches nothing) gets the same pointer to the command's help as commander's own errors.
    const code = exitCodeFor(error);
    process.stderr.write(`g2g: ${describeError(error)}\n${code === EXIT.USAGE ? usageHint(program, argv) : ''}`);
    return code;
  }
}

/** `usage: g2g remove [options] <node> (see g2g remove --help)`: the usage of the command typed. */
function usageHint(program: Command, argv: readonly string[]): string {
  const command = commandOf(program, argv);
  const name = commandName(command);
  return `usage: ${name} ${command.usage()} (see ${name} --help)\n`;
}

/** The deepest (sub)command `argv` names, for a usage line that fits the mistake. */
function commandOf(program: Command, argv: readonly string[]): Command {
  let command = program;
  for (const word of argv) {
    if (word.startsWith('-')) continue;
    const next = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) break;
    command = next;
  }
  return command;
}

function commandName(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`g2g: ${describeError(error)}\n`);
      process.exitCode = EXIT.FAILURE;
    },
  );
}
