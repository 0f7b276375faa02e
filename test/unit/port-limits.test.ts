import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { loadConfig } from '../../src/config';
import { portLimits } from '../../src/node/port-limits';
import { ConnectionBudget, ConnectionGuard } from '../../src/transport/connection-guard';
import { automaticConnectionBudget, descriptorReserve, FALLBACK_DESCRIPTOR_LIMIT, readDescriptorLimit } from '../../src/transport/descriptor-limit';
import { HealthWatchLimiter } from '../../src/transport/health-watch-limit';
import { ManualClock } from '../../src/testing/manual-clock';

/** Enough of a net.Socket for the guard: its addresses, destroy(), and 'close' once destroyed. */
class FakeSocket extends EventEmitter {
  destroyed = false;
  constructor(readonly remoteAddress: string, readonly remotePort: number) {
    super();
  }
  destroy(): this {
    if (!this.destroyed) {
      this.destroyed = true;
      this.emit('close');
    }
    return this;
  }
}

let nextPort = 40_000;
const socketFrom = (address: string) => new FakeSocket(address, nextPort++) as unknown as Socket & FakeSocket;

const limits = { perSource: 100, portMax: 100, unusedTimeoutMs: 0 };

test('connection budget: two ports share it; beyond it every port refuses (counted as a budget refusal) until a connection closes', () => {
  const clock = new ManualClock(0);
  const budget = new ConnectionBudget(5);
  const register = new ConnectionGuard(budget, limits, clock);
  const gossip = new ConnectionGuard(budget, limits, clock);
  const held = [];
  for (let i = 0; i < 3; i++) held.push(socketFrom(`192.0.2.${i}`));
  for (const socket of held) assert.ok(register.admit(socket));
  const members = [socketFrom('198.51.100.1'), socketFrom('198.51.100.2')];
  for (const socket of members) assert.ok(gossip.admit(socket));
  assert.equal(budget.held, 5);
  assert.equal(register.admit(socketFrom('192.0.2.50')), false, 'the register port is refused: the budget is spent');
  assert.equal(gossip.admit(socketFrom('198.51.100.3')), false, 'and so is the gossip port');
  assert.equal(register.counters.refusedBudget, 1);
  assert.equal(gossip.counters.refusedBudget, 1);
  assert.equal(register.counters.refusedPerSource + register.counters.refusedPortLimit, 0, 'the refusals are the budget’s, not another limit’s');
  held[0]!.destroy();
  assert.equal(budget.held, 4, 'a closed connection gives its place back');
  assert.ok(gossip.admit(socketFrom('198.51.100.3')));
  assert.equal(budget.held, 5);
});

test('connection guard: per-source and per-port limits refuse before the budget is touched', () => {
  const clock = new ManualClock(0);
  const budget = new ConnectionBudget(100);
  const guard = new ConnectionGuard(budget, { perSource: 2, portMax: 3, unusedTimeoutMs: 0 }, clock);
  assert.ok(guard.admit(socketFrom('192.0.2.1')));
  assert.ok(guard.admit(socketFrom('::ffff:192.0.2.1')), 'IPv4-mapped IPv6 is the same source');
  assert.equal(guard.admit(socketFrom('192.0.2.1')), false);
  assert.equal(guard.counters.refusedPerSource, 1);
  assert.ok(guard.admit(socketFrom('192.0.2.2')));
  assert.equal(guard.admit(socketFrom('192.0.2.3')), false);
  assert.equal(guard.counters.refusedPortLimit, 1);
  assert.equal(budget.held, 3, 'refusals took nothing from the budget');
  assert.deepEqual(guard.largestSource(), { source: '192.0.2.1', held: 2 });
});

test('connection guard: a connection with no useful call is closed at unusedTimeoutMs; a useful one is not', () => {
  const clock = new ManualClock(0);
  const guard = new ConnectionGuard(new ConnectionBudget(10), { perSource: 10, portMax: 10, unusedTimeoutMs: 10_000 }, clock);
  const idle = socketFrom('192.0.2.1');
  const used = socketFrom('192.0.2.1');
  assert.ok(guard.admit(idle));
  assert.ok(guard.admit(used));
  guard.markUseful(`${used.remoteAddress}:${used.remotePort}`);
  clock.advance(9_999);
  assert.equal(idle.destroyed, false);
  clock.advance(1);
  assert.equal(idle.destroyed, true);
  assert.equal(used.destroyed, false);
  assert.equal(guard.counters.closedUnused, 1);
  assert.equal(guard.held(), 1);
});

