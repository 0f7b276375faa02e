import 'reflect-metadata';
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { readNodeCaFiles } from '../../src/identity/identity-store';
import { issueOperatorCertificate } from '../../src/identity/leaf';
import type { MembersResponse__Output } from '../../src/proto/generated/g2g/v1/MembersResponse';
import type { RotateResponse__Output } from '../../src/proto/generated/g2g/v1/RotateResponse';
import { call, channelOptions, failureCode, g2gProto, healthClient, tlsCredentials, type TlsMaterial } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { makeCa, memberLeaf } from '../helpers/in-process-node';
import { outsiderClientCertificate } from '../helpers/interop-certs';
import { removeDir, startCluster, type NodeProcess } from '../helpers/node-process';
import { ECHO_SERVICE, FIXTURE_PLUGINS_DIR } from '../helpers/plugin-folders';

/*
 * The fixture plugin in a 3-node cluster of real processes: served on every node over mutual
 * TLS, reaching the same service on its peers through the pool, refusing non-members, and
 * unaffected by leaf rotations.
 */

const Echo = grpc.makeClientConstructor(
  protoLoader.loadSync('echo/v1/echo.proto', { includeDirs: [path.join(FIXTURE_PLUGINS_DIR, 'echo')] })[ECHO_SERVICE] as grpc.ServiceDefinition,
  ECHO_SERVICE,
);

interface Say {
  text: string;
  servedBy: string;
  caller: string;
}
interface OnPeers {
  answers?: { nodeId: string; response: Say }[];
  errors?: string[];
}

interface Member {
  process: NodeProcess;
  id: string;
  material: TlsMaterial;
  echo: grpc.Client;
  admin: grpc.Client;
}

const nodes: Member[] = [];
const args = ['--plugins-dir', FIXTURE_PLUGINS_DIR];

before(async () => {
  for (const process of (await startCluster(3, { args })).nodes) {
    const ca = await readNodeCaFiles(process.dataDir);
    const operator = await issueOperatorCertificate(ca, { name: 'plugin-test', now: new Date(), lifetimeMs: 3_600_000, keyBits: 1024 });
    const material: TlsMaterial = { caPem: ca.certPem, nodeId: ca.nodeId, certPem: operator.certPem, keyPem: operator.keyPem };
    const address = `127.0.0.1:${process.facts.gossipPort}`;
    nodes.push({
      process,
      id: ca.nodeId,
      material,
      echo: new Echo(address, tlsCredentials(material), channelOptions(ca.nodeId)),
      admin: new (g2gProto().g2g.v1.Admin)(address, tlsCredentials(material), channelOptions(ca.nodeId)),
    });
  }
  // Every node sees the two others alive, advertising the plugin's service.
  for (const node of nodes) {
    await eventually(`${node.id} sees its peers serving ${ECHO_SERVICE}`, async () => {
      const view = await call<MembersResponse__Output>(node.admin, 'Members', {}, 5000);
      const serving = view.members.filter((m) => m.state === 'MEMBER_STATE_ALIVE' && m.services.includes(ECHO_SERVICE));
      return serving.length === 2;
    });
  }
}, { timeout: 150_000 });

after(async () => {
  for (const node of nodes) {
    node.echo.close();
    node.admin.close();
    await node.process.stop('SIGKILL');
    await removeDir(node.process.dataDir);
  }
});

test('the plugin answers on every node over mTLS, with health SERVING', async () => {
  for (const node of nodes) {
    const answer = await call<Say>(node.echo, 'Say', { text: 'hello' });
    assert.deepEqual(answer, { text: 'hello', servedBy: node.id, caller: `operator:plugin-test@${node.id}` });
    const health = healthClient(`127.0.0.1:${node.process.facts.gossipPort}`, node.material);
    try {
      assert.deepEqual(await call(health, 'Check', { service: ECHO_SERVICE }), { status: 'SERVING' });
    } finally {
      health.close();
    }
  }
});

