/**
 * docs/plugin-guide.md §1, executed: pack this checkout, `plugin init` a project in a temporary
 * directory outside it, `npm install && npm test` there, `plugins check`, three real nodes
 * loading the plugin from the project folder, operator credentials, and calls with buf curl
 * through reflection. Every command run here must appear in the guide (so the guide cannot drift
 * from what works); ports are OS-chosen instead of the guide's fixed ones. Reports the time from
 * `plugin init` to the first answered call as a diagnostic (target: ≤ 2 minutes; not asserted:
 * it depends on the machine's load and npm's cache).
 *
 * npm install reaches the registry for the project's devDependencies (typescript, @types/node,
 * grpc-js, proto-loader) unless npm's cache has them (--prefer-offline); g2g itself is the tarball.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { bufCurl, lines, responseJson } from '../helpers/interop-buf';
import { describeResult, exec, REPO_ROOT, type ExecResult } from '../helpers/interop-exec';
import { CLI, removeDir, reusableTicket, startNodeProcess, tempDir, type NodeProcess } from '../helpers/node-process';

const GUIDE = readFileSync(path.join(REPO_ROOT, 'docs', 'plugin-guide.md'), 'utf8');
const NAME = 'hello-world';
const SERVICE = 'hello_world.v1.HelloWorldService';

const nodes: NodeProcess[] = [];
let scratch = '';
after(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await Promise.all(nodes.map((n) => removeDir(n.dataDir)));
  if (scratch) await removeDir(scratch);
}, { timeout: 60_000 });

/** The guide shows `command`; the test then runs it (or its port-0 equivalent). */
function inGuide(command: string): void {
  assert.ok(GUIDE.includes(command), `docs/plugin-guide.md no longer shows: ${command}`);
}

function ok(r: ExecResult): ExecResult {
  assert.equal(r.code, 0, describeResult(r));
  return r;
}

const g2g = (args: string[], cwd: string) => exec(process.execPath, [CLI, ...args], { cwd, timeoutMs: 60_000 });

