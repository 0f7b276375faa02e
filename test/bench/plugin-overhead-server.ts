import 'reflect-metadata';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { loadConfig } from '../../src/config';
import { issueLeaf } from '../../src/identity/leaf';
import { silentLogger } from '../../src/log/logger';
import { G2gNode } from '../../src/node/g2g-node';
import { bindServer } from '../../src/node/node-servers';
import { describeCaller } from '../../src/transport/caller-identity';
import { callerOf } from '../../src/transport/connection-identity';
import { sayHandler } from '../fixtures/plugins/echo/index';
import { removeDir, tempDir } from '../helpers/node-process';

/*
 * The server side of plugin-overhead.bench.ts, in its own process (the load generator gets the
 * other core). `host`: a real G2gNode serving the echo fixture plugin from test/fixtures/plugins
 * on its gossip port (certificate-provider mTLS, authorisation and metrics interceptors, the
 * plugin host's guard, health and reflection). `bare`: a grpc-js mutual-TLS server
 * (ServerCredentials.createSsl) with the same leaf and CA, serving echo.v1.Echo with the same
 * handler function (the fixture's sayHandler, reading the caller the same way), and nothing else.
 */

/** Source folder of the fixture plugins (dist/test/bench/ → repository root). */
export const FIXTURE_PLUGINS = path.resolve(__dirname, '../../../test/fixtures/plugins');

export interface PluginOverheadServers {
  nodeId: string;
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  ports: { host: number; bare: number };
}

async function main(): Promise<void> {
  const dataDir = await tempDir('g2g-bench-plugin-');
  const config = loadConfig({
    // A 1 h leaf keeps scheduled rotations out of the measured rounds.
    flags: { 'data-dir': dataDir, 'register-port': '0', 'gossip-port': '0', profile: 'local', 'leaf-lifetime': '1h', 'plugins-dir': FIXTURE_PLUGINS, 'plugins-enabled': 'echo' },
    env: {},
  });
  const node = new G2gNode({ config, log: silentLogger() });
  await node.start();
  const running = node.pluginInfo().find((p) => p.name === 'echo');
  if (running?.state !== 'running') throw new Error(`the echo plugin is not running: ${JSON.stringify(running)}`);
  const ca = node.nodeCa;
  const leaf = node.currentLeaf();

  const definition = protoLoader.loadSync('echo/v1/echo.proto', { includeDirs: [path.join(FIXTURE_PLUGINS, 'echo')] });
  const bare = new grpc.Server();
  bare.addService(definition['echo.v1.Echo'] as grpc.ServiceDefinition, {
    Say: sayHandler(ca.nodeId, '', (call) => describeCaller(callerOf(call))),
  });
  const credentials = grpc.ServerCredentials.createSsl(Buffer.from(ca.certPem), [{ cert_chain: Buffer.from(leaf.certPem), private_key: Buffer.from(leaf.keyPem) }], true);
  const barePort = await bindServer(bare, config.host, 0, credentials);

  const member = await issueLeaf(ca, { now: new Date(), lifetimeMs: 3_600_000, ips: [] });
  const ready: PluginOverheadServers = {
    nodeId: ca.nodeId,
    caPem: ca.certPem,
    clientCertPem: member.certPem,
    clientKeyPem: member.keyPem,
    ports: { host: node.boundPorts.gossip, bare: barePort },
  };
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    bare.forceShutdown();
    await node.stop();
    await removeDir(dataDir);
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.send!({ ready });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`plugin-overhead server failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
