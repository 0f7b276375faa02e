import path from 'node:path';
import { Option, type Command } from 'commander';
import { PACKAGE_ROOT } from '../../plugins/plugin-entry';
import { printJson } from './common';

/** `g2g plugin init` and `g2g plugin gen`: making a plugin project (docs/plugin-guide.md). */
export function pluginCommand(program: Command): void {
  const plugin = program.command('plugin').description('write a plugin: scaffold a project, generate its proto types');
  plugin
    .command('init')
    .description('scaffold a plugin project (manifest, proto, class, kit test, tsconfig, buf.yaml) whose `npm install && npm test` passes as made')
    .argument('<name>', 'the plugin name: lower-case letters, digits, hyphens (its config section and topic prefix)')
    .addOption(new Option('--dir <dir>', 'where to create the project (default ./<name>; must be empty or absent)'))
    .addOption(new Option('--g2g <spec>', 'how package.json depends on g2g (default: file: path of this g2g; a packed tarball works too)'))
    .addOption(new Option('--json', 'print JSON'))
    .action(async (name: string, options: { dir?: string; g2g?: string; json?: boolean }) => {
      // The scaffold (templates, proto generator) is loaded by these commands only, not by `g2g start`.
      const { initPlugin } = await import('../../plugins/scaffold/init-plugin');
      const made = await initPlugin({ name, dir: options.dir ?? name, g2gSpec: options.g2g ?? `file:${PACKAGE_ROOT}` });
      if (options.json) return printJson(made);
      const rel = path.relative(process.cwd(), made.dir) || '.';
      process.stdout.write(`created plugin ${name} in ${made.dir}\nnext:  cd ${rel} && npm install && npm test\n`);
    });
  plugin
    .command('gen')
    .description("generate request/response/client/handler types from the plugin's protos into src/generated (proto-loader-gen-types, the host's loader options)")
    .argument('[dir]', 'the plugin folder (holding g2g-plugin.json)', '.')
    .action(async (dir: string) => {
      const { generatePluginTypes } = await import('../../plugins/scaffold/proto-gen');
      const made = await generatePluginTypes(path.resolve(dir));
      process.stdout.write(`generated types for ${made.protos.join(', ')} in ${made.outDir}\n`);
    });
}
