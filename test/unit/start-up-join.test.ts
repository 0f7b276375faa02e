import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { silentLogger } from '../../src/log/logger';
import { StartUpJoin, type JoinSettings, type LastRun } from '../../src/node/start-up-join';
import { JoinUnreachableError } from '../../src/register/errors';
import type { JoinSuccess, JoinTarget } from '../../src/register/join-client';
import { decodeNodeRecord, encodeNodeRecord } from '../../src/register/record-codec';
import type { RegisterCalls } from '../../src/register/register-calls';
import type { ServiceNode } from '../../src/register/service-client';
import { SeededRandom } from '../../src/testing/seeded-random';
import { SimCluster, type SimNode } from '../../src/testing/sim-cluster';
import { recordToWire } from '../../src/transport/gossip-wire';

/**
 * How a node gets in at start and through its services afterwards, over the in-memory network:
 * real membership on every node, and the register-port calls (WhoAmI, the join handshake) faked
 * from a script, so each test says who answers behind a service address and counts the gossip
 * exchanges and Register.Join handshakes that follow.
 */

const SERVICE_INTERVAL_MS = 10_000;
const TOKEN = 'abcdefghij.abcdefghijklmnopqrstuvwxyz234567';
const KEY_PEM = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

/** What answers one WhoAmI: a node, or no answer (nothing listening, not ready). */
type Answer = SimNode | { cluster: string; of: SimNode } | 'unreachable';

class Harness {
  // Membership's own gossip interval is far beyond each test's horizon: every exchange counted
  // is one the joining logic asked for.
  readonly cluster = new SimCluster({ seed: 13, latencyMs: [1, 3], membership: { intervalMs: 600_000 } });
  readonly a: SimNode;
  readonly whoAmI: string[] = [];
  readonly joins: Array<{ targets: JoinTarget[]; token: string }> = [];
  /** Exchange requests put on the network, `from>to`. */
  readonly exchanges: string[] = [];
  readonly startUp: StartUpJoin;
  private readonly answers = new Map<string, Answer[]>();

  constructor() {
    this.a = this.cluster.addNode();
    this.cluster.network.observeTraffic((from, to, _bytes, kind, answer) => {
      if (kind === 'exchange' && !answer) this.exchanges.push(`${from}>${to}`);
    });
    const calls: RegisterCalls = {
      identifyService: async (address) => this.identify(address),
      joinTargets: async (targets, token) => this.join(targets, String(token)),
      joinWithTicket: async () => {
        throw new Error('no ticket in these tests');
      },
      rejoinTargets: async () => {
        throw new Error('no CA rotation in these tests');
      },
    };
    const a = this.a;
    this.startUp = new StartUpJoin({
      cluster: 'sim',
      mode: 'server',
      ca: () => ({ nodeId: a.id, keyPem: KEY_PEM }),
      membership: () => a.membership,
      started: () => a.membership,
      trust: { set: () => undefined, flush: () => undefined },
      memberTrust: { admitPending: () => undefined, expect: () => undefined },
      clock: a.endpoint.clock,
      random: new SeededRandom(5),
      log: silentLogger(),
      options: a.membership.options,
      serviceJoin: { intervalMs: SERVICE_INTERVAL_MS, jitter: 0 },
      register: calls,
    });
  }

  node(): SimNode {
    return this.cluster.addNode();
  }

  /** WhoAmI at `address` answers these in turn (each attempt is a new connection); the last repeats. */
  behind(address: string, ...answers: Answer[]): void {
    this.answers.set(address, answers);
  }

  /** Two nodes that already hold each other. */
  members(x: SimNode, y: SimNode): void {
    x.membership.admit(y.membership.localRecord());
    y.membership.admit(x.membership.localRecord());
  }

