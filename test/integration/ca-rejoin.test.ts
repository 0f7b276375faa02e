import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readPreviousCaCert } from '../../src/identity/identity-store';
import type { RotateResponse__Output } from '../../src/proto/generated/g2g/v1/RotateResponse';
import { call } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { loadMember, loadNodeArgs, probe, status, stopLoadMembers, viewOf, type LoadMember } from '../helpers/load-members';
import { startCluster, startNodeProcess } from '../helpers/node-process';

/*
 * The promise: "a node offline during the whole grace period rejoins through the register port by
 * proving possession of its old CA key". Node X rotates its node CA while every other member is
 * paused (SIGSTOP), so none of them hears of the new CA during the whole grace period; X's
 * leaves then come from a CA their gossip ports do not trust, and theirs refuse X. X proves the
 * rotation on their register ports (Register.Rejoin: its lineage, each CA endorsed by the key of
 * the one before, and a challenge signed with the new key) and is back, with no ticket:
 *   1. after a restart from its data dir (it was stopped too);
 *   2. while running, cut off since its rotation (it notices no peer talks to it).
 */

const args = loadNodeArgs('--leaf-lifetime', '1m', '--max-connection-age', '2s', '--ca-rotation-grace', '10s', '--drain-timeout', '2s');
const nodes: LoadMember[] = [];

before(async () => {
  for (const p of (await startCluster(3, { args })).nodes) nodes.push(await loadMember(p));
});

after(() => stopLoadMembers(nodes));

const ids = () => nodes.map((n) => n.id);

/** On failure, the nodes' warnings and errors (and rejoin lines) say what happened. */
async function withLogs(what: Promise<void>): Promise<void> {
  try {
    await what;
  } catch (error) {
    const logs = nodes.map((n) => `--- ${n.id}\n${n.process.stderr().split('\n').filter((l) => !/"level":(10|20|30)/.test(l) || /rejoin|CA|refused|joined/i.test(l)).slice(-30).join('\n')}`).join('\n');
    (error as Error).message += `\nnode logs:\n${logs}`;
    throw error;
  }
}
/** True when every node's pool calls reach every other node; throws what failed otherwise (eventually reports it). */
const allCallEachOther = async () => {
  const problems: string[] = [];
  for (const node of nodes) {
    const results = await probe(node);
    const expected = ids().filter((id) => id !== node.id);
    for (const id of expected) {
      const r = results.find((x) => x.peer === id);
      if (!r?.ok) problems.push(`${node.id} -> ${id}: ${r ? r.error : 'not in its pool'}`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return true;
};

/**
 * Rotates node 2's CA while nodes 0 and 1 are paused, through the end of the grace period; then
 * `beforeResume` (e.g. node 2 stops too), then they resume.
 */
async function rotateOutOfSight(beforeResume: () => Promise<void> = async () => undefined): Promise<{ previous: string; current: string }> {
  const [a, b] = nodes as [LoadMember, LoadMember];
  const x = nodes[2]!;
  const previous = (await status(x)).caFingerprint;
  assert.ok(a.process.child.kill('SIGSTOP') && b.process.child.kill('SIGSTOP'));
  try {
    const rotation = await call<RotateResponse__Output>(x.admin, 'Rotate', { ca: true, reason: 'ca-rejoin test' }, 30_000);
    const previousPem = await readPreviousCaCert(x.process.dataDir);
    x.close();
    nodes[2] = await loadMember(x.process, previousPem ? [previousPem] : []);
    await eventually('the CA rotation ran through its whole grace period', async () => {
      const s = await status(nodes[2]!);
      return s.caFingerprint === rotation.caFingerprint && s.previousCaFingerprint === '';
    }, 30_000);
    await beforeResume();
    return { previous, current: rotation.caFingerprint };
  } finally {
    a.process.child.kill('SIGCONT');
    b.process.child.kill('SIGCONT');
  }
}

/** The peers (of the first two nodes) whose view of `id` does not carry the CA `fingerprint`. */
async function notOn(id: string, fingerprint: string): Promise<string[]> {
  const off: string[] = [];
  for (const peer of nodes.slice(0, 2)) if ((await viewOf(peer, id))?.caFingerprint !== fingerprint) off.push(peer.id);
  return off;
}

test('a node restarted after its CA rotated out of everyone\'s sight rejoins on the register port, without a ticket', async () => {
  await eventually('everyone calls everyone', allCallEachOther, 60_000);
  const x = nodes[2]!;
  // X stops too, before its peers resume: nobody heard of its new CA; they know only the old one.
  // Unless gossip X sent just before they stopped was still in their sockets' receive buffers
  // (the kernel takes it while a process is stopped; X then closed the connection gracefully):
  // they read it on SIGCONT and learn the new CA, which is right, but then the scenario did not
  // happen, and it is set up again.
  let rotation: { previous: string; current: string } | undefined;
  for (let attempt = 1; !rotation; attempt++) {
    const r = await rotateOutOfSight(async () => {
      await nodes[2]!.process.stop('SIGTERM');
      nodes[2]!.close();
    });
    await new Promise((resolve) => setTimeout(resolve, 500)); // whatever was buffered is read by now
    const heard = await notOn(x.id, r.previous);
    if (heard.length === 0) rotation = r;
    else {
      assert.ok(attempt < 3, `${heard.join(', ')} heard of X's new CA from buffered gossip in ${attempt} set-ups in a row`);
      nodes[2] = await loadMember(await startNodeProcess({ dataDir: x.process.dataDir, args }));
      await eventually('everyone calls everyone before the next set-up', allCallEachOther, 60_000);
    }
  }
  const { current } = rotation;

  const again = await startNodeProcess({ dataDir: x.process.dataDir, args });
  nodes[2] = await loadMember(again);
  assert.equal((await status(nodes[2])).caFingerprint, current);
  for (const peer of nodes.slice(0, 2)) {
    await withLogs(eventually(`${peer.id} trusts the rotated CA`, async () => {
      const view = await viewOf(peer, x.id);
      return view?.caFingerprint === current && view.state === 'MEMBER_STATE_ALIVE';
    }, 30_000));
  }
  await withLogs(eventually('everyone calls everyone again', allCallEachOther, 60_000));
  assert.match(again.stderr(), /rejoined after a node-CA rotation our peers had not heard of/);
});

test('a running node cut off for the whole grace period of its CA rotation notices and rejoins on the register port', async () => {
  await eventually('everyone calls everyone', allCallEachOther, 60_000);
  const x = nodes[2]!;
  const { current } = await rotateOutOfSight();
  for (const peer of nodes.slice(0, 2)) {
    await withLogs(eventually(`${peer.id} trusts the second rotated CA`, async () => (await viewOf(peer, x.id))?.caFingerprint === current, 60_000));
  }
  await withLogs(eventually('everyone calls everyone again', allCallEachOther, 60_000));
  assert.equal(nodes[2]!.process.child.pid, x.process.child.pid, 'the same process');
  // Its second rejoin (the first was at its restart, in the test before), while running.
  assert.equal(nodes[2]!.process.stderr().match(/rejoined after a node-CA rotation our peers had not heard of/g)?.length, 2);
});
