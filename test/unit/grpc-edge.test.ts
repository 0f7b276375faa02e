import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ChannelSenderRefusedError } from '../../src/channel/errors';
import { G2gError, NodeStateError } from '../../src/errors';
import { createLogger } from '../../src/log/logger';
import { InvalidRecordError, MembershipStateError, ModeEscalationError, SenderMismatchError } from '../../src/membership/errors';
import { guardHandlers, CallTracker } from '../../src/plugins/guarded-handlers';
import { ClientProofError, JoinMalformedError, JoinThrottledError, JoinTimeoutError, RejoinRefusedError, TokenModeError } from '../../src/register/errors';
import { InvalidTokenRequestError, TokenAdminDeniedError, TokenExpiredError, TokenRevokedError, TokenUnknownError, TokenUsedError } from '../../src/tokens/errors';
import { callErrorFrom, CallTimeoutError, PeerUnavailableError, RemoteCallError } from '../../src/transport/call-errors';
import { serverStreamHandler, unaryHandler } from '../../src/transport/call-handlers';
import { CallerNotAllowedError, InvalidRequestError, UnknownMemberError, UnsupportedCallError } from '../../src/transport/request-errors';
import { callerViewOf, statusOf, toServiceError } from '../../src/transport/status-mapping';
import { InvalidKeyError, KeyNotFoundError, KvStoppedError, NotAMemberError } from '../../plugins/kv/errors';

/** A logger whose JSON lines land in `lines`. */
function capturedLog(): { log: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) } as never);
  return { log, lines };
}

/** A coded error a plugin might define, naming no status. */
class PluginSaysNo extends G2gError {
  readonly code = 'ERR_PLUGIN_SAYS_NO';
}

/** A coded error a plugin might define, with its own status. */
class PluginQuotaError extends G2gError {
  readonly code = 'ERR_PLUGIN_QUOTA';
  override readonly status = grpc.status.RESOURCE_EXHAUSTED;
}

test('the status table: each condition has one status, whichever port answers it', () => {
  const table: [Error, grpc.status][] = [
    // Register port
    [new JoinMalformedError('x'), grpc.status.INVALID_ARGUMENT],
    [new ClientProofError('x'), grpc.status.UNAUTHENTICATED],
    [new TokenModeError('x'), grpc.status.PERMISSION_DENIED],
    [new JoinThrottledError('x'), grpc.status.RESOURCE_EXHAUSTED],
    [new JoinTimeoutError('x'), grpc.status.DEADLINE_EXCEEDED],
    [new RejoinRefusedError('x'), grpc.status.PERMISSION_DENIED],
    // Tokens: the same on Join and on Admin (the two tables used to disagree here)
    [new TokenRevokedError('abcdefgh'), grpc.status.PERMISSION_DENIED],
    [new TokenUsedError('abcdefgh'), grpc.status.PERMISSION_DENIED],
    [new TokenExpiredError('abcdefgh', 0), grpc.status.PERMISSION_DENIED],
    [new TokenUnknownError('abcdefgh'), grpc.status.NOT_FOUND],
    [new InvalidTokenRequestError('x'), grpc.status.INVALID_ARGUMENT],
    [new TokenAdminDeniedError('x'), grpc.status.PERMISSION_DENIED],
    // Gossip port
    [new SenderMismatchError('x'), grpc.status.INVALID_ARGUMENT],
    [new InvalidRecordError('x'), grpc.status.INVALID_ARGUMENT],
    [new ModeEscalationError('x'), grpc.status.PERMISSION_DENIED],
    [new MembershipStateError('x'), grpc.status.FAILED_PRECONDITION],
    [new ChannelSenderRefusedError('x'), grpc.status.PERMISSION_DENIED],
    [new CallerNotAllowedError('x'), grpc.status.PERMISSION_DENIED],
    [new InvalidRequestError('x'), grpc.status.INVALID_ARGUMENT],
    [new UnknownMemberError('x'), grpc.status.NOT_FOUND],
    [new UnsupportedCallError('x'), grpc.status.UNIMPLEMENTED],
    [new NodeStateError('x'), grpc.status.UNAVAILABLE],
    // A shipped plugin's errors go through the same mapping
    [new InvalidKeyError('x'), grpc.status.INVALID_ARGUMENT],
    [new KeyNotFoundError('x'), grpc.status.NOT_FOUND],
    [new NotAMemberError('x'), grpc.status.PERMISSION_DENIED],
    [new KvStoppedError('x'), grpc.status.UNAVAILABLE],
    // A class that names no status; a plugin's own; anything that is not a G2gError
    [new PluginSaysNo('x'), grpc.status.FAILED_PRECONDITION],
    [new PluginQuotaError('x'), grpc.status.RESOURCE_EXHAUSTED],
    [new TypeError('x'), grpc.status.INTERNAL],
  ];
  for (const [error, status] of table) assert.equal(statusOf(error), status, `${error.name}: ${grpc.status[statusOf(error)]}, expected ${grpc.status[status]}`);
});

