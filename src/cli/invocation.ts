import fs from 'node:fs';
import path from 'node:path';

/**
 * How to run this CLI in a command we print (the start banner, `nominate --print-join-command`):
 * `g2g` when the `g2g` on PATH is this installation (`npm install -g .` or `npm link`), else
 * `node /abs/path/to/main.js`. Printing a bare `g2g` that is not installed, or `npx g2g` (an
 * unrelated registry package), gave operators commands that failed as printed.
 */
export function cliInvocation(env: NodeJS.ProcessEnv = process.env, main: string = path.resolve(__dirname, 'main.js')): string {
  const self = realpath(main);
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = realpath(path.join(dir, 'g2g'));
    if (candidate !== undefined && candidate === self) return 'g2g';
  }
  return `node ${shellQuote(main)}`;
}

function realpath(file: string): string | undefined {
  try {
    return fs.realpathSync(file);
  } catch {
    return undefined;
  }
}

/** `word` quoted for a POSIX shell when it needs to be. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
