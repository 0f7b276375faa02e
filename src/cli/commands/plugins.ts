import type { Command } from 'commander';
import type { PluginsResponse__Output } from '../../proto/generated/g2g/v1/PluginsResponse';
import { unary } from '../admin-client';
import { addTargetOptions, printJson, withAdmin, type TargetOptions } from './common';

export function pluginsCommand(program: Command): void {
  addTargetOptions(program.command('plugins').description('the plugins a node found: state, version, services, and why one failed')).action(
    async (options: TargetOptions) => {
      await withAdmin(options, async (client, timeoutMs) => {
        const response = await unary<object, PluginsResponse__Output>(client, client.Plugins, {}, timeoutMs);
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