test('toServiceError: a G2gError keeps its message and code (trailer); anything else is INTERNAL, logged once, its message off the wire', () => {
  const { log, lines } = capturedLog();
  const coded = toServiceError(new TokenRevokedError('abcdefgh'), log, 'Admin.RotateToken');
  assert.equal(coded.code, grpc.status.PERMISSION_DENIED);
  assert.equal(coded.details, 'token abcdefgh has been revoked');
  assert.deepEqual(coded.metadata.get('g2g-error-code'), ['ERR_TOKEN_REVOKED']);
  assert.equal(lines.length, 0, 'a refusal is not an error of this node');

  const unexpected = toServiceError(new Error('the database file vanished'), log, 'Admin.Status');
  assert.equal(unexpected.code, grpc.status.INTERNAL);
  assert.equal(unexpected.details, 'internal error');
  assert.deepEqual(unexpected.metadata.get('g2g-error-code'), []);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.method, 'Admin.Status');
  assert.equal(lines[0]!.msg, 'unexpected error in a call handler');
});

test('unaryHandler: the value answers; a coded throw (sync or async) answers its status; anything else INTERNAL plus one log line', async () => {
  const { log, lines } = capturedLog();
  const run = (fn: () => unknown): Promise<{ error: grpc.StatusObject | null; value: unknown }> =>
    new Promise((resolve) => {
      const handler = unaryHandler<unknown, unknown>(log, 'Test.Unary', fn);
      handler({ request: {} } as grpc.ServerUnaryCall<unknown, unknown>, ((error: grpc.StatusObject | null, value: unknown) => resolve({ error, value })) as grpc.sendUnaryData<unknown>);
    });

  assert.deepEqual(await run(() => ({ ok: 1 })), { error: null, value: { ok: 1 } });
  assert.deepEqual(await run(async () => ({ ok: 2 })), { error: null, value: { ok: 2 } });
  const sync = await run(() => {
    throw new UnknownMemberError('nobody');
  });
  assert.equal(sync.error?.code, grpc.status.NOT_FOUND);
  assert.deepEqual(sync.error?.metadata.get('g2g-error-code'), ['ERR_UNKNOWN_MEMBER']);
  const rejected = await run(async () => {
    throw new PluginQuotaError('slow down');
  });
  assert.equal(rejected.error?.code, grpc.status.RESOURCE_EXHAUSTED);
  assert.equal(rejected.error?.details, 'slow down');
  assert.equal(lines.length, 0);
  const broken = await run(async () => {
    throw new TypeError('cannot read properties of undefined');
  });
  assert.equal(broken.error?.code, grpc.status.INTERNAL);
  assert.equal(broken.error?.details, 'internal error');
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.method, 'Test.Unary');
});

/** A server stream as grpc-js's: writes, end, and 'error' carrying the status. */
function fakeStream(): grpc.ServerWritableStream<unknown, unknown> & { written: unknown[]; statuses: Partial<grpc.StatusObject>[] } {
  const written: unknown[] = [];
  const statuses: Partial<grpc.StatusObject>[] = [];
  const call = Object.assign(new EventEmitter(), {
    request: {},
    written,
    statuses,
    writableEnded: false,
    destroyed: false,
    cancelled: false,
    write: (m: unknown) => written.push(m) > 0,
    end() {
      call.writableEnded = true;
    },
  });
  call.on('error', (s: Partial<grpc.StatusObject>) => statuses.push(s));
  return call as never;
}

