import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import { KNOWN_PEERS_FILE } from '../../src/node/known-peers';
import { eventually } from '../helpers/eventually';
import { OperatorAdmins } from '../helpers/operator-admins';
import { removeDir, reusableTicket, startNodeProcess, type NodeProcess } from '../helpers/node-process';

const nodes: NodeProcess[] = [];
const admins = new OperatorAdmins('corrupt-membership-test');
after(async () => {
  admins.close();
  for (const n of nodes) {
    await n.stop('SIGKILL');
    await removeDir(n.dataDir);
  }
});

function warnLines(node: NodeProcess): { msg: string; movedTo?: string }[] {
  return node
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string; movedTo?: string })
    .filter((l) => l.level === 40);
}

test('a corrupt membership.json is moved aside (kept), named in a warning, and the node still joins through its ticket', async () => {
  const a = await startNodeProcess();
  nodes.push(a);
  const ticket = await reusableTicket(a.dataDir);
  let b = await startNodeProcess({ env: { G2G_JOIN: ticket } });
  nodes.push(b);
  await eventually('b is in the network and has saved its peers', async () => {
    const text = await readFile(path.join(b.dataDir, KNOWN_PEERS_FILE), 'utf8').catch(() => '');
    return text.includes('"peers":["');
  });
  await b.stop('SIGKILL');
  const garbage = '{"version": 7, "peers": ["trunc';
  await writeFile(path.join(b.dataDir, KNOWN_PEERS_FILE), garbage);

  b = await startNodeProcess({ dataDir: b.dataDir, env: { G2G_JOIN: ticket } });
  nodes.push(b);
  const moved = (await readdir(b.dataDir)).filter((f) => f.startsWith(`${KNOWN_PEERS_FILE}.corrupt-`));
  assert.equal(moved.length, 1, 'the bad file was moved aside');
  assert.equal(await readFile(path.join(b.dataDir, moved[0]!), 'utf8'), garbage, 'and kept as it was');
  const warning = warnLines(b).find((l) => l.msg.includes(`${KNOWN_PEERS_FILE} in the data dir is unreadable`));
  assert.ok(warning, `a warning names the file:\n${b.stderr()}`);
  assert.equal(path.basename(warning.movedTo!), moved[0]);
  // Not an island: a sees b alive again, and b sees a.
  await eventually('a and b see each other alive', async () => {
    const seenByA = (await admins.members(a)).members.find((m) => m.nodeId === b.facts.nodeId);
    const seenByB = (await admins.members(b)).members.find((m) => m.nodeId === a.facts.nodeId);
    return seenByA?.state === 'MEMBER_STATE_ALIVE' && seenByB?.state === 'MEMBER_STATE_ALIVE';
  });
});

test('a node that had peers and now has none to rejoin through (no ticket) says so at warn level', async () => {
  // An unreadable file counts as "had peers": the last run's file existed, its peers are lost.
  let b = await startNodeProcess();
  nodes.push(b);
  await b.stop('SIGKILL');
  await writeFile(path.join(b.dataDir, KNOWN_PEERS_FILE), 'not json at all');
  b = await startNodeProcess({ dataDir: b.dataDir });
  nodes.push(b);
  assert.ok(
    warnLines(b).some((l) => l.msg.includes('had peers before but found none to rejoin through')),
    `the island is reported:\n${b.stderr()}`,
  );
});
