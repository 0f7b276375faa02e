import type { DependencyContainer } from 'tsyringe';
import type { PluginContext } from './contract';

/**
 * Injection tokens a plugin's container resolves, for plugins that build their own classes with
 * tsyringe (`@inject(PluginTokens.channel)`). Strings rather than symbols, so that a plugin built
 * against another copy of the g2g package still names the same tokens.
 */
export const PluginTokens = {
  context: 'g2g:PluginContext',
  config: 'g2g:PluginConfig',
  log: 'g2g:Logger',
  channel: 'g2g:PluginChannel',
  pool: 'g2g:PluginPool',
  members: 'g2g:MembershipView',
  clock: 'g2g:Clock',
  signal: 'g2g:AbortSignal',
  dataDir: 'g2g:DataDir',
} as const;

/** Registers the context and each of its parts in the plugin's own container. */
export function registerContext(container: DependencyContainer, context: PluginContext<unknown>): void {
  container.register(PluginTokens.context, { useValue: context });
  container.register(PluginTokens.config, { useValue: context.config });
  container.register(PluginTokens.log, { useValue: context.log });
  container.register(PluginTokens.channel, { useValue: context.channel });
  container.register(PluginTokens.pool, { useValue: context.pool });
  container.register(PluginTokens.members, { useValue: context.members });
  container.register(PluginTokens.clock, { useValue: context.clock });
  container.register(PluginTokens.signal, { useValue: context.signal });
  container.register(PluginTokens.dataDir, { useValue: context.dataDir });
}
