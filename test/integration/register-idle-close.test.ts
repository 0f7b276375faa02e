import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { G2gNode } from '../../src/node/g2g-node';
import { startInProcessNode } from '../helpers/in-process-node';
import { rawCall, rawSession } from '../helpers/raw-grpc';

/*
 * registerIdleTimeout is announced by grpc-js with a GOAWAY, which a hostile client may ignore.
 * The node's own guard closes such a connection a grace period (10 s) later, even after it had a
 * useful call (otherwise one Health.Check would buy it the hard lifetime of about 17 minutes).
 */

let node: G2gNode;
let close: () => Promise<void>;

before(async () => {
  ({ node, close } = await startInProcessNode({ 'register-idle-timeout': '1s' }));
});

after(async () => {
  await close();
});

test('a register-port client that ignores the idle GOAWAY after a useful call is closed by the node a grace period later', { timeout: 60_000 }, async () => {
  // A hostile client: its TCP socket never closes or half-closes (whatever TLS and HTTP/2 above it
  // do), and its HTTP/2 session ignores the GOAWAY.
  let raw: net.Socket | undefined;
  const session = await rawSession({
    port: node.boundPorts.register,
    socket: () => {
      raw = net.connect({ host: '127.0.0.1', port: node.boundPorts.register, allowHalfOpen: true });
      raw.on('error', () => undefined);
      return raw;
    },
  });
  const ownSocket = raw!;
  const realDestroy = ownSocket.destroy.bind(ownSocket);
  ownSocket.destroy = (() => ownSocket) as typeof ownSocket.destroy;
  ownSocket.end = (() => ownSocket) as typeof ownSocket.end;
  session.close = (() => undefined) as typeof session.close;
  let goaway = false;
  session.on('goaway', () => {
    goaway = true;
  });
  try {
    const health = await rawCall(session, '/grpc.health.v1.Health/Check', [Buffer.alloc(0)], { timeoutMs: 10_000 });
    assert.equal(health.status, grpc.status.OK, 'a useful call');
    const held = node.portCounters.register.held;
    assert.ok(held >= 1);
    const closedIdle = node.portCounters.register.closedIdle;
    const started = Date.now();
    while (node.portCounters.register.held >= held && Date.now() - started < 40_000) await new Promise((resolve) => setTimeout(resolve, 100));
    console.log(`the node let the connection go after ${Date.now() - started} ms; goaway ${goaway}; closedIdle ${node.portCounters.register.closedIdle}; held ${node.portCounters.register.held}`);
    assert.ok(goaway, 'grpc-js asked first (GOAWAY)');
    assert.equal(node.portCounters.register.held, held - 1, 'the node holds the connection no more');
    assert.equal(node.portCounters.register.closedIdle, closedIdle + 1, 'the guard closed it for being idle');
  } finally {
    realDestroy();
    session.destroy();
  }
});
