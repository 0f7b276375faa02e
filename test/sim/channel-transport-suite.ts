import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ChannelSenderRefusedError } from '../../src/channel/errors';
import type { SignedMessage } from '../../src/channel/message';
import { CallTimeoutError, PeerUnavailableError, RemoteCallError } from '../../src/transport/call-errors';
import { rejection } from './transport-suite';
import type { ChannelHandler, ChannelTransport, PullRequest, PullResponse, PushRequest, PushResponse } from '../../src/channel/transport';
import type { GossipTarget } from '../../src/membership/transport';

/** One node's side of a channel transport under test. */
export interface ChannelTransportEndpoint {
  readonly nodeId: string;
  readonly target: GossipTarget;
  readonly transport: ChannelTransport;
  serve(handler: ChannelHandler): void;
}

export interface ChannelTransportFixture {
  readonly endpoints: readonly ChannelTransportEndpoint[];
  readonly unreachable: GossipTarget;
  settle<T>(p: Promise<T>): Promise<T>;
  teardown(): Promise<void>;
}

/**
 * The behaviour every channel Transport must have, run against the in-memory network and the
 * gRPC transport alike, so the in-memory double cannot drift from the real transport.
 */
export function channelTransportSuite(name: string, factory: () => Promise<ChannelTransportFixture>): void {
  describe(`channel transport suite: ${name}`, () => {
    let f: ChannelTransportFixture;
    before(async () => {
      f = await factory();
      assert.ok(f.endpoints.length >= 3, 'the fixture needs at least three endpoints');
    });
    after(async () => {
      await f.teardown();
    });

    const recording = (self: ChannelTransportEndpoint, push: (from: string, r: PushRequest) => Promise<PushResponse>, pull: (from: string, r: PullRequest) => Promise<PullResponse>) => {
      const calls: { from: string; request: PushRequest | PullRequest }[] = [];
      self.serve({
        handlePush: (from, request) => {
          calls.push({ from, request });
          return push(from, request);
        },
        handlePull: (from, request) => {
          calls.push({ from, request });
          return pull(from, request);
        },
      });
      return calls;
    };

    const message = (origin: string, seq: number, bytes = 5): SignedMessage => ({
      origin,
      epoch: 1_732_000_000_000 + seq,
      seq,
      topic: `kv/t${seq}`,
      data: new Uint8Array(bytes).fill(seq),
      publishedAtMs: 1_732_000_000_500,
      signature: new Uint8Array(256).fill(200 + seq),
    });

    test('push carries the messages intact, names the authenticated caller, and returns the answer', async () => {
      const [a, b, c] = f.endpoints as [ChannelTransportEndpoint, ChannelTransportEndpoint, ChannelTransportEndpoint];
      const calls = recording(b, async () => ({ accepted: 2 }), async () => ({ messages: [], more: false }));
      const request: PushRequest = { messages: [message(c.nodeId, 1), message(a.nodeId, 2, 0), message(c.nodeId, 3, 70_000)] };
      const answer = await f.settle(a.transport.push(b.target, request, { timeoutMs: 5000 }));
      assert.equal(answer.accepted, 2);
      assert.equal(calls.length, 1);
      assert.equal(calls[0]!.from, a.nodeId);
      assert.deepEqual(normalise(calls[0]!.request), normalise(request));
    });

    test('pull carries the digest intact and returns the messages and the more flag intact', async () => {
      const [, b, c] = f.endpoints as [ChannelTransportEndpoint, ChannelTransportEndpoint, ChannelTransportEndpoint];
      const response: PullResponse = { messages: [message(c.nodeId, 4), message(b.nodeId, 5)], more: true };
      const calls = recording(b, async () => ({ accepted: 0 }), async () => response);
      const request: PullRequest = { origins: [{ origin: c.nodeId, epoch: 7, contiguous: 3, have: [5, 9] }, { origin: b.nodeId, epoch: 1, contiguous: 0, have: [] }], complete: true };
      const answer = await f.settle(c.transport.pull(b.target, request, { timeoutMs: 5000 }));
      assert.equal(calls[0]!.from, c.nodeId);
      assert.deepEqual(normalise(calls[0]!.request), normalise(request));
      assert.deepEqual(normalise(answer), normalise(response));
    });

    test("a handler that refuses makes the call reject with RemoteCallError: a g2g error's status and code, anything else INTERNAL", async () => {
      const [a, b] = f.endpoints as [ChannelTransportEndpoint, ChannelTransportEndpoint];
      recording(
        b,
        async () => {
          throw new ChannelSenderRefusedError('refused by the test');
        },
        async () => {
          throw new Error('refused by the test');
        },
      );
      const refused = await rejection(f.settle(a.transport.push(b.target, { messages: [] }, { timeoutMs: 2000 })));
      assert.ok(refused instanceof RemoteCallError, `a RemoteCallError, got ${String(refused)}`);
      assert.equal(refused.status, grpc.status.PERMISSION_DENIED);
      assert.equal(refused.remoteCode, 'ERR_CHANNEL_SENDER_REFUSED');
      const failed = await rejection(f.settle(a.transport.pull(b.target, { origins: [], complete: true }, { timeoutMs: 2000 })));
      assert.ok(failed instanceof RemoteCallError, `a RemoteCallError, got ${String(failed)}`);
      assert.equal(failed.status, grpc.status.INTERNAL);
      assert.equal(failed.remoteCode, undefined);
      assert.doesNotMatch(failed.details, /refused by the test/);
    });

    test('a call that gets no answer in time rejects with CallTimeoutError', async () => {
      const [a, b] = f.endpoints as [ChannelTransportEndpoint, ChannelTransportEndpoint];
      recording(b, () => new Promise<PushResponse>(() => undefined), () => new Promise<PullResponse>(() => undefined));
      const error = await rejection(f.settle(a.transport.push(b.target, { messages: [] }, { timeoutMs: 300 })));
      assert.ok(error instanceof CallTimeoutError, `a CallTimeoutError, got ${String(error)}`);
    });

    test('a call to a target nobody answers at rejects with PeerUnavailableError', async () => {
      const [a] = f.endpoints as [ChannelTransportEndpoint];
      // One at a time: a call started before the previous one settles would reject unobserved.
      for (const call of [() => a.transport.push(f.unreachable, { messages: [] }, { timeoutMs: 300 }), () => a.transport.pull(f.unreachable, { origins: [], complete: false }, { timeoutMs: 300 })]) {
        const error = await rejection(f.settle<unknown>(call()));
        assert.ok(error instanceof PeerUnavailableError, `a PeerUnavailableError, got ${String(error)}`);
      }
    });
  });
}

/** Plain data with byte arrays as arrays, so that a Buffer and a Uint8Array with the same bytes compare equal. */
function normalise(x: unknown): unknown {
  if (x instanceof Uint8Array) return [...x];
  if (Array.isArray(x)) return x.map(normalise);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, normalise(v)]));
  return x;
}