test('serverStreamHandler: a coded throw ends the stream with its status; anything else INTERNAL plus a log line; a stream already ended is left alone', async () => {
  const { log, lines } = capturedLog();
  const settle = () => new Promise((r) => setImmediate(r));

  const refused = fakeStream();
  serverStreamHandler(log, 'Test.Watch', () => {
    throw new CallerNotAllowedError('members only');
  })(refused);
  await settle();
  assert.equal(refused.statuses.length, 1);
  assert.equal(refused.statuses[0]!.code, grpc.status.PERMISSION_DENIED);
  assert.deepEqual(refused.statuses[0]!.metadata?.get('g2g-error-code'), ['ERR_CALLER_NOT_ALLOWED']);

  const halfway = fakeStream();
  serverStreamHandler(log, 'Test.Watch', async (call) => {
    call.write({ n: 1 });
    throw new RangeError('bug');
  })(halfway);
  await settle();
  assert.deepEqual(halfway.written, [{ n: 1 }]);
  assert.equal(halfway.statuses[0]!.code, grpc.status.INTERNAL);
  assert.equal(halfway.statuses[0]!.details, 'internal error');
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.method, 'Test.Watch');

  const ended = fakeStream();
  serverStreamHandler(log, 'Test.Watch', async (call) => {
    call.end();
    throw new InvalidRequestError('too late to say');
  })(ended);
  await settle();
  assert.deepEqual(ended.statuses, [], 'no second status after the end');
});

test('callErrorFrom: DEADLINE_EXCEEDED is CallTimeoutError, UNAVAILABLE PeerUnavailableError, any other status RemoteCallError with the g2g code', () => {
  const metadata = new grpc.Metadata();
  metadata.set('g2g-error-code', 'ERR_TOKEN_REVOKED');
  const error = (code: grpc.status, md = new grpc.Metadata()): grpc.ServiceError => Object.assign(new Error('x'), { code, details: `details ${code}`, metadata: md });
  assert.ok(callErrorFrom(error(grpc.status.DEADLINE_EXCEEDED)) instanceof CallTimeoutError);
  assert.ok(callErrorFrom(error(grpc.status.UNAVAILABLE)) instanceof PeerUnavailableError);
  const remote = callErrorFrom(error(grpc.status.PERMISSION_DENIED, metadata));
  assert.ok(remote instanceof RemoteCallError);
  assert.equal(remote.status, grpc.status.PERMISSION_DENIED);
  assert.equal(remote.remoteCode, 'ERR_TOKEN_REVOKED');
  assert.equal(remote.details, `details ${grpc.status.PERMISSION_DENIED}`);
  // A handler that lets a call error through answers its own caller with the same status.
  assert.equal(statusOf(new CallTimeoutError('x')), grpc.status.DEADLINE_EXCEEDED);
  assert.equal(statusOf(remote), grpc.status.PERMISSION_DENIED);
  // What the in-memory network hands a caller is what this mapping makes of a gRPC status.
  const viewed = callerViewOf(new TokenRevokedError('abcdefgh'));
  assert.ok(viewed instanceof RemoteCallError);
  assert.equal(viewed.remoteCode, 'ERR_TOKEN_REVOKED');
  assert.equal(viewed.status, grpc.status.PERMISSION_DENIED);
});

test("the plugin host maps what a plugin handler throws through the same mapping: a plugin's coded error keeps its status and code", async () => {
  const { log, lines } = capturedLog();
  const definition = {
    Quota: { path: '/t.T/Quota', requestStream: false, responseStream: false },
    Broken: { path: '/t.T/Broken', requestStream: false, responseStream: false },
  } as unknown as grpc.ServiceDefinition;
  const guarded = guardHandlers(
    { name: 'demo', serving: () => true, state: () => 'running', log },
    definition,
    {
      Quota: async () => {
        throw new PluginQuotaError('over quota');
      },
      Broken: () => {
        throw new Error('oops');
      },
    },
    new CallTracker(),
  );
  const call = (name: string) =>
    new Promise<grpc.StatusObject>((resolve) => (guarded[name] as Function)({ request: {} }, (error: grpc.StatusObject) => resolve(error)));
  const quota = await call('Quota');
  assert.equal(quota.code, grpc.status.RESOURCE_EXHAUSTED);
  assert.deepEqual(quota.metadata.get('g2g-error-code'), ['ERR_PLUGIN_QUOTA']);
  assert.equal(lines.length, 0);
  const broken = await call('Broken');
  assert.equal(broken.code, grpc.status.INTERNAL);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.method, '/t.T/Broken of plugin demo');
});
