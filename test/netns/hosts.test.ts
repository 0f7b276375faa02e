import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { RuntimeFacts } from '../../src/node/runtime-file';
import { createHosts, netnsUnavailable, type TestHosts } from '../helpers/netns';
import { CLI, removeDir, tempDir } from '../helpers/node-process';

const PROBE = path.resolve(__dirname, 'whoami-probe.js');
let skip: string | undefined;
let net: TestHosts | undefined;
const dirs: string[] = [];

before(async () => {
  skip = await netnsUnavailable();
  if (!skip) net = await createHosts(2, 1);
});

after(async () => {
  await net?.destroy();
  for (const dir of dirs) await removeDir(dir);
});

test('a node on one host sees a caller on another host by its own address (WhoAmI across hosts)', async (t) => {
  if (skip || !net) return t.skip(skip);
  const [server, client] = net.hosts as [TestHosts['hosts'][0], TestHosts['hosts'][0]];
  const dataDir = await tempDir();
  dirs.push(dataDir);
  const node = server.spawn([process.execPath, CLI, 'start', '--data-dir', dataDir, '--register-port', '0', '--gossip-port', '0', '--log-level', 'warn', '--drain-timeout', '1s']);
  try {
    let facts: RuntimeFacts | undefined;
    for (let i = 0; i < 300 && !facts; i++) {
      facts = await readFile(path.join(dataDir, 'runtime.json'), 'utf8').then((t) => JSON.parse(t) as RuntimeFacts, () => undefined);
      if (!facts) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(facts, 'the node started inside its namespace');
    const { stdout } = await client.exec([process.execPath, PROBE, `${server.address}:${facts.registerPort}`, path.join(dataDir, 'identity', 'node-ca.pem'), facts.nodeId]);
    const answer = JSON.parse(stdout) as { address: string; nodeId: string };
    assert.equal(answer.address, client.address);
    assert.equal(answer.nodeId, facts.nodeId);
  } finally {
    node.kill('SIGTERM');
    await new Promise((resolve) => node.once('exit', resolve));
  }
});
