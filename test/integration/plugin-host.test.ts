import 'reflect-metadata';
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { MembersResponse__Output } from '../../src/proto/generated/g2g/v1/MembersResponse';
import type { PluginsResponse__Output } from '../../src/proto/generated/g2g/v1/PluginsResponse';
import { call, channelOptions, failureCode, g2gProto, healthClient, tlsCredentials, type TlsMaterial } from '../helpers/clients';
import { materialFor, operatorCert, startInProcessNode } from '../helpers/in-process-node';
import { removeDir, runCli, tempDir } from '../helpers/node-process';
import { ECHO_SERVICE, FIXTURE_PLUGINS_DIR, SHIPPED_PLUGINS, writePlugin } from '../helpers/plugin-folders';
import { listServices } from '../helpers/reflection-client';

const ECHO_DIR = path.join(FIXTURE_PLUGINS_DIR, 'echo');
const Echo = grpc.makeClientConstructor(
  protoLoader.loadSync('echo/v1/echo.proto', { includeDirs: [ECHO_DIR] })[ECHO_SERVICE] as grpc.ServiceDefinition,
  ECHO_SERVICE,
);

const closers: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

function echoClient(address: string, material: TlsMaterial): grpc.Client {
  const client = new Echo(address, tlsCredentials(material), channelOptions(material.nodeId));
  closers.push(() => client.close());
  return client;
}

describe('plugin host in a node', () => {
  test('a plugin from pluginsDir is served on the gossip port only: mTLS, health, reflection, metrics, its config, Admin.Plugins, the record', async () => {
    const started = await startInProcessNode({ 'plugins-dir': FIXTURE_PLUGINS_DIR, 'plugin-echo-prefix': '> ' });
    closers.push(() => started.close());
    const { node } = started;
    const operator = await operatorCert(node.nodeCa, 'alice');
    const material = materialFor(node, operator);
    const gossip = `127.0.0.1:${node.boundPorts.gossip}`;

    const answer = await call<{ text: string; servedBy: string; caller: string }>(echoClient(gossip, material), 'Say', { text: 'hi' });
    assert.deepEqual(answer, { text: '> hi', servedBy: node.nodeId, caller: `operator:alice@${node.nodeId}` });

    const health = healthClient(gossip, material);
    closers.push(() => health.close());
    assert.deepEqual(await call(health, 'Check', { service: ECHO_SERVICE }), { status: 'SERVING' });
    assert.ok((await listServices(gossip, material)).includes(ECHO_SERVICE), 'listed by reflection on the gossip port');

    // The register port (TLS without client certificates) never serves plugins.
    const register = `127.0.0.1:${node.boundPorts.register}`;
    assert.equal(await failureCode(call(echoClient(register, materialFor(node)), 'Say', { text: 'hi' })), grpc.status.UNIMPLEMENTED);
    assert.equal((await listServices(register, materialFor(node))).includes(ECHO_SERVICE), false);

    const metrics = await node.metrics.registry.getSingleMetricAsString('grpc_server_handled_total');
    assert.match(metrics, /grpc_server_handled_total\{[^}]*grpc_service="echo\.v1\.Echo",grpc_method="Say",grpc_code="OK"[^}]*\} 1/);

    const admin = new (g2gProto().g2g.v1.Admin)(gossip, tlsCredentials(material), channelOptions(node.nodeId));
    closers.push(() => admin.close());
    const plugins = await call<PluginsResponse__Output>(admin, 'Plugins', {});
    // The package's own plugins (kv, query) are found first, then pluginsDir's.
    assert.deepEqual(plugins.plugins.map((p) => p.name), [...SHIPPED_PLUGINS, 'echo']);
    assert.deepEqual(plugins.plugins.filter((p) => p.name === 'echo').map((p) => [p.name, p.version, p.state, p.services, p.error]), [['echo', '1.0.0', 'running', [ECHO_SERVICE], '']]);
    const members = await call<MembersResponse__Output>(admin, 'Members', {});
    assert.ok(members.self?.services.includes(ECHO_SERVICE), 'the node record advertises the running plugin service');
    assert.ok((node.status().services ?? []).includes(ECHO_SERVICE));

    const cli = await runCli(['plugins', '--data-dir', started.dataDir]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^PLUGIN\s+VERSION\s+STATE\s+SERVICES\n/);
    assert.match(cli.stdout, /^echo\s+1\.0\.0\s+running\s+echo\.v1\.Echo$/m);
  });

  test('a disabled plugin is absent from the server, reflection and health', async () => {
    const started = await startInProcessNode({ 'plugins-dir': FIXTURE_PLUGINS_DIR, 'plugins-disabled': 'echo' });
    closers.push(() => started.close());
    const { node } = started;
    const material = materialFor(node, await operatorCert(node.nodeCa));
    const gossip = `127.0.0.1:${node.boundPorts.gossip}`;
    assert.equal(await failureCode(call(echoClient(gossip, material), 'Say', { text: 'hi' })), grpc.status.UNIMPLEMENTED);
    const services = await listServices(gossip, material);
    assert.equal(services.includes(ECHO_SERVICE), false);
    assert.ok(services.includes('g2g.v1.Admin'), 'reflection itself works');
    const health = healthClient(gossip, material);
    closers.push(() => health.close());
    assert.equal(await failureCode(call(health, 'Check', { service: ECHO_SERVICE })), grpc.status.NOT_FOUND);
    assert.deepEqual(node.pluginInfo().filter((p) => p.name === 'echo').map((p) => [p.name, p.state]), [['echo', 'disabled']]);
    assert.equal((node.status().services ?? []).includes(ECHO_SERVICE), false);
  });

  test("on shutdown a plugin's open stream ends cleanly (status OK, not a cut connection)", async () => {
    const started = await startInProcessNode({ 'plugins-dir': FIXTURE_PLUGINS_DIR });
    const { node } = started;
    const material = materialFor(node, await operatorCert(node.nodeCa));
    const client = echoClient(`127.0.0.1:${node.boundPorts.gossip}`, material);
    const stream = (client as unknown as { Watch(r: object): grpc.ClientReadableStream<{ servedBy: string }> }).Watch({});
    const first = new Promise<{ servedBy: string }>((resolve) => stream.once('data', resolve));
    const status = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    stream.on('error', () => undefined);
    assert.equal((await first).servedBy, node.nodeId);
    await started.close();
    const ended = await status;
    assert.equal(ended.code, grpc.status.OK, `the stream ended with ${grpc.status[ended.code]}: ${ended.details}`);
    assert.deepEqual(node.pluginInfo().map((p) => p.state), [...SHIPPED_PLUGINS, 'echo'].map(() => 'stopped'));
  });

  test('g2g start refuses to start when a plugin fails and pluginsFailOnError is set, naming the plugin and the problem', async () => {
    const dir = await tempDir('g2g-plugin-start-');
    try {
      await writePlugin(`${dir}/plugins`, 'future', { manifest: { host: '>=9.0.0' } });
      const result = await runCli(
        ['start', '--profile', 'local', '--data-dir', `${dir}/data`, '--register-port', '0', '--gossip-port', '0', '--plugins-dir', `${dir}/plugins`, '--plugins-fail-on-error', 'true'],
        { timeoutMs: 60_000 },
      );
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /g2g: plugins failed \(pluginsFailOnError is set\):\n {2}- ERR_PLUGIN_HOST_VERSION: plugin future: needs g2g >=9\.0\.0/);
    } finally {
      await removeDir(dir);
    }
  });
});
