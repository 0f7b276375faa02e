import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log/logger';
import { lockDataDir } from '../../src/node/data-dir-lock';
import { G2gNode } from '../../src/node/g2g-node';
import { removeDir, tempDir } from '../helpers/node-process';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => removeDir(d))));

/** A loopback port nothing listens on now (the OS picks it; the probe is closed again). */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Active handles and timers of this process by kind (what would keep it alive or leak). */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

test('a start that fails half-way (its gossip port is taken) stops what it had started: the register port, the lock, the timers', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const gossipPort = (taken.address() as net.AddressInfo).port;
  const registerPort = await freePort();
  const dataDir = await tempDir();
  dirs.push(dataDir);
  const config = loadConfig({
    flags: { profile: 'local', 'data-dir': dataDir, host: '127.0.0.1', 'register-port': String(registerPort), 'gossip-port': String(gossipPort) },
    env: {},
  });
  const before = resources();
  const node = new G2gNode({ config, log: silentLogger(), keyBits: 1024 });
  await assert.rejects(node.start(), (error: Error & { code?: string }) => error.code === 'ERR_PORT_IN_USE' && /--gossip-port/.test(error.message));
  await new Promise<void>((resolve) => taken.close(() => resolve()));
  // The register port had listened before the gossip port failed: it is closed again.
  assert.equal(await canListen(registerPort), true, 'the register port is free again');
  // The data dir's lock is released: another node (here, the lock itself) may take it.
  const lock = await lockDataDir(dataDir);
  await lock.release();
  await new Promise<void>((resolve) => setImmediate(resolve));
  const left = resources();
  for (const kind of ['Timeout', 'TCPServerWrap', 'PipeServerWrap', 'TCPSocketWrap']) {
    assert.ok((left[kind] ?? 0) <= (before[kind] ?? 0), `no ${kind} left behind: before ${JSON.stringify(before)}, after ${JSON.stringify(left)}`);
  }
  await node.stop();
  await assert.rejects(node.start(), /stopped node cannot be started again/);
});
