import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readNodeCaFiles } from '../../src/identity/identity-store';
import type { MembersResponse__Output } from '../../src/proto/generated/g2g/v1/MembersResponse';
import type { RotateResponse__Output } from '../../src/proto/generated/g2g/v1/RotateResponse';
import type { StatusResponse__Output } from '../../src/proto/generated/g2g/v1/StatusResponse';
import { call } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { loadMember, loadNodeArgs, stopLoadMembers, type LoadMember } from '../helpers/load-members';
import { startCluster } from '../helpers/node-process';

/*
 * Rotation under load: 5 real nodes, every pair calling each other continuously
 * through the pool (a unary loop and one long stream per ordered pair, made by the loadgen
 * fixture plugin inside each node), while every node rotates its leaf 10 times and one node
 * rotates its CA once (through the switch of its leaves to the new CA and the retirement of the
 * old one): zero failed calls, and every stream completes with OK.
 */

interface LoadStats {
  unaryOk: number;
  unaryFailed: number;
  streamsOpened: number;
  streamsCompleted: number;
  streamsFailed: number;
  ticks: number;
  errors: string[];
  peers: string[];
}

const N = 5;
const LEAF_ROTATIONS = 10;
// The wan membership profile (tolerant failure detection: on a shared 2-core machine five nodes
// under load stall for seconds, and the local profile's one-second suspicion declares healthy
// peers dead, which this test is not about), on loopback with the local profile's timers
// otherwise. A short CA grace so the test sees the whole CA rotation: leaves switch after 16 s
// (grace − maxConnectionAge), the old CA is retired after 20 s.
const args = loadNodeArgs('--profile', 'wan', '--host', '127.0.0.1', '--leaf-lifetime', '2m', '--drain-timeout', '2s', '--max-connection-age', '4s', '--ca-rotation-grace', '20s');
const nodes: LoadMember[] = [];

before(async () => {
  for (const process of (await startCluster(N, { args })).nodes) nodes.push(await loadMember(process));
});

after(() => stopLoadMembers(nodes));

