import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { SenderMismatchError } from '../../src/membership/errors';
import type { NodeRecord } from '../../src/membership/node-record';
import { CallTimeoutError, PeerUnavailableError, RemoteCallError } from '../../src/transport/call-errors';
import type { ExchangeRequest, ExchangeResponse, GossipHandler, GossipTarget, PingViaRequest, Transport } from '../../src/membership/transport';

/** One node's side of a transport under test. */
export interface TransportEndpoint {
  readonly nodeId: string;
  /** How others address it. */
  readonly target: GossipTarget;
  readonly transport: Transport;
  /** Installs the server side: calls to this endpoint reach `handler`. */
  serve(handler: GossipHandler): void;
  /** A record for this endpoint whose CA and id the transport accepts (gRPC: its real identity). */
  record(): NodeRecord;
}

export interface TransportFixture {
  /** At least three endpoints that can call each other. */
  readonly endpoints: readonly TransportEndpoint[];
  /** A target nobody answers at (unknown id / closed port). */
  readonly unreachable: GossipTarget;
  /** Awaits `p` while driving time (the in-memory network runs its scheduler; a real transport just awaits). */
  settle<T>(p: Promise<T>): Promise<T>;
  teardown(): Promise<void>;
}

/**
 * The behaviour every membership Transport must have, run against the in-memory network here and
 * against the gRPC transport by the node's tests: the in-memory double passes the same suite as the real transport.
 * `factory` builds fresh connected endpoints; the suite tears them down.
 */
