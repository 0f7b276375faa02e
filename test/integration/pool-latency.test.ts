import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { PeersResponse__Output } from '../../src/proto/generated/g2g/v1/PeersResponse';
import type { RuntimeFacts } from '../../src/node/runtime-file';
import { DelayProxy } from '../helpers/delay-proxy';
import { eventually } from '../helpers/eventually';
import { removeDir, reusableTicket, runCli, startNodeProcess, tempDir, type NodeProcess } from '../helpers/node-process';
import { OperatorAdmins } from '../helpers/operator-admins';
import { TCP_ESTABLISHED, tcpConnections } from '../helpers/proc-sockets';

/*
 * Six node processes on loopback; three of them are "far": each sits behind a delaying TCP proxy
 * (tc netem is not available here) and advertises the proxy's port (--advertise-gossip-port), so
 * every member that dials it pays DELAY_MS each way. Far nodes dial the near ones directly, so a
 * far node sees the near ones as near and the other far ones as far.
 */
/**
 * Each way: far nodes are 40 ms away, a round trip of 80 ms or more. A user-space RTT also
 * carries both event loops' delays, which under a load average of 75 on this 2-core machine
 * kept even the minimum of a near peer's samples near 90 ms; far ones must stay clearly beyond.
 */
const DELAY_MS = 40;

const admins = new OperatorAdmins('pool-latency-test');
const near: NodeProcess[] = [];
const far: NodeProcess[] = [];
/** proxies[i] is the one in front of far[i]. */
const proxies: DelayProxy[] = [];
const id = (n: NodeProcess) => n.facts.nodeId;
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

before(async () => {
  near.push(await startNodeProcess());
  const ticket = await reusableTicket(near[0]!.dataDir);
  const farNode = async (i: number) => {
    const dataDir = await tempDir();
    // The node's gossip port is chosen by the OS after the proxy must exist (the node advertises
    // the proxy's port): resolve it per connection from the node's runtime file.
    const proxy = await DelayProxy.start(async () => {
      const facts = JSON.parse(await readFile(path.join(dataDir, 'runtime.json'), 'utf8')) as RuntimeFacts;
      return { host: '127.0.0.1', port: facts.gossipPort };
    }, DELAY_MS);
    // By position, not by which start finished first: under load they finish in any order.
    proxies[i] = proxy;
    return startNodeProcess({ dataDir, args: ['--advertise-gossip-port', String(proxy.port)], env: { G2G_JOIN: ticket } });
  };
  const started = await Promise.all([
    ...[0, 1].map(() => startNodeProcess({ env: { G2G_JOIN: ticket } })),
    ...[0, 1, 2].map((i) => farNode(i)),
  ]);
  near.push(...started.slice(0, 2));
  far.push(...started.slice(2));
});

after(async () => {
  admins.close();
  for (const node of [...near, ...far]) {
    await node.stop('SIGKILL');
    await removeDir(node.dataDir);
  }
  for (const proxy of proxies) await proxy?.stop();
});

/** Whether `view` has exactly two groups, nearest first: `nearIds` then `farIds`. */
function groupedAs(view: PeersResponse__Output, nearIds: string[], farIds: string[]): boolean {
  return view.groups.length === 2 && sameSet(view.groups[0]!.members, nearIds) && sameSet(view.groups[1]!.members, farIds);
}

/** `groupedAs`, or an error that shows what the pool saw (the last one is reported on a timeout). */
function expectGrouped(view: PeersResponse__Output, nearIds: string[], farIds: string[]): true {
  if (groupedAs(view, nearIds, farIds)) return true;
  const kind = (id: string) => (nearIds.includes(id) ? 'near' : farIds.includes(id) ? 'far' : 'other');
  const peer = (id: string) => view.peers.find((p) => p.nodeId === id);
  const shown = view.groups.map((g) => `~${g.labelMs.toFixed(1)} ms: ${g.members.map((m) => `${kind(m)} (latency ${peer(m)?.latencyMs.toFixed(1)}, ${peer(m)?.samples} samples)`).join(', ')}`);
  throw new Error(`groups ${shown.join(' | ') || 'none'}; unmeasured: ${view.peers.filter((p) => !view.groups.some((g) => g.members.includes(p.nodeId))).map((p) => kind(p.nodeId)).join(', ') || 'none'}`);
}