test('the plugin guide, followed on a fresh scaffold and three real nodes, ends in calls through buf curl', { timeout: 300_000 }, async (t) => {
  scratch = await tempDir('g2g-plugin-guide-');
  inGuide('npm run build && npm pack');
  const packed = ok(await exec('npm', ['pack', '--pack-destination', scratch, '--silent'], { cwd: REPO_ROOT, timeoutMs: 120_000 }));
  const tarball = path.join(scratch, packed.stdout.trim().split('\n').pop()!);

  const started = Date.now();
  inGuide(`$G2G plugin init ${NAME} --g2g file:/path/to/g2g-0.1.0.tgz`);
  ok(await g2g(['plugin', 'init', NAME, '--g2g', `file:${tarball}`], scratch));
  const project = path.join(scratch, NAME);
  inGuide('npm install && npm test');
  ok(await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project, timeoutMs: 180_000 }));
  // Without NODE_TEST_CONTEXT, which would make the project's `node --test` report to this runner instead of its stdout.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const tested = ok(await exec('npm', ['test'], { cwd: project, env, timeoutMs: 120_000 }));
  assert.match(tested.stdout, /# pass 2/);
  assert.match(tested.stdout, /# fail 0/);
  // The local @bufbuild/buf (a devDependency of the scaffold), never the registry's unrelated `buf`.
  inGuide('npx @bufbuild/buf lint');
  ok(await exec('npx', ['--no-install', '@bufbuild/buf', 'lint'], { cwd: project, env, timeoutMs: 60_000 }));
  inGuide('npm run gen');
  const generated = readFileSync(path.join(project, 'src', 'generated', 'hello_world.ts'), 'utf8');
  ok(await exec('npm', ['run', 'gen'], { cwd: project, env, timeoutMs: 60_000 }));
  assert.equal(readFileSync(path.join(project, 'src', 'generated', 'hello_world.ts'), 'utf8'), generated, "npm run gen makes what plugin init made");
  inGuide('npm run check');
  assert.match(ok(await exec('npm', ['run', 'check'], { cwd: project, env, timeoutMs: 120_000 })).stdout, new RegExp(`plugin ${NAME} 0\\.1\\.0: ok`));
  inGuide('$G2G plugins check .');
  assert.match(ok(await g2g(['plugins', 'check', '.'], project)).stdout, new RegExp(`plugin ${NAME} 0\\.1\\.0: ok`));

  inGuide('--plugins-dir $PWD');
  inGuide('G2G_PLUGIN_HELLO_WORLD_GREETING=Hi $G2G start');
  inGuide('TICKET=$($G2G nominate --reusable --data-dir /tmp/n1)');
  inGuide('--plugin-hello-world-greeting Howdy &');
  const first = await startNodeProcess({ args: ['--plugins-dir', project], env: { G2G_PLUGIN_HELLO_WORLD_GREETING: 'Hi' } });
  nodes.push(first);
  const ticket = await reusableTicket(first.dataDir);
  const peerArgs = [['--plugin-hello-world-greeting', 'Howdy'], []];
  nodes.push(...(await Promise.all(peerArgs.map((extra) => startNodeProcess({ args: ['--plugins-dir', project, ...extra], env: { G2G_JOIN: ticket } })))));

  inGuide('$G2G credentials --name alice --out ./alice --data-dir /tmp/n1');
  ok(await g2g(['credentials', '--name', 'alice', '--out', './alice', '--data-dir', first.dataDir], project));
  const creds = { caFile: path.join(project, 'alice', 'ca.pem'), certFile: path.join(project, 'alice', 'cert.pem'), keyFile: path.join(project, 'alice', 'key.pem'), cacheDir: path.join(scratch, 'buf-cache') };
  const call = (port: number, method: string, data?: object) => bufCurl(`https://127.0.0.1:${port}/${SERVICE}/${method}`, { ...creds, ...(data ? { data } : {}) });

  inGuide(`-d '{"name":"ann"}' https://127.0.0.1:7401/${SERVICE}/Hello`);
  const hello = responseJson<{ message: string; nodeId: string }>(ok(await call(first.facts.gossipPort, 'Hello', { name: 'ann' })));
  const firstCallMs = Date.now() - started;
  inGuide('# {"message": "Hi, ann"');
  assert.deepEqual(hello, { message: 'Hi, ann', nodeId: first.facts.nodeId });
  t.diagnostic(`plugin init → first call: ${(firstCallMs / 1000).toFixed(1)} s (target ≤ 120 s)`);

  // The fan-out reaches the two other nodes once they run the plugin and node 1's pool has them.
  inGuide(`-d '{"count":2,"name":"ann"}' https://127.0.0.1:7401/${SERVICE}/HelloPeers`);
  const others = nodes.slice(1).map((n) => n.facts.nodeId).sort();
  let replies: { nodeId: string; message: string }[] = [];
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    const peers = responseJson<{ replies?: { nodeId: string; message: string }[] }>(ok(await call(first.facts.gossipPort, 'HelloPeers', { count: 2, name: 'ann' })));
    replies = peers.replies ?? [];
    if (replies.length === 2) break;
  }
  assert.deepEqual(replies.map((r) => r.nodeId).sort(), others, 'HelloPeers answered by both other nodes');
  // Each peer answers with its own greeting: node 2's from the flag, node 3's the manifest's default.
  const [second, third] = nodes.slice(1) as [NodeProcess, NodeProcess];
  inGuide('{"message": "Howdy, ann", "nodeId": "<node 2\'s id>"}, {"message": "Hello, ann", "nodeId": "<node 3\'s id>"}');
  assert.deepEqual(
    Object.fromEntries(replies.map((r) => [r.nodeId, r.message])),
    { [second.facts.nodeId]: 'Howdy, ann', [third.facts.nodeId]: 'Hello, ann' },
  );

  const listed = lines(ok(await bufCurl(`https://127.0.0.1:${first.facts.gossipPort}`, { ...creds, args: ['--list-services'] })));
  assert.ok(listed.includes(SERVICE), listed.join(', '));
  const health = responseJson<{ status: string }>(ok(await bufCurl(`https://127.0.0.1:${first.facts.gossipPort}/grpc.health.v1.Health/Check`, { ...creds, data: { service: SERVICE } })));
  assert.equal(health.status, 'SERVING');
});
