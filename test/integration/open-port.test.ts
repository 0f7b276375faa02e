import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type http2 from 'node:http2';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { call, channelOptions, g2gProto, healthClient, tlsCredentials } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { removeDir, reusableTicket, runCli, startNodeProcess, type NodeProcess } from '../helpers/node-process';
import { tcpConnections, TCP_ESTABLISHED } from '../helpers/proc-sockets';
import { idleTlsFlood, rawCall, rawSession, rssOf } from '../helpers/raw-grpc';

/*
 * The register port under a hostile client ("The open port"), against a real node
 * process started with a lowered descriptor limit. Each attack comes from its own loopback
 * address (127.0.0.x: Linux routes all of 127/8 to lo, and a client may bind any of them), so
 * per-source state of one test never helps another; the honest client is 127.0.0.1.
 */

const NOFILE = 512;
let proc: NodeProcess;
let caPem: string;
const cleanups: Array<() => unknown> = [];

before(async () => {
  proc = await startNodeProcess({
    // `ulimit -n` then exec: the node is the same process, with RLIMIT_NOFILE lowered.
    wrapper: ['bash', '-c', `ulimit -n ${NOFILE} && exec "$0" "$@"`],
    args: ['--health-port', '0', '--unused-connection-timeout', '3s'],
  });
  caPem = await readFile(path.join(proc.dataDir, 'identity', 'node-ca.pem'), 'utf8');
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await proc.stop('SIGKILL');
  await removeDir(proc.dataDir);
});

function whoAmI(): Promise<{ nodeId: string }> {
  const client = new (g2gProto().g2g.v1.Register)(`127.0.0.1:${proc.facts.registerPort}`, tlsCredentials({ caPem, nodeId: proc.facts.nodeId }), channelOptions(proc.facts.nodeId));
  return call<{ nodeId: string }>(client, 'WhoAmI', {}).finally(() => client.close());
}

async function idleFlood(port: number, localAddress: string, count: number): ReturnType<typeof idleTlsFlood> {
  const flood = await idleTlsFlood(port, localAddress, count);
  cleanups.push(() => flood.sockets.forEach((s) => s.destroy()));
  return flood;
}

test('idle-connection flood from one source: it holds at most 64 connections, a fresh client is served on both ports, RSS stays bounded', async () => {
  const before = await rssOf(proc.facts.pid);
  const flood = await idleFlood(proc.facts.registerPort, '127.0.0.3', 2 * NOFILE);
  const during = await rssOf(proc.facts.pid);
  // Counted on the node's side (its descriptors): the client's view lags the node's resets.
  const held = (await tcpConnections(proc.facts.pid)).filter((c) => c.localPort === proc.facts.registerPort && c.state === TCP_ESTABLISHED).length;
  assert.ok(held <= 64, `one source holds ${held} connections (limit 64)`);
  assert.ok(flood.maxHeld() > 0, 'the flood did get its share');
  // A fresh client from another source, while the flood's connections are open.
  assert.equal((await whoAmI()).nodeId, proc.facts.nodeId);
  const status = await runCli(['status', '--data-dir', proc.dataDir, '--json']);
  assert.equal(status.code, 0, `g2g status over the gossip port: ${status.stderr}`);
  for (const socket of flood.sockets) socket.destroy();
  assert.ok(during - before < 64 * 1024 * 1024, `RSS grew by ${((during - before) / 2 ** 20).toFixed(1)} MiB during the flood`);
});

test('connections that never make a useful call are closed at unusedConnectionTimeout; one that did stays', async () => {
  const flood = await idleFlood(proc.facts.registerPort, '127.0.0.4', 5);
  assert.equal(flood.maxHeld(), 5);
  const used = await rawSession({ port: proc.facts.registerPort, localAddress: '127.0.0.4' });
  cleanups.push(() => used.destroy());
  const answer = await rawCall(used, '/g2g.v1.Register/WhoAmI', [Buffer.alloc(0)]);
  assert.equal(answer.status, grpc.status.OK);
  await eventually('the idle connections are closed', async () => flood.held() === 0, 30_000);
  assert.equal(used.closed || used.destroyed, false, 'the connection that had an answer is still open');
});