test('a near node groups its peers into near and far, shows it in g2g peers (and --json), and its query order alternates far/near', async () => {
  const observer = near[0]!;
  const nearIds = near.slice(1).map(id);
  const farIds = far.map(id);
  let view: PeersResponse__Output | undefined;
  await eventually('the near node recovers the two tiers', async () => {
    view = await admins.peers(observer);
    return expectGrouped(view, nearIds, farIds);
  }, 90_000, 250);

  // Stable under real jitter: over the next three measurement rounds no group mixes near and far
  // peers. (Near peers on a loaded loopback measure mostly event-loop lag, a few ms that may cut
  // them into two near groups for a while; that is noise inside a tier, not a tier lost.)
  const samplesOf = (v: PeersResponse__Output) => Math.min(...v.peers.map((p) => p.samples));
  const tiersApart = (v: PeersResponse__Output) =>
    v.groups.every((g) => g.members.every((m) => nearIds.includes(m)) || g.members.every((m) => farIds.includes(m)));
  const start = samplesOf(view!);
  let mixed: string | undefined; // outside the poll: eventually() retries what throws
  await eventually('three more measurement rounds', async () => {
    const next = await admins.peers(observer);
    if (!tiersApart(next)) mixed ??= JSON.stringify(next.groups);
    return samplesOf(next) >= Math.min(32, start + 3);
  }, 60_000, 250);
  assert.equal(mixed, undefined, `a group mixed near and far peers: ${mixed}`);

  // The CLI shows the pool's grouping; read it until it shows the two tiers (see above).
  let fromCli: PeersResponse__Output | undefined;
  await eventually('g2g peers --json shows the two tiers', async () => {
    const json = await runCli(['peers', '--json', '--data-dir', observer.dataDir]);
    assert.equal(json.code, 0, json.stderr);
    fromCli = JSON.parse(json.stdout) as PeersResponse__Output;
    return expectGrouped(fromCli, nearIds, farIds);
  }, 60_000, 250);
  const [nearGroup, farGroup] = fromCli!.groups;
  // A lower bound the proxy guarantees (every sample crossed it twice), not a timing target.
  assert.ok(farGroup!.labelMs >= 2 * DELAY_MS * 0.9, `far label ${farGroup!.labelMs} ms`);
  assert.ok(farGroup!.labelMs > nearGroup!.labelMs);
  assert.equal(fromCli!.queryOrder.length, 5);
  // Far, near, far, near, far: one peer per group per pass, most distant first.
  fromCli!.queryOrder.forEach((peer, i) => assert.ok((i % 2 === 0 ? farIds : nearIds).includes(peer), `position ${i}: ${fromCli!.queryOrder.join(' ')}`));
  assert.ok(sameSet(fromCli!.queryOrder, [...nearIds, ...farIds]));

  let table: Awaited<ReturnType<typeof runCli>> | undefined;
  let blocks: string[] = [];
  await eventually('g2g peers shows the two tiers as two blocks', async () => {
    const run = await runCli(['peers', '--data-dir', observer.dataDir]);
    assert.equal(run.code, 0, run.stderr);
    table = run;
    blocks = run.stdout.split(/^(?=group )/m).filter((b) => b.startsWith('group '));
    return blocks.length === 2 || assert.fail(run.stdout);
  }, 60_000, 250);
  const [nearBlock, farBlock] = blocks;
  assert.match(nearBlock!, /\(2 peers\)/);
  assert.match(farBlock!, /\(3 peers\)/);
  for (const peer of nearIds) assert.ok(nearBlock!.includes(peer), table!.stdout);
  for (const peer of farIds) assert.ok(farBlock!.includes(peer), table!.stdout);
  assert.match(table!.stdout, /^query order: /m);
});

test('a far node sees the near nodes as near and the other far nodes as far', async () => {
  const observer = far[0]!;
  await eventually('the far node recovers the two tiers', async () => expectGrouped(await admins.peers(observer), near.map(id), far.slice(1).map(id)), 90_000, 250);
});

test('a node that leaves is dropped from the pools and the connections to it are closed', async () => {
  const observer = near[0]!;
  const leaving = far[2]!;
  const proxyPort = proxies[2]!.port;
  const connectedToLeaving = async () =>
    (await tcpConnections(observer.child.pid!)).some((c) => c.remotePort === proxyPort && c.state === TCP_ESTABLISHED);
  await eventually('the observer holds a connection to the leaving node', connectedToLeaving, 30_000);
  assert.equal(await leaving.stop('SIGTERM'), 0);
  for (const node of [observer, far[0]!]) {
    // Told of the leave (a death would keep it dialling the node for deadRetentionMs, by design).
    await eventually(`${id(node)} is told of the leave`, async () => {
      const heldAs = (await admins.members(node)).members.find((m) => m.nodeId === id(leaving))?.state;
      if (heldAs !== undefined && heldAs !== 'MEMBER_STATE_LEFT') throw new Error(`it holds the node that left as ${heldAs}`);
      return true;
    }, 30_000);
    await eventually(`${id(node)} drops the node that left`, async () => {
      const view = await admins.peers(node);
      return !view.peers.some((p) => p.nodeId === id(leaving)) && !view.queryOrder.includes(id(leaving)) && !view.groups.some((g) => g.members.includes(id(leaving)));
    }, 30_000);
  }
  const acceptedAtLeave = proxies[2]!.accepted;
  await eventually('no connection to the node that left', async () => {
    const open = (await tcpConnections(observer.child.pid!)).filter((c) => c.remotePort === proxyPort);
    if (open.length > 0) throw new Error(`still open: ${JSON.stringify(open)}; the proxy accepted ${proxies[2]!.accepted - acceptedAtLeave} connections since the leave`);
    return true;
  }, 30_000);
});
