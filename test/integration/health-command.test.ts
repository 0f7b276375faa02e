import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { eventually } from '../helpers/eventually';
import { removeDir, runCli, startNodeProcess, tempDir, type NodeProcess } from '../helpers/node-process';
import { writePlugin } from '../helpers/plugin-folders';

/**
 * `g2g health` against a real node: SERVING, NOT_SERVING while it drains, and a stopped
 * node, by exit status (0, 1, 3) and one line. The node drains for as long as a plugin's stop
 * takes: the fixture's stop never ends, so the drain lasts pluginsStopTimeout (a window to look
 * at, not a duration the test relies on: it waits for the state).
 */

let node: NodeProcess | undefined;
const dirs: string[] = [];

after(async () => {
  await node?.stop('SIGKILL');
  for (const dir of dirs) await removeDir(dir);
});

const SLOW_STOP = `'use strict';
module.exports = class {
  constructor(ctx) { this.ctx = ctx; }
  register(server) { server.addService('slow_stop.v1.Svc', { Ping: (call, cb) => cb(null, { text: call.request.text, nodeId: this.ctx.nodeId }) }); }
  start() {}
  stop() { return new Promise(() => undefined); }
};
`;

test('g2g health: 0 SERVING, 1 SERVICE_UNKNOWN or NOT_SERVING while draining, 3 once stopped', async () => {
  const plugins = await tempDir('g2g-health-plugins-');
  dirs.push(plugins);
  await writePlugin(plugins, 'slow-stop', { entry: SLOW_STOP });
  node = await startNodeProcess({ args: ['--health-port', '0', '--plugins-dir', plugins, '--plugins-stop-timeout', '60s', '--drain-timeout', '1s'] });
  dirs.push(node.dataDir);
  const { dataDir } = node;
  const { registerPort, healthPort } = node.facts;
  assert.ok(healthPort, 'the node has a plain health port');

  const serving = await runCli(['health', '--data-dir', dataDir]);
  assert.equal(serving.code, 0, serving.stderr);
  assert.equal(serving.stdout.trim(), 'SERVING');
  const viaRegister = await runCli(['health', '--addr', `127.0.0.1:${registerPort}`, '--tls']);
  assert.equal(viaRegister.code, 0, `the register port over TLS: ${viaRegister.stderr}`);
  const plugin = await runCli(['health', '--addr', `127.0.0.1:${healthPort}`, '--service', 'slow_stop.v1.Svc']);
  assert.equal(plugin.code, 0, `a plugin's service by name: ${plugin.stderr}`);
  const unknown = await runCli(['health', '--data-dir', dataDir, '--service', 'no.such.v1.Service']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^SERVICE_UNKNOWN: .*\n$/);

  // SIGTERM: the node goes NOT_SERVING at once, then waits for the plugin's stop.
  node.child.kill('SIGTERM');
  let draining = { code: null as number | null, stdout: '', stderr: '' };
  await eventually('health says NOT_SERVING while the node drains', async () => {
    draining = await runCli(['health', '--data-dir', dataDir]);
    return draining.code === 1;
  }, 30_000, 200);
  assert.equal(node.child.exitCode, null, 'the node is still running (draining)');
  assert.match(draining.stderr, /^NOT_SERVING: /);
  assert.equal(draining.stderr.trim().split('\n').length, 1, 'one line');

  node.child.kill('SIGKILL');
  await node.stop('SIGKILL');
  const stopped = await runCli(['health', '--data-dir', dataDir]);
  assert.equal(stopped.code, 3, stopped.stderr);
  const refused = await runCli(['health', '--addr', `127.0.0.1:${healthPort}`, '--timeout', '2s']);
  assert.equal(refused.code, 3);
  assert.match(refused.stderr, /^no answer from /);
  // Like every duration flag, a bare number is refused: 2000 could be ms or s.
  const bare = await runCli(['health', '--addr', `127.0.0.1:${healthPort}`, '--timeout', '2000']);
  assert.equal(bare.code, 2, bare.stderr);
  assert.match(bare.stderr, /^g2g: --timeout: a bare number has no unit/);
  const usage = await runCli(['health', '--tls']);
  assert.equal(usage.code, 2);
});
