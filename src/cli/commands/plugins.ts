import { Option, type Command } from 'commander';
import { checkPlugin } from '../../plugins/check-plugin';
import type { PluginsResponse__Output } from '../../proto/generated/g2g/v1/PluginsResponse';
import { unary } from '../admin-client';
import { addTargetOptions, printJson, withAdmin, type TargetOptions } from './common';

export function pluginsCommand(program: Command): void {
  const plugins = program.command('plugins');
  plugins
    .command('check')
    .description('validate a plugin folder as a node would (manifest, protos, config schema, entry class) without starting one; exit 1 with the host\'s error code')
    .argument('<dir>', 'the plugin folder (holding g2g-plugin.json)')
    .addOption(new Option('--json', 'print JSON'))
    .action(async (dir: string, options: { json?: boolean }) => {
      const result = await checkPlugin(dir, { env: pluginEnv(process.env) });
      if (options.json) printJson(result.ok ? result : { ok: false, name: result.name, code: result.error.code, message: result.error.message });
      else if (result.ok) process.stdout.write(`plugin ${result.name} ${result.version}: ok (services ${result.services.join(', ')}; config ${result.configKeys.map((k) => k.key).join(', ') || 'none'})\n`);
      else process.stderr.write(`g2g: ${result.error.code}: ${result.error.message}\n`);
      if (!result.ok) process.exitCode = 1;
    });
  addTargetOptions(plugins.description('the plugins a node found: state, version, services, and why one failed')).action(
    async (options: TargetOptions) => {
      await withAdmin(options, async (client, timeoutMs) => {
        const response = await unary(client, 'Plugins', {}, timeoutMs);
        if (options.json) printJson(response);
        else process.stdout.write(formatPlugins(response));
      });
    },
  );
}

export function formatPlugins(r: PluginsResponse__Output): string {
  if (r.plugins.length === 0) return 'no plugins found\n';
  const rows = [['PLUGIN', 'VERSION', 'STATE', 'SERVICES'], ...r.plugins.map((p) => [p.name, p.version || '-', p.state, p.services.join(',') || '-'])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
  for (const p of r.plugins) if (p.error) lines.push(`${p.name}: ${p.error}`);
  return `${lines.join('\n')}\n`;
}

/** The process's G2G_PLUGIN_* variables, checked against the plugin's schema as a node would. */
function pluginEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('G2G_PLUGIN_') && e[1] !== undefined));
}