test(`${N} nodes under load through the pool: ${LEAF_ROTATIONS} leaf rotations each and one CA rotation, zero failed calls, every stream completes`, async () => {
  const ids = nodes.map((n) => n.id);
  // Every node's pool offers the loadgen service of every other node.
  for (const node of nodes) {
    await eventually(`${node.id} has every peer in its pool`, async () => {
      const peers = await call<{ queryOrder: string[] }>(node.admin, 'Peers', {}, 5000);
      const members = await call<MembersResponse__Output>(node.admin, 'Members', {}, 5000);
      const serving = members.members.filter((m) => m.state === 'MEMBER_STATE_ALIVE' && m.services.includes('loadgen.v1.Loadgen')).length;
      return peers.queryOrder.length === N - 1 && serving === N - 1;
    }, 90_000);
  }
  for (const node of nodes) {
    const run = await call<{ peers: string[] }>(node.loadgen, 'Run', { pauseMs: 100, tickMs: 250, deadlineMs: 15_000 }, 10_000);
    assert.deepEqual([...run.peers].sort(), ids.filter((id) => id !== node.id).sort());
  }
  const stats = () => Promise.all(nodes.map((n) => call<LoadStats>(n.loadgen, 'Stats', {}, 10_000)));
  await eventually('every loop has made calls and every stream ticks', async () => (await stats()).every((s) => s.unaryOk > 4 * (N - 1) && s.ticks > N - 1), 60_000);

  // The CA rotation of node 0 runs underneath the leaf rotations of everybody.
  const originalCa = (await readNodeCaFiles(nodes[0]!.process.dataDir)).certPem;
  const before = await call<StatusResponse__Output>(nodes[0]!.admin, 'Status', {});
  const caRotation = await call<RotateResponse__Output>(nodes[0]!.admin, 'Rotate', { ca: true, reason: 'load test' }, 60_000);
  assert.equal(caRotation.previousCaFingerprint, before.caFingerprint);
  // The test's own clients of node 0, like the CLI, trust its old and its new CA from now on.
  nodes[0]!.close();
  nodes[0] = await loadMember(nodes[0]!.process, [originalCa]);
  const caNode = nodes[0]!;
  const fingerprints = new Map<string, string[]>();
  await Promise.all(
    nodes.map(async (node) => {
      const seen: string[] = [];
      for (let i = 0; i < LEAF_ROTATIONS; i++) {
        const r = await call<RotateResponse__Output>(node.admin, 'Rotate', { reason: `load test ${i + 1}` }, 60_000);
        seen.push(r.current!.fingerprint);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      fingerprints.set(node.id, seen);
    }),
  );
  for (const seen of fingerprints.values()) assert.equal(new Set(seen).size, LEAF_ROTATIONS, 'each rotation installed a new leaf');

  // The CA rotation completes: the old CA is retired on node 0 and gone from every peer's view.
  await eventually('the old CA is retired everywhere', async () => {
    const status = await call<StatusResponse__Output>(caNode.admin, 'Status', {});
    if (status.previousCaFingerprint !== '' || status.caFingerprint !== caRotation.caFingerprint) return false;
    for (const node of nodes.slice(1)) {
      const seen = (await call<MembersResponse__Output>(node.admin, 'Members', {})).members.find((m) => m.nodeId === caNode.id);
      if (seen?.caFingerprint !== caRotation.caFingerprint || seen.previousCaFingerprint !== '') return false;
    }
    return true;
  }, 90_000);
  assert.equal((await call<StatusResponse__Output>(caNode.admin, 'Status', {})).nodeId, caNode.id, 'the node id did not change');

  // Every peer verifies every node's current leaf at a handshake (pool pings reconnect them).
  await eventually('every peer verified every current leaf', async () => {
    const current = new Map((await Promise.all(nodes.map((n) => call<StatusResponse__Output>(n.admin, 'Status', {})))).map((s) => [s.nodeId, s.leaf!.fingerprint]));
    for (const node of nodes) {
      for (const m of (await call<MembersResponse__Output>(node.admin, 'Members', {})).members) {
        if (m.leaf?.fingerprint !== current.get(m.nodeId) || m.verifiedLeafFingerprint !== current.get(m.nodeId)) return false;
      }
    }
    return true;
  }, 60_000);

  // Still calling after all that; then the loops stop and every stream is released with OK.
  const mid = await stats();
  await eventually('calls keep succeeding after the rotations', async () => (await stats()).every((s, i) => s.unaryOk > mid[i]!.unaryOk + N - 1), 60_000);
  for (const node of nodes) await call(node.loadgen, 'Finish', {}, 30_000);
  for (const node of nodes) await call(node.loadgen, 'Release', {}, 10_000);
  await eventually('every stream completed', async () => (await stats()).every((s) => s.streamsCompleted + s.streamsFailed === N - 1), 30_000);
  const final = await stats();
  // On failure, the nodes' own warnings and errors say what happened (suspicions, refusals).
  const logs = () => nodes.map((n) => `--- ${n.id}${n === caNode ? ' (CA rotated)' : ''}\n${n.process.stderr().split('\n').filter((l) => !/"level":30/.test(l) || /suspect|dead|CA|refused|alive/.test(l)).slice(-40).join('\n')}`).join('\n');
  for (const [i, s] of final.entries()) {
    assert.deepEqual(s.errors, [], `node ${nodes[i]!.id} saw failures; node logs:\n${logs()}`);
    assert.equal(s.unaryFailed, 0);
    assert.equal(s.streamsOpened, N - 1);
    assert.equal(s.streamsFailed, 0);
    assert.equal(s.streamsCompleted, N - 1, 'every long stream ended with OK');
    assert.ok(s.unaryOk > 0);
  }
});
