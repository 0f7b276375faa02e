import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { importSpecifiers, sourceFiles } from '../helpers/import-specifiers';

/**
 * The folders of src/ are the architecture (config, identity, transport, membership, register,
 * tokens, pool, channel, plugins, node, cli, …): a folder may depend on another only if that one
 * does not depend back on it, directly or through others. A cycle means neither can be read, tested
 * or replaced without the other. Files at the top of src/ (errors.ts, version.ts) are leaves
 * every folder may use.
 */

const SRC = path.resolve(__dirname, '../../../src');

/** Folder → the other folders of src/ its files import, each edge with one example import. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(SRC)) {
    const rel = path.relative(SRC, file).split(path.sep);
    if (rel.length < 2 || rel.includes('generated')) continue;
    const from = rel[0]!;
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = path.relative(SRC, path.resolve(path.dirname(file), spec)).split(path.sep);
      if (target[0] === '..' || target.length < 2) continue; // outside src/, or a top-level file
      const to = target[0]!;
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, `${path.relative(SRC, file)} imports ${spec}`);
    }
  }
  return graph;
}

/** Every cycle's folders, as a path a → b → … → a with the import behind each step. */
function cycles(graph: Map<string, Map<string, string>>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') {
        const loop = [...stack.slice(stack.indexOf(next)), next];
        found.push(loop.slice(1).map((to, i) => `${loop[i]} → ${to} (${graph.get(loop[i]!)!.get(to)})`).join('; '));
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

test('the import scan sees the dependencies between folders', () => {
  const graph = folderGraph();
  // Edges that exist by design; if these go missing the scan is broken, not the code fixed.
  assert.ok(graph.get('node')?.has('membership'), 'node → membership');
  assert.ok(graph.get('register')?.has('tokens'), 'register → tokens');
  assert.ok(graph.get('plugins')?.has('channel'), 'plugins → channel');
  assert.ok(graph.get('cli')?.has('config'), 'cli → config');
});

test('the cycle search finds a cycle when there is one', () => {
  const graph = new Map([
    ['a', new Map([['b', 'a/x.ts imports ../b/y']])],
    ['b', new Map([['c', 'b/y.ts imports ../c/z']])],
    ['c', new Map([['a', 'c/z.ts imports ../a/x']])],
  ]);
  assert.equal(cycles(graph).length, 1);
  assert.match(cycles(graph)[0]!, /^a → b .*; b → c .*; c → a /);
});

test('no cycle between the top-level folders of src/', () => {
  assert.deepEqual(cycles(folderGraph()), []);
});
