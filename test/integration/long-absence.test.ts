import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually } from '../helpers/eventually';
import { loadMember, loadNodeArgs, reachesAll, status, stopLoadMembers, viewOf, type LoadMember } from '../helpers/load-members';
import { reusableTicket, startNodeProcess } from '../helpers/node-process';

/*
 * The long absence: a node stopped for longer than its leaf lifetime (its last leaf has
 * expired by the time it comes back) restarts from its data dir, issues a fresh leaf and rejoins
 * through the peers it remembers — no ticket, no token — and calls through the pools work both
 * ways again. Only the absent node has a short leaf (10 s, the schema's minimum).
 */

const common = loadNodeArgs('--drain-timeout', '2s');
const SHORT_LEAF = ['--leaf-lifetime', '10s', '--max-connection-age', '2s'];
const nodes: LoadMember[] = [];

before(async () => {
  const first = await startNodeProcess({ args: common });
  const env = { G2G_JOIN: await reusableTicket(first.dataDir) };
  const rest = await Promise.all([
    startNodeProcess({ args: common, env }),
    startNodeProcess({ args: common, env }),
    startNodeProcess({ args: [...common, ...SHORT_LEAF], env }),
  ]);
  for (const p of [first, ...rest]) nodes.push(await loadMember(p));
});

after(() => stopLoadMembers(nodes));

test('a node away for longer than its leaf lifetime restarts with a fresh leaf and rejoins through its known peers, without a ticket', async () => {
  const ids = nodes.map((n) => n.id);
  const others = (id: string) => ids.filter((x) => x !== id);
  for (const node of nodes) await eventually(`${node.id} calls every peer through its pool`, () => reachesAll(node, others(node.id)), 60_000);

  const absent = nodes[3]!;
  const present = nodes.slice(0, 3);
  const before = await status(absent);
  const lastLeaf = before.leaf!;
  // Its peers hold a recent record of it (known-peer files are written every few intervals).
  await new Promise((r) => setTimeout(r, 3000));
  const code = await absent.process.stop('SIGTERM');
  assert.equal(code, 0);
  absent.close();

  // Away for longer than a leaf lifetime (10 s), so its last leaf has expired, and until every peer has dropped it.
  const away = Math.max(10_000, lastLeaf.notAfterUnixMs - Date.now()) + 1000;
  await new Promise((r) => setTimeout(r, away));
  assert.ok(Date.now() > lastLeaf.notAfterUnixMs, 'the last leaf has expired');
  for (const node of present) await eventually(`${node.id} has dropped the absent node`, async () => (await viewOf(node, absent.id))?.state !== 'MEMBER_STATE_ALIVE', 30_000);

  // Back from the same data dir, with no ticket, token or service to join through.
  const again = await startNodeProcess({ dataDir: absent.process.dataDir, args: [...common, ...SHORT_LEAF] });
  nodes[3] = await loadMember(again);
  const back = nodes[3];
  assert.equal(back.id, absent.id, 'the same identity');
  const after = await status(back);
  assert.notEqual(after.leaf!.fingerprint, lastLeaf.fingerprint, 'a fresh leaf');
  assert.ok(after.leaf!.notAfterUnixMs > Date.now(), 'valid now');
  assert.equal(after.caFingerprint, before.caFingerprint);

  await eventually('the returned node calls every peer, and every peer calls it', async () => {
    for (const node of nodes) if (!(await reachesAll(node, others(node.id)))) return false;
    return true;
  }, 60_000);
  for (const node of present) {
    await eventually(`${node.id} has verified the returned node's current leaf`, async () => {
      const current = (await status(back)).leaf!.fingerprint;
      const view = await viewOf(node, back.id);
      return view?.state === 'MEMBER_STATE_ALIVE' && view.leaf?.fingerprint === current && view.verifiedLeafFingerprint === current;
    }, 30_000);
  }
  assert.doesNotMatch(again.stderr(), /could not join/);
});