test('readDescriptorLimit reads the soft limit of /proc/self/limits and falls back to a low guess', () => {
  const limitsText = [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max cpu time              unlimited            unlimited            seconds   ',
    'Max open files            4096                 524288               files     ',
    'Max locked memory         8388608              8388608              bytes     ',
  ].join('\n');
  assert.deepEqual(readDescriptorLimit(limitsText), { soft: 4096, source: 'proc' });
  assert.deepEqual(readDescriptorLimit(limitsText.replace('4096 ', '512  ')), { soft: 512, source: 'proc' });
  assert.deepEqual(readDescriptorLimit('Max cpu time unlimited unlimited seconds'), { soft: FALLBACK_DESCRIPTOR_LIMIT, source: 'fallback' });
  assert.deepEqual(readDescriptorLimit(limitsText.replace('4096 ', 'banana')), { soft: FALLBACK_DESCRIPTOR_LIMIT, source: 'fallback' });
  assert.equal(readDescriptorLimit(limitsText.replace('4096 ', 'unlimited')).soft, Number.MAX_SAFE_INTEGER);
  const own = readDescriptorLimit();
  assert.ok(own.soft > 0 && Number.isSafeInteger(own.soft), 'this process’s own limit reads as a positive integer');
});

test('automaticConnectionBudget keeps a quarter of the limit (at least 128) back, and never goes below 32', () => {
  assert.equal(descriptorReserve(4096), 1024);
  assert.equal(automaticConnectionBudget(4096), 3072);
  assert.equal(automaticConnectionBudget(1024), 768);
  assert.equal(automaticConnectionBudget(256), 128, 'a reserve of 128, more than a quarter');
  assert.equal(automaticConnectionBudget(512), 384);
  assert.equal(automaticConnectionBudget(100), 32, 'a tiny limit still serves a few clients');
  for (const limit of [256, 1024, 4096, 65_536, 1_048_576]) assert.ok(automaticConnectionBudget(limit) <= limit - 128, `${limit}: room for the node's own files`);
});

test('portLimits: the budget follows the descriptor limit, each port at most half of it, and the register port caps its streams per connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS)', () => {
  const config = loadConfig({ flags: { profile: 'local' }, env: {} });
  const limits = portLimits(config, new ManualClock(0), { soft: 512, source: 'proc' });
  assert.equal(limits.budget.total, 384);
  assert.equal(limits.register.limits.portMax, 192);
  assert.equal(limits.gossip.limits.portMax, 192);
  assert.equal(limits.health.limits.portMax, 48);
  assert.equal(limits.register.limits.perSource, 64);
  assert.equal(config.registerStreamsPerConnection, 16);
  assert.equal(limits.registerOptions['grpc.max_concurrent_streams'], 16);
  assert.equal(limits.healthOptions['grpc.max_concurrent_streams'], 16);
  assert.equal(limits.gossipOptions['grpc.max_concurrent_streams'], config.gossipStreamsPerConnection);
  const fixed = portLimits({ ...config, connectionBudget: 100 }, new ManualClock(0), { soft: 512, source: 'proc' });
  assert.equal(fixed.budget.total, 100, 'a configured budget wins over the derived one');
  assert.deepEqual(limits.watch, { perPort: config.healthWatchStreams, perSource: config.healthWatchStreamsPerSource });
});

/** Enough of a server-streaming call for the limiter: a peer, events, and the status it is ended with. */
class FakeWatch extends EventEmitter {
  status: { code: number; details: string } | undefined;
  constructor(private readonly peer: string) {
    super();
    this.on('error', (status: { code: number; details: string }) => {
      this.status = status;
    });
  }
  getPeer(): string {
    return this.peer;
  }
}

