import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import type { Leaf } from '../../src/identity/leaf';
import { createNodeCa, type NodeCa } from '../../src/identity/node-ca';
import { silentLogger } from '../../src/log/logger';
import type { NodeRecord } from '../../src/membership/node-record';
import { KNOWN_PEERS_FILE, readKnownPeers } from '../../src/node/known-peers';
import type { GossipTransportFactory } from '../../src/node/gossip-transport-factory';
import { NodeMembership } from '../../src/node/node-membership';
import type { NodeRecord__Output } from '../../src/proto/generated/g2g/v1/NodeRecord';
import type { AdmitRequest } from '../../src/register/register-service';
import { EventScheduler } from '../../src/testing/event-scheduler';
import { MemoryNetwork, type MemoryEndpoint } from '../../src/testing/memory-network';
import { SeededRandom } from '../../src/testing/seeded-random';
import { eventually } from '../helpers/eventually';
import { recordToWire } from '../../src/transport/gossip-wire';
import { PushCertificateProvider } from '../../src/transport/push-certificate-provider';
import { TrustStore } from '../../src/transport/trust-store';
import type { GossipHandler } from '../../src/membership/transport';

const INTERVAL_MS = 1000;
const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** NodeMembership instances over one in-memory network, each with its own data dir and CA. */
class Net {
  readonly scheduler = new EventScheduler(Date.UTC(2026, 0, 1));
  readonly random = new SeededRandom(17);
  readonly network = new MemoryNetwork(this.scheduler, this.random.fork(), {});
  oneOffsClosed = 0;

  async node(opts: { mode?: 'server' | 'client'; ca?: NodeCa; dataDir?: string; endpoint?: Slot } = {}): Promise<Member> {
    const ca = opts.ca ?? createNodeCa({ keyPair: await generateRsaKeyPair(1024), now: new Date(this.scheduler.now()), lifetimeMs: 365 * 86_400_000 });
    const dataDir = opts.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'g2g-node-membership-')));
    if (!opts.dataDir) dirs.push(dataDir);
    // One endpoint per node id for good (the network keeps ids): a restart serves the new instance on it.
    const slot = opts.endpoint ?? new Slot(this.network.endpoint(ca.nodeId));
    const transports: GossipTransportFactory = {
      shared: () => ({ ...slot.endpoint.transport, close: () => undefined }),
      oneOff: () => ({ ...slot.endpoint.transport, close: () => void this.oneOffsClosed++ }),
    };
    const trust = new TrustStore(new PushCertificateProvider(), { clock: slot.endpoint.clock, debounceMs: 5 });
    const membership = new NodeMembership(
      {
        ca,
        cluster: 'default',
        mode: opts.mode ?? 'server',
        dataDir,
        services: [],
        identity: new PushCertificateProvider(),
        trust,
        clock: slot.endpoint.clock,
        random: this.random.fork(),
        log: silentLogger(),
        transport: transports,
      },
      'lan',
      { intervalMs: INTERVAL_MS },
    );
    if ((opts.mode ?? 'server') === 'server') slot.serve(membership.handler);
    const leaf = { fingerprint: `sha256:${'1'.repeat(64)}`, notAfter: new Date(this.scheduler.now() + 86_400_000) } as Leaf;
    await membership.start({ addresses: ['10.0.0.1'], registerPort: 7946, gossipPort: 7947, leaf });
    return { ca, dataDir, membership, trust, slot };
  }

  /** Runs virtual time while `work` is in progress (admission waits for the trust bundle and a ping). */
  async during<T>(work: Promise<T>, ms = 5 * INTERVAL_MS): Promise<T> {
    await this.scheduler.run(ms);
    return work;
  }
}

