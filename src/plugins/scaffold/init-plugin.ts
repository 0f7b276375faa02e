import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { G2gError } from '../../errors';
import { PLUGIN_NAME } from '../manifest';
import { generatePluginTypes } from './proto-gen';
import { scaffoldFiles } from './templates';

/** `g2g plugin init` refused: a bad name, or a target directory that is not empty. */
export class PluginInitError extends G2gError {
  readonly code = 'ERR_PLUGIN_INIT';
}

export interface InitOptions {
  name: string;
  /** The project folder to create (default `./<name>`); must not exist or be empty. */
  dir: string;
  /** npm spec of g2g for the project's package.json. */
  g2gSpec: string;
}

/** Writes a plugin project (templates.ts) and generates its proto types, so `npm install && npm test` passes as made. */
export async function initPlugin(options: InitOptions): Promise<{ dir: string; files: string[] }> {
  if (!PLUGIN_NAME.test(options.name)) throw new PluginInitError(`plugin name "${options.name}" must match ${PLUGIN_NAME.source} (it becomes the config section and topic prefix)`);
  const dir = path.resolve(options.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new PluginInitError(`${dir} is not empty: choose another --dir`);
  const files = scaffoldFiles({ name: options.name, g2gSpec: options.g2gSpec });
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  await generatePluginTypes(dir);
  return { dir, files: Object.keys(files) };
}
