import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { Leaf } from '../../src/identity/leaf';
import type { NodeCa } from '../../src/identity/node-ca';
import { silentLogger } from '../../src/log/logger';
import type { NodeRecord } from '../../src/proto/generated/g2g/v1/NodeRecord';
import { caSigner } from '../../src/register/join-handshake';
import { joinWithTicket, type JoinClientOptions } from '../../src/register/join-client';
import { formatTicket } from '../../src/register/join-ticket';
import { REGISTER_SERVER_OPTIONS, registerService, type AdmitRequest, type RegisterOptions } from '../../src/register/register-service';
import { TokenStore } from '../../src/tokens/token-store';
import { parseToken } from '../../src/tokens/token-format';
import { PushCertificateProvider } from '../../src/transport/push-certificate-provider';
import { tlsServerCredentials } from '../../src/transport/server-credentials';
import { systemClock, type Clock } from '../../src/util/clock';
import { makeCa, memberLeaf } from '../helpers/in-process-node';

interface Harness {
  ca: NodeCa;
  leaf: Leaf;
  tokens: TokenStore;
  address: string;
  port: number;
  admitted: AdmitRequest[];
  ticket(token: string, extra?: { cluster?: string; ca?: string | null; expiresAt?: number; mode?: 'server' | 'client' }): string;
  close(): Promise<void>;
}

async function startRegister(opts: { cluster?: string; clock?: Clock; options?: RegisterOptions } = {}): Promise<Harness> {
  const cluster = opts.cluster ?? 'test';
  const clock = opts.clock ?? systemClock;
  const ca = await makeCa();
  const leaf = await memberLeaf(ca);
  const identity = new PushCertificateProvider();
  identity.setIdentity(leaf.certPem, leaf.keyPem);
  const tokens = await TokenStore.open({ origin: ca.nodeId, clock });
  const record: NodeRecord = {
    nodeId: ca.nodeId, cluster, mode: 'NODE_MODE_SERVER', addresses: ['127.0.0.1'], caCertPem: ca.certPem,
    leaf: { fingerprint: leaf.fingerprint, notAfterUnixMs: leaf.notAfter.getTime() }, version: 1,
  };
  const admitted: AdmitRequest[] = [];
  const service = registerService({
    nodeId: ca.nodeId, cluster, caCertPem: ca.certPem, selfRecord: () => record, tokens,
    currentLeafFingerprint: () => leaf.fingerprint,
    admit: async (request) => {
      admitted.push(request);
      return { peers: [], services: ['svc.example:7000'] };
    },
    clock, log: silentLogger(),
  }, opts.options);
  const server = new grpc.Server(REGISTER_SERVER_OPTIONS);
  server.addService(service.definition, service.handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', tlsServerCredentials(identity), (e, p) => (e ? reject(e) : resolve(p))));
  return {
    ca, leaf, tokens, port, address: `127.0.0.1:${port}`, admitted,
    ticket(token, extra = {}) {
      return formatTicket({
        token: parseToken(token), addresses: [{ host: '127.0.0.1', port }], mode: extra.mode ?? 'server',
        ...(extra.ca === null ? {} : { caFingerprint: extra.ca ?? ca.fingerprint }),
        cluster: extra.cluster ?? cluster, ...(extra.expiresAt !== undefined ? { expiresAt: extra.expiresAt } : {}),
      });
    },
    async close() {
      service.stop();
      server.forceShutdown();
    },
  };
}

async function newcomer(cluster = 'test', mode: 'NODE_MODE_SERVER' | 'NODE_MODE_CLIENT' = 'NODE_MODE_SERVER'): Promise<JoinClientOptions & { ca: NodeCa }> {
  const ca = await makeCa();
  return {
    ca, cluster, sign: caSigner(ca.keyPem), attemptTimeoutMs: 5000,
    record: { nodeId: ca.nodeId, cluster, mode, addresses: ['10.0.0.9'], caCertPem: ca.certPem, version: 1 },
  };
}

let seed: Harness;
before(async () => {
  seed = await startRegister();
});
after(() => seed.close());

test('happy path: the welcome carries the server record, services and our observed address', async () => {
  const { token } = await seed.tokens.create({ mode: 'server' });
  const me = await newcomer();
  const result = await joinWithTicket(seed.ticket(token), me);
  assert.equal(result.welcome.server.nodeId, seed.ca.nodeId);
  assert.equal(result.welcome.observedAddress, '127.0.0.1');
  assert.deepEqual(result.welcome.services, ['svc.example:7000']);
  assert.equal(result.welcome.admittedMode, 'server');
  assert.deepEqual(result.failures, []);
  assert.equal(seed.admitted.at(-1)?.record.nodeId, me.ca.nodeId);
});