export function transportSuite(name: string, factory: () => Promise<TransportFixture>): void {
  describe(`transport suite: ${name}`, () => {
    let f: TransportFixture;
    before(async () => {
      f = await factory();
      assert.ok(f.endpoints.length >= 3, 'the fixture needs at least three endpoints');
    });
    after(async () => {
      await f.teardown();
    });

    const recording = (self: TransportEndpoint, answer: (from: string, r: ExchangeRequest) => ExchangeResponse | Promise<ExchangeResponse>) => {
      const calls: { from: string; request: ExchangeRequest }[] = [];
      const handler: GossipHandler = {
        handleExchange: async (from, request) => {
          calls.push({ from, request });
          return answer(from, request);
        },
        handlePing: (_from, request) => ({ nonce: request.nonce, nodeId: self.nodeId, heartbeat: 42 }),
        handlePingVia: async (_from, request: PingViaRequest) => ({ reachable: request.target.nodeId !== f.unreachable.nodeId, nonce: request.nonce, heartbeat: 7 }),
      };
      self.serve(handler);
      return calls;
    };

    test('exchange carries the request intact, names the authenticated caller, and returns the answer intact', async () => {
      const [a, b, c] = f.endpoints as [TransportEndpoint, TransportEndpoint, TransportEndpoint];
      const response: ExchangeResponse = {
        records: [c.record()],
        heartbeats: [{ nodeId: c.nodeId, version: 3, heartbeat: 9, signature: new Uint8Array([1, 2, 3]) }],
        claims: [{ nodeId: c.nodeId, version: 3, state: 'suspect', from: b.nodeId }],
        wants: [a.nodeId],
        wantHeartbeats: [c.nodeId],
        rumours: [b.record()],
      };
      const calls = recording(b, () => response);
      const request: ExchangeRequest = {
        sender: a.record(),
        records: [c.record()],
        digests: [{ nodeId: c.nodeId, version: 2, heartbeat: 5, state: 'dead' }],
        heartbeats: [{ nodeId: c.nodeId, version: 2, heartbeat: 6, signature: new Uint8Array([9, 8, 7]) }],
        claims: [{ nodeId: c.nodeId, version: 2, state: 'dead', from: a.nodeId }],
        digestsComplete: true,
        followUp: false,
        rumourDigests: [{ nodeId: b.nodeId, version: 1, heartbeat: 1, state: 'alive' }],
      };
      const answer = await f.settle(a.transport.exchange(b.target, request, { timeoutMs: 2000 }));
      assert.equal(calls.length, 1);
      assert.equal(calls[0]!.from, a.nodeId);
      assert.deepEqual(normalise(calls[0]!.request), normalise(request));
      assert.deepEqual(normalise(answer), normalise(response));
    });

    test('ping answers with the callee id; pingVia reaches the relay with the target intact', async () => {
      const [a, b, c] = f.endpoints as [TransportEndpoint, TransportEndpoint, TransportEndpoint];
      recording(b, () => emptyResponse());
      recording(c, () => emptyResponse());
      const pong = await f.settle(a.transport.ping(b.target, { nonce: 77 }, { timeoutMs: 2000 }));
      assert.deepEqual({ ...pong }, { nonce: 77, nodeId: b.nodeId, heartbeat: 42 });
      const via = await f.settle(a.transport.pingVia(b.target, { target: c.target, nonce: 78, timeoutMs: 500 }, { timeoutMs: 2000 }));
      assert.deepEqual({ ...via }, { reachable: true, nonce: 78, heartbeat: 7 });
      const viaDown = await f.settle(a.transport.pingVia(b.target, { target: f.unreachable, nonce: 79, timeoutMs: 500 }, { timeoutMs: 2000 }));
      assert.equal(viaDown.reachable, false);
    });

    test('concurrent calls from several callers each get their own answer', async () => {
      const [a, b, c] = f.endpoints as [TransportEndpoint, TransportEndpoint, TransportEndpoint];
      recording(b, (from) => ({ ...emptyResponse(), wants: [from] }));
      const calls = [a, c, a, c].map((x) => x.transport.exchange(b.target, { ...emptyRequest(x.record()) }, { timeoutMs: 2000 }).then((r) => [x.nodeId, r.wants[0]]));
      const answers = await f.settle(Promise.all(calls));
      for (const [caller, echoed] of answers) assert.equal(echoed, caller);
    });

    test('a handler that throws something unexpected makes the call reject with RemoteCallError INTERNAL, its message kept off the wire', async () => {
      const [a, b] = f.endpoints as [TransportEndpoint, TransportEndpoint];
      recording(b, () => {
        throw new Error('refused by the test');
      });
      const error = await rejection(f.settle(a.transport.exchange(b.target, emptyRequest(a.record()), { timeoutMs: 2000 })));
      assert.ok(error instanceof RemoteCallError, `a RemoteCallError, got ${String(error)}`);
      assert.equal(error.status, grpc.status.INTERNAL);
      assert.equal(error.remoteCode, undefined);
      assert.doesNotMatch(error.details, /refused by the test/);
    });

    test("a handler that refuses with a g2g error makes the call reject with RemoteCallError carrying the class's status and code", async () => {
      const [a, b] = f.endpoints as [TransportEndpoint, TransportEndpoint];
      recording(b, () => {
        throw new SenderMismatchError('not the caller of this test');
      });
      const error = await rejection(f.settle(a.transport.exchange(b.target, emptyRequest(a.record()), { timeoutMs: 2000 })));
      assert.ok(error instanceof RemoteCallError, `a RemoteCallError, got ${String(error)}`);
      assert.equal(error.status, grpc.status.INVALID_ARGUMENT);
      assert.equal(error.remoteCode, 'ERR_SENDER_MISMATCH');
      assert.equal(error.details, 'not the caller of this test');
    });

    test('a call that gets no answer in time rejects with CallTimeoutError', async () => {
      const [a, b] = f.endpoints as [TransportEndpoint, TransportEndpoint];
      recording(b, () => new Promise<ExchangeResponse>(() => undefined));
      const error = await rejection(f.settle(a.transport.exchange(b.target, emptyRequest(a.record()), { timeoutMs: 300 })));
      assert.ok(error instanceof CallTimeoutError, `a CallTimeoutError, got ${String(error)}`);
      assert.equal(error.code, 'ERR_CALL_TIMEOUT');
    });

    test('a call to a target nobody answers at rejects with PeerUnavailableError', async () => {
      const [a] = f.endpoints as [TransportEndpoint];
      // One at a time: a call started before the previous one settles would reject unobserved.
      for (const call of [() => a.transport.ping(f.unreachable, { nonce: 1 }, { timeoutMs: 300 }), () => a.transport.exchange(f.unreachable, emptyRequest(a.record()), { timeoutMs: 300 })]) {
        const error = await rejection(f.settle<unknown>(call()));
        assert.ok(error instanceof PeerUnavailableError, `a PeerUnavailableError, got ${String(error)}`);
      }
    });
  });
}

/** What `p` rejected with (fails the test if it resolved). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => assert.fail('the call succeeded'),
    (error: unknown) => error,
  );
}

export function emptyRequest(sender: NodeRecord): ExchangeRequest {
  return { sender, records: [], digests: [], heartbeats: [], claims: [], digestsComplete: false, followUp: false, rumourDigests: [] };
}

function emptyResponse(): ExchangeResponse {
  return { records: [], heartbeats: [], claims: [], wants: [], wantHeartbeats: [], rumours: [] };
}

/** Plain data with byte arrays as arrays, so that a Buffer and a Uint8Array with the same bytes compare equal. */
function normalise(x: unknown): unknown {
  if (x instanceof Uint8Array) return [...x];
  if (Array.isArray(x)) return x.map(normalise);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, normalise(v)]));
  return x;
}