  /**
   * joinAtStart, with simulated time run in steps while it works (a step's events may be what
   * its promises wait for; a call it makes mid-step is delivered in the next), at most 10 s.
   */
  async joinAtStart(settings: Partial<JoinSettings>, lastRun: LastRun = { peers: [], hadPeers: false }) {
    let outcome: { value: Awaited<ReturnType<StartUpJoin['joinAtStart']>> } | { error: unknown } | undefined;
    void this.startUp.joinAtStart({ ticket: '', services: [], token: '', ...settings }, lastRun).then(
      (value) => (outcome = { value }),
      (error: unknown) => (outcome = { error }),
    );
    for (let step = 0; step < 200 && !outcome; step++) await this.cluster.run(50);
    assert.ok(outcome, 'joinAtStart settles within 10 s of simulated time');
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  exchangesWith(node: SimNode): number {
    return this.exchanges.filter((e) => e === `${this.a.id}>${node.id}`).length;
  }

  stop(): void {
    this.startUp.stop();
    for (const n of this.cluster.nodes) n.membership.stop();
  }

  private async identify(address: string): Promise<ServiceNode> {
    const answers = this.answers.get(address) ?? ['unreachable'];
    const seen = this.whoAmI.filter((a) => a === address).length;
    this.whoAmI.push(address);
    const answer = answers[Math.min(seen, answers.length - 1)]!;
    if (answer === 'unreachable') throw new JoinUnreachableError(`WhoAmI at ${address} failed: connection refused`);
    const [node, cluster] = 'of' in answer ? [answer.of, answer.cluster] : [answer, 'sim'];
    const record = node.membership.localRecord();
    return { nodeId: node.id, cluster, caCertPem: record.caCertPem, registerAddresses: record.addresses.map((host) => `${host}:${record.registerPort}`) };
  }

  /** Register.Join at the first target: that node welcomes us with its record (a real handshake's outcome). */
  private async join(targets: JoinTarget[], token: string): Promise<JoinSuccess> {
    this.joins.push({ targets, token });
    const node = this.cluster.nodes.find((n) => n.id === targets[0]!.identity?.nodeId);
    if (!node) throw new JoinUnreachableError(`nothing at ${targets[0]!.address}`);
    const welcome = {
      // As a real welcome carries it: the wire form, decoded.
      server: decodeNodeRecord(encodeNodeRecord(recordToWire(node.membership.localRecord()))),
      peers: [],
      services: [],
      observedAddress: this.a.membership.localRecord().addresses[0]!,
      admittedMode: 'server' as const,
      connectBackError: '',
    };
    return { address: targets[0]!.address, welcome, failures: [] };
  }
}

test('the service routes us to ourselves: tried again on new connections, then we start as the first node', async () => {
  const h = new Harness();
  h.behind('svc:7400', h.a, 'unreachable', h.a);
  const result = await h.joinAtStart({ services: ['svc:7400'], token: TOKEN });
  assert.deepEqual(h.whoAmI, ['svc:7400', 'svc:7400', 'svc:7400'], 'three connections, each routed anew');
  assert.match(result.via, /first node/);
  assert.match(result.failures.join('; '), /routed this node to itself/);
  assert.equal(h.joins.length, 0);
  assert.equal(h.a.membership.members().length, 0);
  h.stop();
});

test('the service routes us to ourselves, then to another node on a new connection: we join it', async () => {
  const h = new Harness();
  const b = h.node();
  h.behind('svc:7400', h.a, b);
  const result = await h.joinAtStart({ services: ['svc:7400'], token: TOKEN });
  assert.equal(h.whoAmI.length, 2);
  assert.equal(result.via, 'service svc:7400');
  assert.equal(h.joins.length, 1);
  assert.ok(h.a.membership.member(b.id), 'b is a member');
  h.stop();
});

test('a member behind the service: one gossip exchange with it and no Register.Join (the cheap path)', async () => {
  const h = new Harness();
  const b = h.node();
  h.members(h.a, b);
  h.behind('svc:7400', b);
  const result = await h.joinAtStart({ services: ['svc:7400'], token: TOKEN });
  assert.equal(result.via, 'service svc:7400');
  assert.deepEqual(h.whoAmI, ['svc:7400']);
  assert.equal(h.joins.length, 0, 'no handshake with a node we hold');
  assert.equal(h.exchangesWith(b), 1);
  assert.equal(h.exchanges.length, 1, 'and no other exchange');
  h.stop();
});

test('an unknown node behind the service, with a token: joined through its own register addresses, then gossip with it', async () => {
  const h = new Harness();
  const c = h.node();
  h.behind('svc:7400', c);
  const result = await h.joinAtStart({ services: ['svc:7400'], token: TOKEN });
  assert.equal(result.via, 'service svc:7400');
  assert.equal(h.joins.length, 1);
  const { targets, token } = h.joins[0]!;
  assert.equal(token, TOKEN);
  const record = c.membership.localRecord();
  assert.deepEqual(
    targets.map((t) => t.address),
    [`${record.addresses[0]}:${record.registerPort}`, 'svc:7400'],
    'its advertised register address first, the service (which may route elsewhere) last',
  );
  assert.ok(targets.every((t) => t.identity?.nodeId === c.id), 'pinned to the node WhoAmI named');
  assert.equal(h.exchangesWith(c), 1, 'the welcome is followed by an exchange');
  assert.equal(h.a.membership.member(c.id)?.state, 'alive');
  h.stop();
});

test('an unknown node behind the service, without a token: skipped, not joined', async () => {
  const h = new Harness();
  const b = h.node();
  const c = h.node();
  h.members(h.a, b); // a member, so services are tried without a token
  h.behind('svc:7400', c);
  const result = await h.joinAtStart({ services: ['svc:7400'] });
  assert.deepEqual(h.whoAmI, ['svc:7400'], 'an answer that is not us is not retried');
  assert.equal(h.joins.length, 0);
  assert.match(result.failures.join('; '), new RegExp(`skipped node ${c.id}: .*no token`));
  assert.equal(h.a.membership.member(c.id), undefined);
  h.stop();
});

test('a node of another cluster behind the service: the start fails (no network of our own beside it)', async () => {
  const h = new Harness();
  const d = h.node();
  h.behind('svc:7400', { cluster: 'other', of: d });
  await assert.rejects(h.joinAtStart({ services: ['svc:7400'], token: TOKEN }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'ERR_START_UP_JOIN');
    assert.match(error.message, /cluster "other".*ERR_CLUSTER_MISMATCH/);
    return true;
  });
  assert.deepEqual(h.whoAmI, ['svc:7400'], 'a refusal is not retried');
  assert.equal(h.joins.length, 0);
  h.stop();
});

test('a service address learned only from a member\'s record is dialled by the periodic joins', async () => {
  const h = new Harness();
  const b = h.node();
  b.membership.updateLocal({ services: ['published:7400'] });
  h.behind('published:7400', b);
  // In through the peer the last run knew; no service of our own.
  const result = await h.joinAtStart({}, { peers: [b.membership.localRecord()], hadPeers: true });
  assert.match(result.via, /known peers/);
  assert.deepEqual(h.whoAmI, [], 'nothing to dial at start');
  await h.cluster.run(SERVICE_INTERVAL_MS + 1_000);
  assert.deepEqual(h.whoAmI, ['published:7400'], 'the periodic round dialled what b publishes');
  assert.equal(h.joins.length, 0, 'b is a member: an exchange, no handshake');
  assert.equal(h.exchangesWith(b), 2, 'the known-peer join, then the round');
  h.stop();
});