/** A node id's endpoint, whose server side can move to a restarted instance. */
class Slot {
  private handler: GossipHandler | undefined;
  constructor(readonly endpoint: MemoryEndpoint) {
    endpoint.serve({
      handleExchange: (from, request) => this.current().handleExchange(from, request),
      handlePing: (from, request) => this.current().handlePing(from, request),
      handlePingVia: (from, request) => this.current().handlePingVia(from, request),
    });
  }
  serve(handler: GossipHandler): void {
    this.handler = handler;
  }
  private current(): GossipHandler {
    if (!this.handler) throw new Error('not serving');
    return this.handler;
  }
}

interface Member {
  ca: NodeCa;
  dataDir: string;
  membership: NodeMembership;
  trust: TrustStore;
  slot: Slot;
}

function admitRequest(record: NodeRecord, extra: Partial<AdmitRequest> = {}): AdmitRequest {
  return {
    record: recordToWire(record) as unknown as NodeRecord__Output,
    recordBytes: Buffer.alloc(0),
    observedAddress: '10.0.0.9',
    mode: record.mode,
    tokenId: 'token-1',
    tokenIssuedAtMs: 0,
    signal: new AbortController().signal,
    ...extra,
  };
}

function refusal(outcome: unknown): string | undefined {
  return (outcome as { refused?: { code: string } }).refused?.code;
}

test('admission: a newcomer with a signed record whose gossip port answers is a member and trusted; the connect-back transport is closed', async () => {
  const net = new Net();
  const a = await net.node();
  const b = await net.node();
  const outcome = await net.during(a.membership.admit(admitRequest(b.membership.localRecord()!)));
  assert.equal(refusal(outcome), undefined);
  assert.equal((outcome as { admittedMode?: string }).admittedMode, 'server');
  assert.equal((outcome as { connectBackError?: string }).connectBackError, undefined);
  assert.equal(a.membership.member(b.ca.nodeId)?.state, 'alive');
  assert.equal(a.trust.caOf(b.ca.nodeId), b.ca.certPem, "the gossip port trusts the newcomer's CA");
  assert.equal(net.oneOffsClosed, 1);
  // Gossip carries A to B: both know each other.
  await net.scheduler.run(10 * INTERVAL_MS);
  assert.equal(b.membership.member(a.ca.nodeId)?.state, 'alive');
  a.membership.stop();
  b.membership.stop();
});

test('admission: a record its node CA did not sign is refused and nothing is trusted', async () => {
  const net = new Net();
  const a = await net.node();
  const b = await net.node();
  const forged = { ...b.membership.localRecord()!, addresses: ['10.6.6.6'] };
  const outcome = await net.during(a.membership.admit(admitRequest(forged)));
  assert.equal(refusal(outcome), 'ERR_ADMISSION_REFUSED');
  assert.equal(a.membership.member(b.ca.nodeId), undefined);
  assert.equal(a.trust.caOf(b.ca.nodeId), undefined);
  a.membership.stop();
  b.membership.stop();
});

test('admission: a server-mode newcomer whose gossip port does not answer is offered client mode, not admitted, and its CA untrusted again', async () => {
  const net = new Net();
  const a = await net.node();
  const b = await net.node();
  net.network.crash(b.ca.nodeId);
  const outcome = await net.during(a.membership.admit(admitRequest(b.membership.localRecord()!)), 30_000);
  assert.equal(refusal(outcome), undefined);
  assert.match((outcome as { connectBackError?: string }).connectBackError ?? '', /no answer on the gossip port 7947/);
  assert.equal((outcome as { admittedMode?: string }).admittedMode, 'client');
  assert.equal(a.membership.member(b.ca.nodeId), undefined);
  assert.equal(a.trust.caOf(b.ca.nodeId), undefined);
  assert.equal(net.oneOffsClosed, 1);
  a.membership.stop();
  b.membership.stop();
});