test('Health.Watch flood: one source gets at most healthWatchStreamsPerSource streams, the rest RESOURCE_EXHAUSTED; another source still watches', async () => {
  const results: Array<Promise<{ status: number | undefined; messages: Buffer[] }>> = [];
  const streams: http2.ClientHttp2Stream[] = [];
  for (let s = 0; s < 4; s++) {
    const session = await rawSession({ port: proc.facts.registerPort, localAddress: '127.0.0.5' });
    cleanups.push(() => session.destroy());
    for (let i = 0; i < 10; i++) {
      results.push(rawCall(session, '/grpc.health.v1.Health/Watch', [Buffer.alloc(0)], { untilMessages: 1, timeoutMs: 15_000, onStream: (st) => streams.push(st) }));
    }
  }
  const outcomes = await Promise.all(results);
  const watching = outcomes.filter((o) => o.messages.length > 0).length;
  const refused = outcomes.filter((o) => o.status === grpc.status.RESOURCE_EXHAUSTED).length;
  assert.ok(watching <= 8, `${watching} Watch streams served to one source (limit 8)`);
  assert.equal(watching + refused, 40, 'every other stream is refused with RESOURCE_EXHAUSTED');
  const honest = healthClient(`127.0.0.1:${proc.facts.registerPort}`, { caPem, nodeId: proc.facts.nodeId });
  cleanups.push(() => honest.close());
  const first = await new Promise<string>((resolve, reject) => {
    const watch = (honest as unknown as { Watch(r: object): grpc.ClientReadableStream<{ status: string }> }).Watch({ service: '' });
    watch.once('data', (m: { status: string }) => {
      resolve(m.status);
      watch.cancel();
    });
    watch.once('error', (e: grpc.ServiceError) => e.code !== grpc.status.CANCELLED && reject(e));
  });
  assert.equal(first, 'SERVING');
  for (const stream of streams) stream.close();
});

test('undecodable input answers INVALID_ARGUMENT on every register-port method (and on the plain health port)', async () => {
  // A field tag whose varint never ends: no decoder (protobufjs, grpc-health-check's own) reads it.
  const garbage = Buffer.from([0xff, 0xff]);
  const session = await rawSession({ port: proc.facts.registerPort, localAddress: '127.0.0.6' });
  cleanups.push(() => session.destroy());
  const methods = [
    '/g2g.v1.Register/WhoAmI',
    '/g2g.v1.Register/Join',
    '/g2g.v1.Register/Rejoin',
    '/grpc.health.v1.Health/Check',
    '/grpc.health.v1.Health/Watch',
    '/grpc.health.v1.Health/List',
    '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
    '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
  ];
  for (const method of methods) {
    const result = await rawCall(session, method, [garbage]);
    assert.equal(result.status, grpc.status.INVALID_ARGUMENT, `${method}: ${result.status} ${result.details}`);
  }
  const { default: http2 } = await import('node:http2');
  const plain = http2.connect(`http://127.0.0.1:${proc.facts.healthPort}`);
  cleanups.push(() => plain.destroy());
  plain.on('error', () => undefined);
  const check = await rawCall(plain, '/grpc.health.v1.Health/Check', [garbage]);
  assert.equal(check.status, grpc.status.INVALID_ARGUMENT);
  assert.equal((await whoAmI()).nodeId, proc.facts.nodeId, 'still serving');
});

test('idle Join streams from one source do not keep a newcomer from another source out', async () => {
  let stop = false;
  const sessions: http2.ClientHttp2Session[] = [];
  let opened = 0;
  // Keeps 70 silent Join streams open (the old global cap was 64), re-opening each as it ends.
  const hold = async (session: http2.ClientHttp2Session) => {
    while (!stop && !session.destroyed) {
      opened += 1;
      await rawCall(session, '/g2g.v1.Register/Join', [], { keepOpen: true, timeoutMs: 60_000 });
      if (!stop) await new Promise((r) => setTimeout(r, 20));
    }
  };
  for (let s = 0; s < 5; s++) {
    const session = await rawSession({ port: proc.facts.registerPort, localAddress: '127.0.0.7' });
    sessions.push(session);
    for (let i = 0; i < 14; i++) void hold(session);
  }
  cleanups.push(() => {
    stop = true;
    sessions.forEach((s) => s.destroy());
  });
  const ticket = await reusableTicket(proc.dataDir);
  const newcomer = await startNodeProcess({ env: { G2G_JOIN: ticket } });
  cleanups.push(async () => {
    await newcomer.stop('SIGKILL');
    await removeDir(newcomer.dataDir);
  });
  assert.ok(opened >= 70, 'the attack was running');
  const status = await runCli(['status', '--data-dir', newcomer.dataDir, '--json']);
  assert.equal(status.code, 0, status.stderr);
  stop = true;
  for (const session of sessions) session.destroy();
});
