/**
 * A Go client (buf curl) against a node serving the fixture plugin: the plugin's service is
 * listed by reflection with descriptors Go accepts (merged with the host's), callable through
 * reflection alone with an operator certificate, and has its own health.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bufCurl, errorJson, lines, responseJson } from '../helpers/interop-buf';
import { describeResult, type ExecResult } from '../helpers/interop-exec';
import { startInteropNode, type InteropNode } from '../helpers/interop-node';
import { ECHO_SERVICE, FIXTURE_PLUGINS_DIR } from '../helpers/plugin-folders';

const TEST = { timeout: 60_000 };
let fx: InteropNode | undefined;

before(async () => {
  fx = await startInteropNode('plugin-interop', { G2G_PLUGINS_DIR: FIXTURE_PLUGINS_DIR });
}, { timeout: 90_000 });

after(async () => {
  await fx?.close();
}, { timeout: 30_000 });

function node(): InteropNode {
  assert.ok(fx, 'the node did not start (see the before hook)');
  return fx;
}

function onGossip(path: string, extra: { data?: object; args?: string[] } = {}): Promise<ExecResult> {
  return bufCurl(`https://127.0.0.1:${node().facts.gossipPort}${path}`, { ...node().operator, cacheDir: node().scratchDir, ...extra });
}

function ok(r: ExecResult): ExecResult {
  assert.equal(r.code, 0, describeResult(r));
  return r;
}

for (const protocol of ['grpc-v1', 'grpc-v1alpha']) {
  test(`reflection (${protocol}) lists the plugin's service next to the host's`, TEST, async () => {
    const listed = lines(ok(await onGossip('', { args: ['--list-services', '--reflect-protocol', protocol] })));
    assert.ok(listed.includes(ECHO_SERVICE), listed.join(', '));
    assert.ok(listed.includes('g2g.v1.Admin'));
  });
}

test('the plugin method is callable through reflection with an operator certificate', TEST, async () => {
  const r = ok(await onGossip(`/${ECHO_SERVICE}/Say`, { data: { text: 'from go' } }));
  assert.deepEqual(responseJson(r), { text: 'from go', servedBy: node().facts.nodeId, caller: `operator:plugin-interop@${node().facts.nodeId}` });
  const methods = lines(ok(await onGossip('', { args: ['--list-methods'] }))).filter((m) => m.startsWith(`${ECHO_SERVICE}/`));
  assert.deepEqual(methods.sort(), ['Heard', 'Say', 'SayOnPeers', 'Shout', 'Watch'].map((m) => `${ECHO_SERVICE}/${m}`));
});

test("the plugin's service has its own health, SERVING", TEST, async () => {
  const r = ok(await onGossip('/grpc.health.v1.Health/Check', { data: { service: ECHO_SERVICE } }));
  assert.deepEqual(responseJson(r), { status: 'SERVING' });
  const unknown = await onGossip('/grpc.health.v1.Health/Check', { data: { service: 'nope.v1.Nope' } });
  assert.equal(errorJson(unknown).code, 'not_found', describeResult(unknown));
});
