import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main';
import { pluginFlags } from '../../src/cli/commands/common';

/**
 * Every `g2g …` command shown in a code block of README.md or docs/*.md must get through the CLI's
 * own parser: the command exists, its flags exist and take the values shown, and arguments fit
 * its usage. Actions are replaced by a recorder, so nothing runs. Blocks fenced as ```text hold
 * output or a usage summary, not commands, and are left out; so are synopsis lines (`[--flag]`,
 * `a|b`) anywhere.
 */

const root = path.resolve(__dirname, '../../..');
const DOCS = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

interface DocCommand {
  file: string;
  line: number;
  argv: string[];
}

/** Fenced code blocks of a markdown file, continuation lines joined, with the line each starts on. */
function codeLines(markdown: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  const lines = markdown.split('\n');
  let inBlock = false;
  let skipped = false;
  for (let i = 0; i < lines.length; i++) {
    const fence = /^\s*```(\S*)/.exec(lines[i]!);
    if (fence) {
      inBlock = !inBlock;
      skipped = inBlock && fence[1] === 'text';
      continue;
    }
    if (!inBlock || skipped) continue;
    const start = i;
    let text = lines[i]!;
    while (text.endsWith('\\') && i + 1 < lines.length) text = text.slice(0, -1) + ' ' + lines[++i]!.trim();
    out.push({ text, line: start + 1 });
  }
  return out;
}

type Token = { word: string } | { op: string };

/** Shell words and operators of one line: quotes, `$(`, `)`, `&`, `|`, `;`, `#` comments. */
function shellTokens(line: string): Token[] {
  const tokens: Token[] = [];
  let word: string | undefined;
  const flush = () => {
    if (word !== undefined) tokens.push({ word });
    word = undefined;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      const to = end < 0 ? line.length : end;
      word = (word ?? '') + line.slice(i + 1, to);
      i = to;
    } else if (c === '$' && line[i + 1] === '(') {
      flush();
      tokens.push({ op: '$(' });
      i++;
    } else if ('&|;()'.includes(c)) {
      flush();
      tokens.push({ op: c });
    } else if (c === '#' && word === undefined) {
      break;
    } else if (/\s/.test(c)) {
      flush();
    } else {
      word = (word ?? '') + c;
    }
  }
  flush();
  return tokens;
}

/** How the docs invoke the CLI: `g2g`, `$G2G`, or `node …/dist/src/cli/main.js`. */
function cliPrefix(words: readonly string[]): number {
  if (words[0] === 'g2g' || words[0] === '$G2G') return 1;
  if (words[0] === 'node' && words[1]?.endsWith('dist/src/cli/main.js')) return 2;
  return 0;
}

function docCommands(): { commands: DocCommand[]; synopses: number } {
  const commands: DocCommand[] = [];
  let synopses = 0;
  for (const file of DOCS) {
    for (const { text, line } of codeLines(readFileSync(path.join(root, file), 'utf8'))) {
      const simple: string[][] = [[]];
      for (const t of shellTokens(text)) {
        if ('op' in t) simple.push([]);
        else simple[simple.length - 1]!.push(t.word);
      }
      for (const words of simple) {
        while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) words.shift(); // VAR=value before a command
        const skip = cliPrefix(words);
        if (skip === 0) continue;
        if (/\[|\|\S/.test(text.replace(/'[^']*'/g, ''))) {
          synopses++;
          break;
        }
        commands.push({ file, line, argv: words.slice(skip) });
      }
    }
  }
  return { commands, synopses };
}

/**
 * Parses `argv` as `g2g` would, with every action replaced: resolves to the path of the command
 * that would run (`members`, `tokens create`), rejects with commander's or the CLI's usage error.
 */
async function dryParse(argv: readonly string[]): Promise<string> {
  const program = buildProgram();
  let ran: string | undefined;
  const stub = (command: Command, names: string[]) => {
    const here = [...names, command.name()];
    command.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    command.action(function (this: Command) {
      const self = this;
      ran = here.slice(1).join(' ');
      // Commands that take every config key also take `--plugin-<name>-<key>` flags, which
      // commander lets through; the CLI rejects anything else among them.
      if (self.name() === 'start' || self.name() === 'config') pluginFlags(self.args);
    });
    for (const sub of command.commands) stub(sub, here);
  };
  for (const sub of program.commands) stub(sub, ['g2g']);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return argv.join(' ');
    throw error;
  }
  if (ran === undefined) throw new Error('no command ran');
  return ran;
}

const { commands } = docCommands();

test('the docs show g2g commands, and the extraction finds them', () => {
  // Bounds that fail if the extraction breaks (finds nothing) rather than counts to keep exact.
  assert.ok(commands.length >= 20, `only ${commands.length} commands found in ${DOCS.join(', ')}`);
  const files = new Set(commands.map((c) => c.file));
  for (const file of ['README.md', 'docs/cli.md', 'docs/plugin-guide.md', 'docs/operator-guide.md']) assert.ok(files.has(file), `no command found in ${file}`);
});

test('every g2g command in README.md and docs/*.md parses with the CLI parser', async () => {
  const failures: string[] = [];
  for (const c of commands) {
    try {
      const ran = await dryParse(c.argv);
      const named = c.argv.filter((a) => !a.startsWith('-')).slice(0, ran.split(' ').length).join(' ');
      if (!ran.startsWith('-') && !c.argv.includes('--help') && named !== ran) failures.push(`${c.file}:${c.line}: g2g ${c.argv.join(' ')} ran ${ran}`);
    } catch (error) {
      failures.push(`${c.file}:${c.line}: g2g ${c.argv.join(' ')}: ${(error as Error).message}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('the dry parse refuses what the CLI refuses', async () => {
  await assert.rejects(dryParse(['members', '--no-such-flag']), /unknown option/);
  await assert.rejects(dryParse(['no-such-command']), /unknown command/);
  await assert.rejects(dryParse(['nominate', '--mode', 'peer']), /Allowed choices are server, client/);
  await assert.rejects(dryParse(['start', '--plugins-dirr', 'x']), /unknown option/);
  await assert.rejects(dryParse(['remove']), /missing required argument/);
  assert.equal(await dryParse(['tokens', 'create', '--mode', 'client']), 'tokens create');
  assert.equal(await dryParse(['start', '--profile', 'local', '--plugin-kv-max-value-bytes', '1KiB']), 'start');
});

test('docs/cli.md has a section or entry for every command the CLI has', () => {
  // A section heading (`### …`) or list entry (`* …`) that names the command in code: `g2g health`
  // for a command, `g2g tokens …` naming `create` for a subcommand. Lines of prose do not count.
  const entries = readFileSync(path.join(root, 'docs/cli.md'), 'utf8').split('\n').filter((l) => /^(###|\s*\*) /.test(l));
  const names = (command: Command, prefix: string[]): string[][] =>
    command.commands.length === 0 ? [prefix] : command.commands.flatMap((sub) => names(sub, [...prefix, sub.name()]));
  const missing: string[] = [];
  for (const top of buildProgram().commands) {
    for (const [name, sub] of names(top, [top.name()]).map((p) => [p[0]!, p[1]] as const)) {
      const covered = entries.some((l) => new RegExp('`g2g ' + name + '(?=[ `])').test(l) && (sub === undefined || new RegExp(`\\b${sub}\\b`).test(l)));
      if (!covered) missing.push(sub ? `${name} ${sub}` : name);
    }
  }
  assert.deepEqual(missing, []);
});
