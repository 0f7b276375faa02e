import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readNodeCaFiles, readPreviousCaCert } from '../../src/identity/identity-store';
import type { RotateResponse__Output } from '../../src/proto/generated/g2g/v1/RotateResponse';
import { call } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { loadMember, loadNodeArgs, probe, reachesAll, status, stopLoadMembers, viewOf, type LoadMember } from '../helpers/load-members';
import { startCluster } from '../helpers/node-process';

/*
 * The sleeping node: one node is paused (SIGSTOP) while every other node rotates its leaf
 * 3 times and one of them rotates its node CA — started, switched and retired while the sleeper
 * sleeps, so it never saw the new CA, not even in the grace period. After SIGCONT its calls to
 * every peer, and theirs to it, succeed through the pools, without a new ticket and without a
 * restart: it learns the rotated CA from the others' gossip (the lineage proves it from the node
 * id), and nobody needs to learn anything about it (its own CA did not change).
 */

const N = 4;
const LEAF_ROTATIONS = 3;
// A 10 s CA grace (the schema's minimum): leaves switch to the new CA after 8 s (grace −
// maxConnectionAge) and the old CA is retired after 10 s, all while the sleeper sleeps.
const args = loadNodeArgs('--leaf-lifetime', '1m', '--max-connection-age', '2s', '--ca-rotation-grace', '10s', '--drain-timeout', '2s');
const nodes: LoadMember[] = [];

before(async () => {
  for (const p of (await startCluster(N, { args })).nodes) nodes.push(await loadMember(p));
});

after(() => stopLoadMembers(nodes));

test(`a node paused while the others rotate their leaves ${LEAF_ROTATIONS} times and one its CA calls everyone, and is called, after it resumes`, async () => {
  const ids = nodes.map((n) => n.id);
  const others = (id: string) => ids.filter((x) => x !== id);
  for (const node of nodes) await eventually(`${node.id} calls every peer through its pool`, () => reachesAll(node, others(node.id)), 60_000);

  const sleeper = nodes[N - 1]!;
  const rotating = nodes[0]!;
  // Re-read: node 0's clients are replaced when its CA rotates.
  const awake = () => nodes.slice(0, N - 1);
  const originalCa = (await status(rotating)).caFingerprint;
  assert.equal((await viewOf(sleeper, rotating.id))?.caFingerprint, originalCa);
  const sleeperPid = sleeper.process.child.pid;

  assert.ok(sleeper.process.child.kill('SIGSTOP'));
  try {
    const caRotation = await call<RotateResponse__Output>(rotating.admin, 'Rotate', { ca: true, reason: 'sleeping-node test' }, 30_000);
    assert.equal(caRotation.previousCaFingerprint, originalCa);
    // From the switch on, its leaves come from the new CA: the test's clients trust both.
    const previousPem = await readPreviousCaCert(rotating.process.dataDir);
    assert.ok(previousPem, 'the rotation keeps the previous CA during its grace period');
    rotating.close();
    nodes[0] = await loadMember(rotating.process, [previousPem]);
    assert.equal((await readNodeCaFiles(rotating.process.dataDir)).fingerprint, caRotation.caFingerprint);

    await Promise.all(
      awake().map(async (_, i) => {
        for (let r = 0; r < LEAF_ROTATIONS; r++) {
          await call(nodes[i]!.admin, 'Rotate', { reason: `sleeping-node test ${r + 1}` }, 30_000);
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
      }),
    );
    // The whole CA rotation passes while the sleeper sleeps: retired, and only the new CA left.
    await eventually('the rotated CA is retired', async () => {
      const s = await status(nodes[0]!);
      return s.caFingerprint === caRotation.caFingerprint && s.previousCaFingerprint === '';
    }, 30_000);
    for (const node of awake()) {
      const s = await status(node);
      assert.ok(s.rotations >= LEAF_ROTATIONS, `${node.id} rotated its leaf ${s.rotations} times`);
    }
    assert.equal(sleeper.process.child.exitCode, null, 'the sleeper is still there, asleep');
  } finally {
    sleeper.process.child.kill('SIGCONT');
  }

  // Awake again: calls both ways succeed, and its view has every peer's current CA and leaf.
  const current = async () => new Map((await Promise.all(nodes.map(status))).map((s) => [s.nodeId, s]));
  await eventually('the sleeper calls every peer, and every peer calls it', async () => {
    for (const node of nodes) if (!(await reachesAll(node, others(node.id)))) return false;
    return true;
  }, 60_000);
  await eventually("the sleeper has verified every peer's current leaf, from the rotated CA for the node that rotated it", async () => {
    const now = await current();
    for (const peer of awake()) {
      const view = await viewOf(sleeper, peer.id);
      const s = now.get(peer.id)!;
      if (view?.caFingerprint !== s.caFingerprint || view.previousCaFingerprint !== '' || view.verifiedLeafFingerprint !== s.leaf!.fingerprint) return false;
    }
    return true;
  }, 30_000);
  assert.notEqual((await viewOf(sleeper, rotating.id))?.caFingerprint, originalCa);
  assert.equal(sleeper.process.child.pid, sleeperPid, 'the same process, never restarted');
  for (const r of await probe(sleeper)) assert.equal(r.servedBy, r.peer);
  // It is itself, alive, in every view, and the others verified its (unchanged-CA) leaf.
  for (const node of awake()) {
    await eventually(`${node.id} has the sleeper alive`, async () => {
      const sleeperLeaf = (await status(sleeper)).leaf!.fingerprint;
      const view = await viewOf(node, sleeper.id);
      return view?.state === 'MEMBER_STATE_ALIVE' && view.verifiedLeafFingerprint === sleeperLeaf;
    }, 30_000);
  }
});
