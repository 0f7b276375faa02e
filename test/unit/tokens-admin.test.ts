import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { silentLogger } from '../../src/log/logger';
import type { CreateTokenResponse__Output } from '../../src/proto/generated/g2g/v1/CreateTokenResponse';
import type { ListTokensResponse__Output } from '../../src/proto/generated/g2g/v1/ListTokensResponse';
import type { NominateResponse__Output } from '../../src/proto/generated/g2g/v1/NominateResponse';
import type { RevokeTokenResponse__Output } from '../../src/proto/generated/g2g/v1/RevokeTokenResponse';
import type { RotateTokenResponse__Output } from '../../src/proto/generated/g2g/v1/RotateTokenResponse';
import { parseTicket } from '../../src/tokens/join-ticket';
import { ManualClock } from '../../src/testing/manual-clock';
import { TokenAdminDeniedError } from '../../src/tokens/errors';
import { parseToken } from '../../src/tokens/token-format';
import { TokenStore } from '../../src/tokens/token-store';
import { tokenAdminHandlers } from '../../src/tokens/token-admin-service';
import { call, failureCode, g2gProto } from '../helpers/clients';

const CA_FP = `sha256:${'ab'.repeat(32)}`;
const clock = new ManualClock(1_700_000_000_000);
let store: TokenStore;
let server: grpc.Server;
let client: grpc.Client;
let deny = false;

before(async () => {
  store = await TokenStore.open({ origin: 'n'.repeat(32), clock });
  server = new grpc.Server();
  server.addService(g2gProto().g2g.v1.Admin.service, tokenAdminHandlers({
    tokens: store,
    ticketFacts: () => ({ addresses: [{ host: '10.1.2.3', port: 7000 }, { host: 'seed.example', port: 7000 }], caFingerprint: CA_FP, cluster: 'prod' }),
    authorize: (_caller, method) => (deny && method !== 'ListTokens' ? new TokenAdminDeniedError('client-mode members may not manage tokens') : undefined),
    clock,
    log: silentLogger(),
  }));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  client = new (g2gProto().g2g.v1.Admin)(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

after(() => {
  client.close();
  server.forceShutdown();
});

test('CreateToken returns the token once; ListTokens shows it without the secret', async () => {
  const created = await call<CreateTokenResponse__Output>(client, 'CreateToken', { mode: 'NODE_MODE_CLIENT', label: 'app', ttlMs: 60_000, singleUse: false });
  const { id, secret } = parseToken(created.token);
  assert.equal(created.info!.id, id);
  assert.equal(created.info!.mode, 'NODE_MODE_CLIENT');
  assert.equal(created.info!.expiresUnixMs, clock.now() + 60_000);
  assert.equal(created.info!.state, 'TOKEN_STATE_ACTIVE');
  const listed = await call<ListTokensResponse__Output>(client, 'ListTokens', {});
  assert.ok(listed.tokens.some((t) => t.id === id && t.label === 'app'));
  assert.ok(!JSON.stringify(listed).includes(secret));
});

test('RotateToken returns a new secret for the same id; RevokeToken tombstones it', async () => {
  const created = await call<CreateTokenResponse__Output>(client, 'CreateToken', { mode: 'NODE_MODE_SERVER' });
  const id = created.info!.id;
  const rotated = await call<RotateTokenResponse__Output>(client, 'RotateToken', { id });
  assert.equal(rotated.info!.id, id);
  assert.notEqual(rotated.token, created.token);
  store.verify(rotated.token);
  // A whole token pasted as the id is accepted, and its secret is never echoed.
  const revoked = await call<RevokeTokenResponse__Output>(client, 'RevokeToken', { id: rotated.token });
  assert.equal(revoked.info!.state, 'TOKEN_STATE_REVOKED');
  const active = await call<ListTokensResponse__Output>(client, 'ListTokens', {});
  assert.ok(!active.tokens.some((t) => t.id === id));
  const all = await call<ListTokensResponse__Output>(client, 'ListTokens', { includeInactive: true });
  assert.equal(all.tokens.find((t) => t.id === id)?.state, 'TOKEN_STATE_REVOKED');
});

test('Nominate returns a ticket with the node\'s addresses, CA, cluster, expiry; single-use by default', async () => {
  const response = await call<NominateResponse__Output>(client, 'Nominate', { mode: 'NODE_MODE_SERVER' });
  const ticket = parseTicket(response.ticket);
  assert.deepEqual(ticket.addresses, [{ host: '10.1.2.3', port: 7000 }, { host: 'seed.example', port: 7000 }]);
  assert.equal(ticket.mode, 'server');
  assert.equal(ticket.caFingerprint, CA_FP);
  assert.equal(ticket.cluster, 'prod');
  assert.equal(ticket.expiresAt, Math.floor((clock.now() + 24 * 3600_000) / 1000) * 1000);
  assert.equal(response.info!.singleUse, true);
  assert.equal(response.info!.label, 'nominated by anonymous');
  assert.equal(store.verify(`${ticket.token.id}.${ticket.token.secret}`).id, response.info!.id);
  const reusable = await call<NominateResponse__Output>(client, 'Nominate', { mode: 'NODE_MODE_CLIENT', ttlMs: 600_000, reusable: true, label: 'fleet' });
  assert.equal(reusable.info!.singleUse, false);
  assert.equal(reusable.info!.label, 'fleet');
  assert.equal(parseTicket(reusable.ticket).mode, 'client');
});

test('bad requests and unknown tokens map to INVALID_ARGUMENT / NOT_FOUND, a revoked token to PERMISSION_DENIED (as Join answers it), with a g2g code', async () => {
  assert.equal(await failureCode(call(client, 'CreateToken', { mode: 'NODE_MODE_UNSPECIFIED' })), grpc.status.INVALID_ARGUMENT);
  assert.equal(await failureCode(call(client, 'Nominate', {})), grpc.status.INVALID_ARGUMENT);
  assert.equal(await failureCode(call(client, 'RevokeToken', { id: 'zzzzzzzzzz' })), grpc.status.NOT_FOUND);
  assert.equal(await failureCode(call(client, 'RotateToken', { id: 'not a token id' })), grpc.status.INVALID_ARGUMENT);
  const created = await call<CreateTokenResponse__Output>(client, 'CreateToken', { mode: 'NODE_MODE_SERVER' });
  await call(client, 'RevokeToken', { id: created.info!.id });
  const error = await call(client, 'RotateToken', { id: created.info!.id }).catch((e: grpc.ServiceError) => e);
  // One status per condition on every port: the revoked token is PERMISSION_DENIED here as on Join.
  assert.equal((error as grpc.ServiceError).code, grpc.status.PERMISSION_DENIED);
  assert.equal((error as grpc.ServiceError).metadata.get('g2g-error-code')[0], 'ERR_TOKEN_REVOKED');
});

test('the authorize hook refuses callers (PERMISSION_DENIED) and nothing is created', async () => {
  const before = store.list({ includeInactive: true }).length;
  deny = true;
  try {
    assert.equal(await failureCode(call(client, 'Nominate', { mode: 'NODE_MODE_SERVER' })), grpc.status.PERMISSION_DENIED);
    assert.equal(await failureCode(call(client, 'CreateToken', { mode: 'NODE_MODE_SERVER' })), grpc.status.PERMISSION_DENIED);
    await call(client, 'ListTokens', {});
  } finally {
    deny = false;
  }
  assert.equal(store.list({ includeInactive: true }).length, before);
});
