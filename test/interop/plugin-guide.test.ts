/**
 * The plugin author's guide, as a reader follows it: the example plugin loaded from outside
 * plugins/ (G2G_PLUGINS_DIR), called with buf curl through reflection with credentials from
 * `g2g credentials`, and its health per service.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { bufCurl, lines, responseJson } from '../helpers/interop-buf';
import { describeResult, REPO_ROOT, type ExecResult } from '../helpers/interop-exec';
import { startInteropNode, type InteropNode } from '../helpers/interop-node';

const SERVICE = 'example.greeter.v1.Greeter';
let fx: InteropNode | undefined;

before(async () => {
  fx = await startInteropNode('alice', { G2G_PLUGINS_DIR: path.join(REPO_ROOT, 'examples', 'plugin-author'), G2G_PLUGIN_GREETER_GREETING: 'Howdy' });
}, { timeout: 90_000 });

after(async () => {
  await fx?.close();
}, { timeout: 30_000 });

function gossip(pathName: string, extra: { data?: object; args?: string[] } = {}): Promise<ExecResult> {
  const node = fx!;
  return bufCurl(`https://127.0.0.1:${node.facts.gossipPort}${pathName}`, { ...node.operator, cacheDir: node.scratchDir, ...extra });
}

function ok(r: ExecResult): ExecResult {
  assert.equal(r.code, 0, describeResult(r));
  return r;
}

test('the guide\'s plugin is listed by reflection and greets the operator by name, with its configured greeting', { timeout: 60_000 }, async () => {
  assert.ok(lines(ok(await gossip('', { args: ['--list-services'] }))).includes(SERVICE));
  const methods = lines(ok(await gossip('', { args: ['--list-methods'] }))).filter((m) => m.startsWith(`${SERVICE}/`));
  assert.deepEqual(methods.sort(), ['Heard', 'Hello', 'HelloPeers', 'Shout'].map((m) => `${SERVICE}/${m}`));
  const hello = responseJson<{ message: string }>(ok(await gossip(`/${SERVICE}/Hello`)));
  assert.equal(hello.message, `Howdy, operator alice, from ${fx!.facts.nodeId}`);
});

test('the guide\'s plugin has its own health entry, SERVING', { timeout: 60_000 }, async () => {
  const health = responseJson<{ status: string }>(ok(await gossip('/grpc.health.v1.Health/Check', { data: { service: SERVICE } })));
  assert.equal(health.status, 'SERVING');
});

test('the guide\'s plugin shouts over the gossip channel and hears its own shout', { timeout: 60_000 }, async () => {
  const shout = responseJson<{ seq: string }>(ok(await gossip(`/${SERVICE}/Shout`, { data: { text: 'hi all' } })));
  assert.ok(Number(shout.seq) >= 1, JSON.stringify(shout));
  let heard: { shouts?: { nodeId: string; text: string }[] } = {};
  for (let i = 0; i < 50 && !(heard.shouts ?? []).length; i++) {
    heard = responseJson(ok(await gossip(`/${SERVICE}/Heard`)));
    if (!(heard.shouts ?? []).length) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(heard.shouts, [{ nodeId: fx!.facts.nodeId, text: 'hi all' }]);
});
