import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import type { MembershipOptions } from '../../src/membership/options';
import { SimCluster } from '../../src/testing/sim-cluster';
import { createNodeCa, type NodeCa } from '../../src/identity/node-ca';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import { PushCertificateProvider } from '../../src/transport/push-certificate-provider';
import { mutualTlsServerCredentials } from '../../src/transport/server-credentials';
import { TrustStore } from '../../src/transport/trust-store';
import { systemClock } from '../../src/util/clock';
import type { MembersResponse__Output } from '../../src/proto/generated/g2g/v1/MembersResponse';
import type { RotateResponse__Output } from '../../src/proto/generated/g2g/v1/RotateResponse';
import { call } from '../helpers/clients';
import { makeCa, memberLeaf } from '../helpers/in-process-node';
import { OperatorAdmins } from '../helpers/operator-admins';
import { removeDir, startCluster, type NodeProcess } from '../helpers/node-process';
import { median, percentile, round, summarize, type Summary } from './stats';

/*
 * Certificates across the network — how fast certificate changes reach the network:
 *   cert-spread-sim      rounds (gossip intervals) in simulation, N = 1,000 and 10,000 (peer
 *                        tables bounded at 64), until every node that holds a peer holds its new
 *                        leaf (fingerprint, expiry) after a leaf rotation, and its new CA after a
 *                        node-CA rotation (in the simulator a CA rotation is the record change a
 *                        real one gossips at its start: the new CA, endorsed);
 *   cert-spread-cluster  seconds in a 16-process cluster until every peer has verified a node's
 *                        new leaf at a handshake (Admin.Members verified_leaf_fingerprint), and
 *                        until every peer trusts a node's rotated CA (its record's CA).
 * Benchmark 2 — trust-bundle cost:
 *   trust-bundle         500 members joining in a burst (spread over 1 s) into a TrustStore whose
 *                        provider feeds a listening mutual-TLS grpc-js server: bundle rebuilds,
 *                        time per rebuild, the event-loop stall (p99 and max of
 *                        monitorEventLoopDelay from the first join until the bundle holds every
 *                        member, against the same measure over 1 s of idle loop) and how long after the last join the bundle holds every
 *                        member; the node's settings (25 ms debounce, rebuilds spaced by 10× the
 *                        last one's duration) versus the debounce alone and no debounce.
 *                        Target: stall p99 ≤ 20 ms.
 */

// ---------------------------------------------------------------- simulation

const SIM_N = [1000, 10_000];
const SIM_TRIALS = 8;

export interface SimSpreadRow {
  n: number;
  bound: number;
  kind: 'leaf' | 'ca';
  trials: number;
  rounds: Summary;
  /** Rumour budget of the network size: retransmitMult × ⌈log10(N + 1)⌉ sends per node. */
  incomplete: number;
}

function options(bound: number): Partial<MembershipOptions> {
  return { maxPeers: bound, maxDigests: 64 };
}

/** Rounds until every holder of each origin sees `done(record)`; one origin per trial, all launched at once. */
async function spread(c: SimCluster, origins: string[], changed: (origin: string) => (r: { leaf: { fingerprint: string }; caCertPem: string }) => boolean, maxRounds: number): Promise<number[]> {
  const rounds = origins.map(() => Number.NaN);
  for (let r = 1; r <= maxRounds && rounds.some(Number.isNaN); r++) {
    await c.runIntervals(1);
    origins.forEach((origin, i) => {
      if (!Number.isNaN(rounds[i]!)) return;
      const done = changed(origin);
      const all = c.nodes.every((n) => {
        if (n.id === origin) return true;
        const m = n.membership.member(origin);
        return m === undefined || done(m.record);
      });
      if (all) rounds[i] = r;
    });
  }
  return rounds;
}

export async function runCertSpreadSim(log: (line: string) => void): Promise<SimSpreadRow[]> {
  const rows: SimSpreadRow[] = [];
  for (const n of SIM_N) {
    const bound = 64;
    for (const kind of ['leaf', 'ca'] as const) {
      const c = new SimCluster({ seed: 6100 + n + (kind === 'ca' ? 1 : 0), latencyMs: [1, 10], membership: options(bound) });
      for (let i = 0; i < n; i++) c.addNode();
      c.bootstrap(bound);
      await c.runIntervals(5);
      const origins = Array.from({ length: SIM_TRIALS }, () => c.nodes[c.random.int(n)]!.id).filter((id, i, a) => a.indexOf(id) === i);
      const expected = new Map<string, string>();
      for (const id of origins) {
        const node = c.node(id);
        if (kind === 'leaf') {
          const fingerprint = `sha256:${id.padEnd(64, '0').slice(0, 64)}`;
          expected.set(id, fingerprint);
          node.membership.updateLocal({ leaf: { fingerprint, notAfterMs: c.scheduler.now() + 3600_000 } });
        } else {
          const pem = c.authority.rotateCa(id);
          expected.set(id, pem);
          node.membership.updateLocal({ caCertPem: pem });
        }
      }
      const rounds = await spread(c, origins, (origin) => (r) => (kind === 'leaf' ? r.leaf.fingerprint : r.caCertPem) === expected.get(origin), 60);
      const finished = rounds.filter((x) => !Number.isNaN(x));
      rows.push({ n, bound, kind, trials: origins.length, rounds: summarize(finished), incomplete: rounds.length - finished.length });
      log(`cert-spread-sim: N=${n} ${kind}: rounds ${finished.join(',')}`);
    }
  }
  return rows;
}