test('Health.Watch limiter: at most `perPort` open streams per port, `perSource` per source; the rest RESOURCE_EXHAUSTED; a closed stream frees its place', () => {
  const limiter = new HealthWatchLimiter({ perPort: 5, perSource: 2 });
  const watching: FakeWatch[] = [];
  const watch = limiter.wrap((call) => {
    watching.push(call as unknown as FakeWatch);
  });
  const open = (peer: string) => {
    const call = new FakeWatch(peer);
    watch(call as unknown as grpc.ServerWritableStream<unknown, unknown>);
    return call;
  };
  const calls = [open('192.0.2.1:1000'), open('192.0.2.1:1001'), open('192.0.2.1:1002')];
  assert.equal(calls[2]!.status?.code, grpc.status.RESOURCE_EXHAUSTED, 'a third stream from one source');
  assert.match(calls[2]!.status!.details, /2 per source/);
  for (let i = 2; i <= 4; i++) assert.equal(open(`192.0.2.${i}:2000`).status, undefined);
  assert.equal(limiter.held, 5);
  const sixth = open('192.0.2.9:3000');
  assert.equal(sixth.status?.code, grpc.status.RESOURCE_EXHAUSTED, 'the port holds 5');
  assert.match(sixth.status!.details, /5 on this port/);
  assert.equal(limiter.refused, 2);
  assert.equal(watching.length, 5, 'refused calls never reached the handler');
  calls[0]!.emit('cancelled');
  calls[0]!.emit('close');
  assert.equal(limiter.held, 4, 'released once, whatever events follow');
  assert.equal(open('192.0.2.9:3001').status, undefined);
  assert.equal(open('192.0.2.1:1003').status?.code, grpc.status.RESOURCE_EXHAUSTED, 'the port is full again');
});

test('connection guard: a connection with no call in progress for idleCloseMs is closed, even one that had a useful call (a client that ignores the idle GOAWAY)', () => {
  const clock = new ManualClock(0);
  const guard = new ConnectionGuard(new ConnectionBudget(10), { perSource: 10, portMax: 10, unusedTimeoutMs: 10_000, idleCloseMs: 40_000 }, clock);
  const checked = socketFrom('192.0.2.1');
  const watching = socketFrom('192.0.2.1');
  assert.ok(guard.admit(checked));
  assert.ok(guard.admit(watching));
  const peerOf = (socket: FakeSocket) => `${socket.remoteAddress}:${socket.remotePort}`;
  // One Health.Check: useful, then over.
  const checkEnded = guard.callStarted(peerOf(checked));
  guard.markUseful(peerOf(checked));
  clock.advance(1_000);
  checkEnded();
  // A Health.Watch that stays open.
  const watchEnded = guard.callStarted(peerOf(watching));
  guard.markUseful(peerOf(watching));
  clock.advance(39_999);
  assert.equal(checked.destroyed, false);
  clock.advance(1);
  assert.equal(checked.destroyed, true, 'closed 40 s after its last call ended, not at the hard lifetime');
  assert.equal(guard.counters.closedIdle, 1);
  clock.advance(10 * 60_000);
  assert.equal(watching.destroyed, false, 'a call in progress keeps its connection');
  watchEnded();
  watchEnded();
  clock.advance(39_999);
  assert.equal(watching.destroyed, false);
  clock.advance(1);
  assert.equal(watching.destroyed, true);
  assert.equal(guard.counters.closedIdle, 2);
  assert.equal(guard.counters.closedUnused, 0);
  assert.equal(guard.held(), 0);
});

test('connection guard: a new call cancels the idle close; without idleCloseMs calls are not tracked', () => {
  const clock = new ManualClock(0);
  const guard = new ConnectionGuard(new ConnectionBudget(10), { perSource: 10, portMax: 10, unusedTimeoutMs: 0, idleCloseMs: 5_000 }, clock);
  const socket = socketFrom('192.0.2.1');
  assert.ok(guard.admit(socket));
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;
  for (let i = 0; i < 5; i++) {
    clock.advance(4_000);
    guard.callStarted(peer)();
  }
  assert.equal(socket.destroyed, false, 'a call every 4 s keeps it open');
  clock.advance(5_000);
  assert.equal(socket.destroyed, true, 'a connection that never had a call is closed too');

  const untracked = new ConnectionGuard(new ConnectionBudget(10), { perSource: 10, portMax: 10, unusedTimeoutMs: 0 }, clock);
  const member = socketFrom('198.51.100.1');
  assert.ok(untracked.admit(member));
  untracked.callStarted(`${member.remoteAddress}:${member.remotePort}`)();
  clock.advance(24 * 3600_000);
  assert.equal(member.destroyed, false, 'the gossip port has no idle close of its own');
});

test('portLimits: register and plain health connections are closed a grace period after the idle GOAWAY; gossip connections are not', () => {
  const config = loadConfig({ flags: { profile: 'local' }, env: {} });
  const limits = portLimits(config, new ManualClock(0), { soft: 4096, source: 'proc' });
  assert.equal(limits.registerOptions['grpc.max_connection_idle_ms'], config.registerIdleTimeout);
  assert.equal(limits.register.limits.idleCloseMs, config.registerIdleTimeout + 10_000);
  assert.equal(limits.health.limits.idleCloseMs, config.registerIdleTimeout + 10_000);
  assert.equal(limits.gossip.limits.idleCloseMs, undefined);
});