test('each node reaches the same service on its peers through the pool, calling as itself', async () => {
  for (const node of nodes) {
    const peers = nodes.filter((n) => n !== node).map((n) => n.id).sort();
    await eventually(`${node.id} reaches both peers`, async () => {
      const result = await call<OnPeers>(node.echo, 'SayOnPeers', { text: 'fan', count: 2 });
      const answers = result.answers ?? [];
      if (answers.length < 2) return false;
      assert.deepEqual(answers.map((a) => a.nodeId).sort(), peers);
      for (const a of answers) assert.deepEqual(a.response, { text: 'fan', servedBy: a.nodeId, caller: `member:${node.id}` });
      return true;
    });
  }
});

test("a plugin's channel reaches the same plugin on every node, under its prefix and signed by the origin", async () => {
  const origin = nodes[1]!;
  const shouted = await call<{ topic: string }>(origin.echo, 'Shout', { text: 'hello everyone' });
  assert.equal(shouted.topic, 'echo/said');
  for (const node of nodes) {
    await eventually(`${node.id} hears it`, async () => {
      const heard = await call<{ messages?: { text: string; origin: string; topic: string }[] }>(node.echo, 'Heard', {});
      return (heard.messages ?? []).some((m) => m.text === 'hello everyone' && m.origin === origin.id && m.topic === 'echo/said');
    });
  }
});

test('calls from a non-member are refused', async () => {
  const node = nodes[0]!;
  const address = `127.0.0.1:${node.process.facts.gossipPort}`;
  const outsider = outsiderClientCertificate('plugin-intruder');
  const stranger = await memberLeaf(await makeCa());
  for (const cert of [outsider, stranger]) {
    const material = { ...node.material, certPem: cert.certPem, keyPem: cert.keyPem };
    const client = new Echo(address, tlsCredentials(material), channelOptions(node.id));
    try {
      // Not in the trust bundle: refused at the TLS handshake, before any plugin code.
      assert.equal(await failureCode(call(client, 'Say', { text: 'let me in' }, 10_000)), grpc.status.UNAVAILABLE);
    } finally {
      client.close();
    }
  }
});

test('three leaf rotations on every node: zero failed calls, direct or through the pool', async () => {
  let running = true;
  const failures: string[] = [];
  const counts = { direct: 0, fanOut: 0 };
  const loops = nodes.flatMap((node) => [
    (async () => {
      while (running) {
        try {
          const answer = await call<Say>(node.echo, 'Say', { text: 'steady' });
          assert.equal(answer.servedBy, node.id);
          counts.direct++;
        } catch (error) {
          failures.push(`Say on ${node.id}: ${(error as Error).message}`);
        }
      }
    })(),
    (async () => {
      while (running) {
        try {
          const result = await call<OnPeers>(node.echo, 'SayOnPeers', { text: 'steady', count: 2 });
          for (const e of result.errors ?? []) failures.push(`fan-out from ${node.id}: ${e}`);
          if ((result.answers ?? []).length !== 2) failures.push(`fan-out from ${node.id}: ${(result.answers ?? []).length} answers`);
          counts.fanOut++;
        } catch (error) {
          failures.push(`SayOnPeers on ${node.id}: ${(error as Error).message}`);
        }
      }
    })(),
  ]);
  const waitForCalls = async (n: number) => {
    const target = { direct: counts.direct + n, fanOut: counts.fanOut + n };
    await eventually('calls flow', async () => counts.direct >= target.direct && counts.fanOut >= target.fanOut, 60_000, 20);
  };
  const fingerprints = new Set<string>();
  await waitForCalls(10);
  for (let round = 1; round <= 3; round++) {
    for (const node of nodes) {
      const rotated = await call<RotateResponse__Output>(node.admin, 'Rotate', { reason: `plugin test round ${round}` }, 30_000);
      assert.notEqual(rotated.current?.fingerprint, rotated.previous?.fingerprint);
      fingerprints.add(rotated.current!.fingerprint);
      // Peers learn the new leaf by gossip and recycle their pooled channels; calls continue.
      await waitForCalls(10);
    }
  }
  running = false;
  await Promise.all(loops);
  assert.deepEqual(failures, []);
  assert.equal(fingerprints.size, 9, 'nine distinct new leaves');
  assert.ok(counts.direct >= 90 && counts.fanOut >= 90, `calls kept flowing (${counts.direct} direct, ${counts.fanOut} fan-outs)`);
});