export function certSpreadSimTable(rows: SimSpreadRow[]): string {
  const lines = ['N       bound  change      trials  rounds median  p95  max  incomplete'];
  for (const r of rows) {
    lines.push(`${String(r.n).padEnd(8)}${String(r.bound).padEnd(7)}${(r.kind === 'leaf' ? 'leaf' : 'node CA').padEnd(12)}${String(r.trials).padEnd(8)}${String(r.rounds.median).padEnd(15)}${String(r.rounds.p95).padEnd(5)}${String(r.rounds.max).padEnd(5)}${r.incomplete}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- trust bundle

const MEMBERS = 500;
const BURST_MS = 1000;
const DEBOUNCE_MS = 25;

export interface TrustBundleRow {
  arm: string;
  debounceMs: number;
  spacingFactor: number;
  members: number;
  rebuilds: number;
  rebuildMs: Summary;
  stallP99Ms: number;
  stallMaxMs: number;
  baselineP99Ms: number;
  /** From the last join to the bundle holding every member. */
  lagMs: number;
  met: boolean;
}

/** Times every bundle push (the synchronous work: grpc-js builds a TLS secure context over every CA). */
class TimedProvider extends PushCertificateProvider {
  readonly durations: number[] = [];
  override setCaCertificates(pems: readonly string[]): void {
    const t = performance.now();
    super.setCaCertificates(pems);
    this.durations.push(performance.now() - t);
  }
}

/** The event loop's delay while `work` runs (from its start until it resolves), or over `ms` of idle. */
async function loopDelay(work: (() => Promise<void>) | number): Promise<{ p99: number; max: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await (typeof work === 'number' ? new Promise((r) => setTimeout(r, work)) : work());
  h.disable();
  return { p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
}

async function burst(cas: NodeCa[], arm: string, debounceMs: number, spacingFactor: number): Promise<TrustBundleRow> {
  const identityCa = await makeCa();
  const leaf = await memberLeaf(identityCa);
  const identity = new PushCertificateProvider();
  identity.setIdentity(leaf.certPem, leaf.keyPem);
  const provider = new TimedProvider();
  const trust = new TrustStore(provider, { clock: systemClock, debounceMs, spacingFactor });
  trust.set(identityCa.nodeId, identityCa.certPem);
  trust.flush();
  const server = new grpc.Server();
  await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', mutualTlsServerCredentials(identity, provider), (e, p) => (e ? reject(e) : resolve(p))));
  try {
    const baseline = await loopDelay(BURST_MS);
    provider.durations.length = 0;
    const before = trust.pushCount();
    let lagMs = 0;
    // Joins arrive spread over BURST_MS, as a burst of registrations and their gossip would.
    const stall = await loopDelay(async () => {
      const per = BURST_MS / cas.length;
      for (let i = 0; i < cas.length; i++) {
        trust.set(cas[i]!.nodeId, cas[i]!.certPem);
        if (i % 10 === 9) await new Promise((r) => setTimeout(r, per * 10));
      }
      const last = performance.now();
      await trust.settled();
      lagMs = performance.now() - last;
    });
    return {
      arm,
      debounceMs,
      spacingFactor,
      members: cas.length,
      rebuilds: trust.pushCount() - before,
      rebuildMs: summarize(provider.durations.map((d) => round(d, 2))),
      stallP99Ms: round(stall.p99, 2),
      stallMaxMs: round(stall.max, 2),
      baselineP99Ms: round(baseline.p99, 2),
      lagMs: round(lagMs, 1),
      met: stall.p99 <= 20,
    };
  } finally {
    server.forceShutdown();
  }
}

export async function runTrustBundle(log: (line: string) => void): Promise<TrustBundleRow[]> {
  log(`trust-bundle: making ${MEMBERS} node CAs (RSA-2048, like real members)`);
  const keys = await Promise.all(Array.from({ length: MEMBERS }, () => generateRsaKeyPair(2048)));
  const cas = keys.map((keyPair) => createNodeCa({ keyPair, now: new Date(), lifetimeMs: 86_400_000 }));
  const rows: TrustBundleRow[] = [];
  const arms: Array<[string, number, number]> = [
    ['node (25 ms debounce, spaced 10x)', DEBOUNCE_MS, 10],
    ['25 ms debounce only', DEBOUNCE_MS, 0],
    ['no debounce', 0, 0],
  ];
  for (const [arm, debounceMs, spacingFactor] of arms) {
    const row = await burst(cas, arm, debounceMs, spacingFactor);
    log(`trust-bundle: ${arm}: ${row.rebuilds} rebuilds, median ${row.rebuildMs.median} ms, stall p99 ${row.stallP99Ms} ms, max ${row.stallMaxMs} ms, lag ${row.lagMs} ms`);
    rows.push(row);
  }
  return rows;
}

export function trustBundleTable(rows: TrustBundleRow[]): string {
  const lines = ['arm                                members  rebuilds  per rebuild median / p99 / max   loop stall p99 / max (idle p99)   lag after last join   target p99 ≤ 20 ms'];
  for (const r of rows) {
    lines.push(
      `${r.arm.padEnd(35)}${String(r.members).padEnd(9)}${String(r.rebuilds).padEnd(10)}` +
        `${`${r.rebuildMs.median} / ${r.rebuildMs.p99} / ${r.rebuildMs.max} ms`.padEnd(34)}${`${r.stallP99Ms} / ${r.stallMaxMs} ms (${r.baselineP99Ms} ms)`.padEnd(34)}${`${r.lagMs} ms`.padEnd(22)}${r.met ? 'met' : 'NOT met'}`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- 16-process cluster

const N = 16;

export interface ClusterSpreadResult {
  nodes: number;
  /** Per trial: seconds from Admin.Rotate returning to every peer having verified the new leaf. */
  leafVerifiedS: number[];
  /** Seconds from Admin.Rotate{ca} returning to every peer's view naming the new CA. */
  caTrustedS: number;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 50));
  }
  return Number.NaN;
}

export async function runCertSpreadCluster(log: (line: string) => void): Promise<ClusterSpreadResult> {
  const nodes: NodeProcess[] = [];
  const admins = new OperatorAdmins('bench');
  try {
    nodes.push(...(await startCluster(N)).nodes);
    const ids = nodes.map((n) => n.facts.nodeId);
    log(`cert-spread-cluster: ${N} nodes serving; waiting for the full view and connected pools`);
    await until(async () => {
      const views = await Promise.all(nodes.map((n) => admins.members(n)));
      return views.every((v, i) => ids.every((id, j) => i === j || v.members.some((m) => m.nodeId === id && m.state === 'MEMBER_STATE_ALIVE' && m.verifiedLeafFingerprint !== '')));
    }, 120_000);
    const views = () => Promise.all(nodes.map((n) => admins.members(n)));
    const leafVerifiedS: number[] = [];
    for (let trial = 0; trial < 5; trial++) {
      const origin = nodes[trial]!;
      const r = await call<RotateResponse__Output>(await admins.of(origin), 'Rotate', { reason: 'bench' }, 60_000);
      const fingerprint = r.current!.fingerprint;
      const s = await until(async () => (await views()).every((v: MembersResponse__Output, i) => i === trial || v.members.some((m) => m.nodeId === origin.facts.nodeId && m.verifiedLeafFingerprint === fingerprint)), 60_000);
      leafVerifiedS.push(round(s, 2));
      log(`cert-spread-cluster: leaf of ${origin.facts.nodeId} verified by all ${N - 1} peers after ${round(s, 2)} s`);
    }
    const caOrigin = nodes[N - 1]!;
    const ca = await call<RotateResponse__Output>(await admins.of(caOrigin), 'Rotate', { ca: true, reason: 'bench' }, 60_000);
    const caTrustedS = round(await until(async () => (await views()).every((v, i) => i === N - 1 || v.members.some((m) => m.nodeId === caOrigin.facts.nodeId && m.caFingerprint === ca.caFingerprint)), 60_000), 2);
    log(`cert-spread-cluster: rotated CA of ${caOrigin.facts.nodeId} trusted by all after ${caTrustedS} s`);
    return { nodes: N, leafVerifiedS, caTrustedS };
  } finally {
    admins.close();
    for (const node of nodes) {
      await node.stop('SIGKILL');
      await removeDir(node.dataDir);
    }
  }
}

export function certSpreadClusterTable(r: ClusterSpreadResult): string {
  return [
    `nodes                                              ${r.nodes} (local profile, loopback, 200 ms gossip interval)`,
    `leaf rotation → verified by every peer (5 trials)  median ${median(r.leafVerifiedS)} s, max ${percentile(r.leafVerifiedS, 100)} s`,
    `CA rotation → new CA trusted by every peer         ${r.caTrustedS} s`,
  ].join('\n');
}
