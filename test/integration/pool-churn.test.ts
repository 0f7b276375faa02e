import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { G2gNode } from '../../src/node/g2g-node';
import { eventually } from '../helpers/eventually';
import { startInProcessNode, startInProcessNodeIn } from '../helpers/in-process-node';
import { removeDir, reusableTicket, startNodeProcess, tempDir, type NodeProcess } from '../helpers/node-process';
import { openFdCount, TCP_ESTABLISHED, tcpConnections } from '../helpers/proc-sockets';

/*
 * 200 joins and leaves against an observing node process, whose file descriptors are counted
 * before and after. The joiners are nodes in this process that keep their data dirs, so each
 * comes back with the same identity through the peers it knew (no key generation but a leaf,
 * no ticket); JOINERS of them cycle at once to keep the test bounded. A second observer lives
 * in this process, so the channel it held to a leaver can be checked to be closed, not just gone.
 */
const CYCLES = 200;
const JOINERS = 4;
/** Descriptors the observer may hold beyond its baseline at the end (transient sockets, files). */
const FD_SLACK = 6;

let observer: NodeProcess;
let inProcess: { node: G2gNode; close(): Promise<void> };
let ticket = '';
const joinerDirs: string[] = [];
const joinerIds = new Set<string>();

before(async () => {
  observer = await startNodeProcess();
  ticket = await reusableTicket(observer.dataDir);
  inProcess = await startInProcessNode({ join: ticket });
  for (let i = 0; i < JOINERS; i++) joinerDirs.push(await tempDir('g2g-joiner-'));
});

after(async () => {
  await inProcess?.close();
  await observer?.stop('SIGKILL');
  for (const dir of [observer?.dataDir, ...joinerDirs]) if (dir) await removeDir(dir);
});

/** Whether the observer process holds an established TCP connection to `port`. */
async function observerConnectedTo(port: number): Promise<boolean> {
  return (await tcpConnections(observer.child.pid!)).some((c) => c.remotePort === port && c.state === TCP_ESTABLISHED);
}

/**
 * One join and leave of the identity in `dataDir`: it joins, both observers dial it, it leaves;
 * the observer process must have closed its connection, and the in-process observer its channel
 * (SHUTDOWN, not merely unreferenced) and its pool entry.
 */
const phases: Record<string, number> = { start: 0, dialled: 0, stop: 0, closed: 0 };
async function cycle(dataDir: string, checkPool: boolean): Promise<void> {
  let t = Date.now();
  const lap = (name: string) => {
    phases[name]! += Date.now() - t;
    t = Date.now();
  };
  const node = await startInProcessNodeIn(dataDir, { join: ticket });
  lap('start');
  const nodeId = node.nodeId;
  joinerIds.add(nodeId);
  const pool = inProcess.node.peerPool!;
  let channel: grpc.ChannelInterface | undefined;
  try {
    await eventually(`both observers dial ${nodeId}`, async () => {
      channel ??= pool.channel(nodeId);
      return channel !== undefined && (await observerConnectedTo(node.boundPorts.gossip)) && (!checkPool || pool.statsOf(nodeId) !== undefined);
    }, 30_000, 50);
    lap('dialled');
  } finally {
    await node.stop();
    lap('stop');
  }
  // One wait for all three (each failure names what was still open).
  await eventually(`${nodeId} is let go`, async () => {
    if (channel!.getConnectivityState(false) !== grpc.connectivityState.SHUTDOWN || pool.channel(nodeId) !== undefined) throw new Error('the in-process observer has not closed its channel');
    if (pool.statsOf(nodeId) !== undefined || pool.groups().some((g) => g.members.some((m) => m.id === nodeId)) || pool.peekOrder().includes(nodeId)) throw new Error('still in the pool');
    if (await observerConnectedTo(node.boundPorts.gossip)) throw new Error('the observer process still holds a connection');
    return true;
  }, 30_000, 50);
  lap('closed');
}

test(`no descriptor growth on an observing node across ${CYCLES} joins and leaves; each leaver's channel is closed`, async (t) => {
  // Warm-up: every identity joins once (first time through the ticket) and is seen in the pool.
  await Promise.all(joinerDirs.map((dir) => cycle(dir, true)));
  const baseline = await openFdCount(observer.child.pid!);

  const started = Date.now();
  let done = JOINERS;
  await Promise.all(
    joinerDirs.map(async (dir) => {
      while (done < CYCLES) {
        done++;
        await cycle(dir, false);
      }
    }),
  );
  const churnMs = Date.now() - started;

  let last = 0;
  await eventually(`the observer's descriptors return to within ${FD_SLACK} of ${baseline}`, async () => {
    last = await openFdCount(observer.child.pid!);
    return last <= baseline + FD_SLACK;
  }, 30_000, 200);
  // Every leaver's channel is closed: by the membership event, or — when a call already under way
  // as the peer left dialled it again — by the sweep of departed peers' channels (NodeMembership,
  // every 5 gossip intervals). How many needed the sweep is reported, not hidden.
  const channelsOfLeavers = () => [...joinerIds].filter((nodeId) => inProcess.node.peerPool!.channel(nodeId) !== undefined);
  const redialled = channelsOfLeavers().length;
  await eventually('no channel to a node that left', async () => channelsOfLeavers().length === 0, 30_000, 100);
  t.diagnostic(`channels re-created for a leaver after its leave (closed by the sweep): ${redialled}`);
  t.diagnostic(`phases (ms summed over all cycles): ${JSON.stringify(phases)}`);
  t.diagnostic(`${CYCLES - JOINERS} joins and leaves in ${(churnMs / 1000).toFixed(1)} s (${JOINERS} identities at a time); observer fds ${baseline} → ${last}`);
});