test('admission: a removed node is refused with the token it had, and reinstated by a token issued after its removal', async () => {
  const net = new Net();
  const a = await net.node();
  const b = await net.node();
  await net.during(a.membership.admit(admitRequest(b.membership.localRecord()!)));
  const { removal } = a.membership.remove(b.ca.nodeId);
  assert.equal(a.trust.caOf(b.ca.nodeId), undefined, 'a removal untrusts at once');
  const old = await net.during(a.membership.admit(admitRequest(b.membership.localRecord()!, { tokenIssuedAtMs: removal.issuedAtMs })));
  assert.equal(refusal(old), 'ERR_ADMISSION_REFUSED');
  assert.match((old as { refused: Error }).refused.message, /removed from the network by/);
  const fresh = await net.during(a.membership.admit(admitRequest(b.membership.localRecord()!, { tokenIssuedAtMs: removal.issuedAtMs + 1 })));
  assert.equal(refusal(fresh), undefined);
  assert.equal(a.membership.member(b.ca.nodeId)?.state, 'alive');
  a.membership.stop();
  b.membership.stop();
});

test('known peers: saved every few intervals, on removal and on leave; a restart rejoins through them at a newer version', async () => {
  const net = new Net();
  const a = await net.node();
  const b = await net.node();
  const c = await net.node();
  const file = path.join(a.dataDir, KNOWN_PEERS_FILE);
  await assert.rejects(readFile(file), 'nothing saved before the first save');
  await net.during(a.membership.admit(admitRequest(b.membership.localRecord()!)));
  await net.during(a.membership.admit(admitRequest(c.membership.localRecord()!)));
  // Saved removals expire on the clock they were made with: read them back on virtual time.
  const read = () => readKnownPeers(a.dataDir, () => net.scheduler.now());
  await net.scheduler.run(12 * INTERVAL_MS);
  // The save is a file write (real I/O), so wait for its result rather than for a duration.
  await eventually('the periodic save lists the peers', async () => (await read()).peers.length === 2, 10_000, 20);
  let saved = await read();
  assert.deepEqual(saved.peers.map((p) => p.nodeId).sort(), [b.ca.nodeId, c.ca.nodeId].sort());
  assert.deepEqual(saved.removals ?? [], []);

  // No timer falls due before the check: only the removal itself can have saved it.
  a.membership.remove(c.ca.nodeId);
  await eventually('a removal is saved at once (a restart must not forget it)', async () => ((await read()).removals ?? []).length > 0, 10_000, 20);
  saved = await read();
  assert.deepEqual(
    (saved.removals ?? []).map((r) => r.removal.nodeId),
    [c.ca.nodeId],
  );

  const leaving = a.membership.leave();
  const left = await net.during(leaving).then(() => a.membership.localRecord()!);
  saved = await read();
  assert.equal(saved.version, left.version, "the leave's version is saved: a restart publishes a newer one");

  // Restart A on the same data dir and endpoint: it rejoins through B without ticket or services.
  const again = await net.node({ ca: a.ca, dataDir: a.dataDir, endpoint: a.slot });
  assert.ok(again.membership.localRecord()!.version > left.version);
  const joined = await net.during(again.membership.joinAtStart({ ticket: '', services: [], token: '' }));
  assert.equal(joined.via, 'known peers (1 answered)');
  assert.equal(again.membership.member(b.ca.nodeId)?.state, 'alive');
  assert.equal(again.membership.member(c.ca.nodeId), undefined, 'the removed member is not rejoined');
  for (const m of [again, b, c]) m.membership.stop();
});

test('stop leaves no timer behind: the periodic save, the sweep and the untrust timers end with it', async () => {
  const net = new Net();
  const a = await net.node();
  const b = await net.node();
  await net.during(a.membership.admit(admitRequest(b.membership.localRecord()!)));
  b.membership.stop();
  net.network.crash(b.ca.nodeId);
  a.membership.stop();
  const file = path.join(a.dataDir, KNOWN_PEERS_FILE);
  await rm(file, { force: true });
  await net.scheduler.run(60 * INTERVAL_MS);
  await assert.rejects(readFile(file), 'no save after stop');
  assert.equal(net.scheduler.pending, 0, 'nothing of A or B is scheduled');
});
