import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sourceFiles } from '../helpers/import-specifiers';
import type { G2gPlugin, PluginChannel, PluginContext, PluginServer } from '../../src/plugins/contract';
import { PluginTokens } from '../../src/plugins/tokens';
import { createFakeContext, FakeNetwork } from '../../src/plugins/testing';

/**
 * The example of docs/plugin-guide.md ("The container"), as written there: a plugin builds its
 * parts in its own container with factories over the context's tokens, importing nothing of
 * tsyringe at run time (so no decorators, compiler flags or copy of tsyringe of its own).
 */

interface GreeterConfig {
  greeting: string;
}

/** One part of the plugin: what it needs comes in through its constructor. */
class Greeter {
  constructor(private readonly config: GreeterConfig, private readonly channel: PluginChannel) {}
  async greet(name: string): Promise<string> {
    const text = `${this.config.greeting}, ${name}`;
    await this.channel.publish('greeted', new TextEncoder().encode(text));
    return text;
  }
}

class GreeterPlugin implements G2gPlugin {
  readonly greeter: Greeter;
  constructor(ctx: PluginContext<GreeterConfig>) {
    // Registered once per plugin instance, in the plugin's own child container.
    ctx.container.register(Greeter, {
      useFactory: (c) => new Greeter(c.resolve<GreeterConfig>(PluginTokens.config), c.resolve<PluginChannel>(PluginTokens.channel)),
    });
    this.greeter = ctx.container.resolve(Greeter);
  }
  register(_server: PluginServer): void {}
}

test('a plugin builds its parts in its own container from the context tokens (the plugin guide example)', async () => {
  const network = new FakeNetwork();
  const a = createFakeContext<GreeterConfig>({ name: 'greeter', network, config: { greeting: 'Hello' } });
  const b = createFakeContext<GreeterConfig>({ name: 'greeter', network, config: { greeting: 'Howdy' } });
  const heard: string[] = [];
  b.context.channel.subscribe('greeted', (m) => void heard.push(new TextDecoder().decode(m.data)));
  const pa = await a.start(GreeterPlugin);
  const pb = await b.start(GreeterPlugin);
  assert.equal(await pa.greeter.greet('ann'), 'Hello, ann', 'each plugin gets its own config through its container');
  assert.equal(await pb.greeter.greet('bob'), 'Howdy, bob');
  await network.settle();
  assert.deepEqual(heard.sort(), ['Hello, ann', 'Howdy, bob']);
  // The containers are the plugins' own: a registration in one is not seen by the other, nor globally.
  assert.notEqual(a.context.container, b.context.container);
  assert.equal(a.context.container.resolve(PluginTokens.context), a.context);
  const { container: global } = await import('tsyringe');
  assert.equal(global.isRegistered(Greeter, true), false);
  await a.dispose();
  await b.dispose();
});

test('tsyringe is for plugins only: src/ has no decorators, and loads reflect-metadata only where plugin containers are made', () => {
  const SRC = path.resolve(__dirname, '../../../src');
  const decorated: string[] = [];
  const loaders: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    if (/^\s*@[A-Za-z]+\(/m.test(text)) decorated.push(path.relative(SRC, file));
    if (/import 'reflect-metadata'/.test(text)) loaders.push(path.relative(SRC, file));
  }
  assert.deepEqual(decorated, []);
  assert.deepEqual(loaders.sort(), [path.join('plugins', 'plugin-host.ts'), path.join('plugins', 'testing.ts')]);
});
