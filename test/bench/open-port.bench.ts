import { readFile } from 'node:fs/promises';
import type http2 from 'node:http2';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { NodeCa } from '../../src/identity/node-ca';
import { joinWithTicket } from '../../src/register/join-client';
import { caSigner } from '../../src/register/join-handshake';
import { call, channelOptions, g2gProto, tlsCredentials } from '../helpers/clients';
import { makeCa } from '../helpers/in-process-node';
import { signedRecord } from '../helpers/records';
import { recordToWire } from '../../src/transport/gossip-wire';
import { removeDir, runCli, startNodeProcess, type NodeProcess } from '../helpers/node-process';
import { openFdCount, tcpConnections, TCP_ESTABLISHED } from '../helpers/proc-sockets';
import { idleTlsFlood, rawCall, rawSession, rssOf } from '../helpers/raw-grpc';
import { round, summarize, table, type Summary } from './stats';

/*
 * The open port under attack (docs/security.md, "The open port"), on a node process
 * started with RLIMIT_NOFILE 4,096 (a common container default):
 * 1. Idle-connection flood: one source (127.0.0.3) opens 5,000 TLS connections and says
 *    nothing. Connections it holds at once, RSS before / during / 3 s after it closes them, and
 *    WhoAmI latency for a client from another source (127.0.0.1) during the flood.
 * 2. Idle-Join attack: one source (127.0.0.4) keeps 70 silent Register.Join streams open (more
 *    than the global handshake cap of 64), re-opening each as the node ends it. Join latency of a
 *    valid newcomer (a client-mode join with a reusable ticket, from 127.0.0.1) without and with
 *    the attack.
 */

const NOFILE = 4096;
const FLOOD = 5000;
const JOINS = 10;
const IDLE_JOIN_STREAMS = 70;

export interface OpenPortResult {
  nofile: number;
  flood: { connections: number; heldByNode: number; fdsBefore: number; fdsDuring: number; rssBeforeMiB: number; rssDuringMiB: number; rssAfterMiB: number; whoAmIDuringMs: Summary };
  join: { withoutAttackMs: Summary; underAttackMs: Summary; attackStreamsOpened: number };
}

const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

export async function runOpenPort(log: (line: string) => void): Promise<OpenPortResult> {
  const proc = await startNodeProcess({ wrapper: ['bash', '-c', `ulimit -n ${NOFILE} && exec "$0" "$@"`] });
  try {
    const caPem = await readFile(path.join(proc.dataDir, 'identity', 'node-ca.pem'), 'utf8');
    const flood = await floodRound(proc, caPem, log);
    const join = await joinRound(proc, log);
    return { nofile: NOFILE, flood, join };
  } finally {
    await proc.stop('SIGKILL');
    await removeDir(proc.dataDir);
  }
}

async function whoAmIMs(proc: NodeProcess, caPem: string): Promise<number> {
  const client = new (g2gProto().g2g.v1.Register)(`127.0.0.1:${proc.facts.registerPort}`, tlsCredentials({ caPem, nodeId: proc.facts.nodeId }), channelOptions(proc.facts.nodeId));
  const t = performance.now();
  try {
    await call(client, 'WhoAmI', {});
    return performance.now() - t;
  } finally {
    client.close();
  }
}

async function floodRound(proc: NodeProcess, caPem: string, log: (line: string) => void): Promise<OpenPortResult['flood']> {
  await whoAmIMs(proc, caPem);
  const rssBefore = await rssOf(proc.facts.pid);
  const fdsBefore = await openFdCount(proc.facts.pid);
  log(`open-port: flooding with ${FLOOD} idle TLS connections from 127.0.0.3`);
  const flood = await idleTlsFlood(proc.facts.registerPort, '127.0.0.3', FLOOD);
  const rssDuring = await rssOf(proc.facts.pid);
  const fdsDuring = await openFdCount(proc.facts.pid);
  // Counted on the node's side: the client's view of which connections are open lags its resets.
  const heldByNode = (await tcpConnections(proc.facts.pid)).filter((c) => c.localPort === proc.facts.registerPort && c.state === TCP_ESTABLISHED).length;
  const whoAmI: number[] = [];
  for (let i = 0; i < 5; i++) whoAmI.push(await whoAmIMs(proc, caPem));
  for (const socket of flood.sockets) socket.destroy();
  await new Promise((r) => setTimeout(r, 3000));
  const rssAfter = await rssOf(proc.facts.pid);
  return { connections: FLOOD, heldByNode, fdsBefore, fdsDuring, rssBeforeMiB: mib(rssBefore), rssDuringMiB: mib(rssDuring), rssAfterMiB: mib(rssAfter), whoAmIDuringMs: summarize(whoAmI) };
}

async function joinRound(proc: NodeProcess, log: (line: string) => void): Promise<OpenPortResult['join']> {
  const nominated = await runCli(['nominate', '--reusable', '--mode', 'client', '--data-dir', proc.dataDir]);
  if (nominated.code !== 0) throw new Error(`nominate failed: ${nominated.stderr}`);
  const ticket = nominated.stdout.trim();
  const newcomers = await Promise.all(Array.from({ length: 2 * JOINS }, () => makeCa()));
  const joinMs = async (ca: NodeCa) => {
    const t = performance.now();
    await joinWithTicket(ticket, {
      cluster: 'default', sign: caSigner(ca.keyPem), retryWithinMs: 60_000,
      record: recordToWire(signedRecord(ca, { mode: 'client', cluster: 'default', addresses: ['127.0.0.1'] })),
    });
    return performance.now() - t;
  };
  const without: number[] = [];
  for (const ca of newcomers.slice(0, JOINS)) without.push(await joinMs(ca));

  log(`open-port: ${IDLE_JOIN_STREAMS} idle Join streams from 127.0.0.4`);
  let stop = false;
  let opened = 0;
  const sessions: http2.ClientHttp2Session[] = [];
  const hold = async (session: http2.ClientHttp2Session) => {
    while (!stop && !session.destroyed) {
      opened += 1;
      await rawCall(session, '/g2g.v1.Register/Join', [], { keepOpen: true, timeoutMs: 60_000 });
      if (!stop) await new Promise((r) => setTimeout(r, 20));
    }
  };
  for (let s = 0; s < 5; s++) {
    const session = await rawSession({ port: proc.facts.registerPort, localAddress: '127.0.0.4' });
    sessions.push(session);
    for (let i = 0; i < IDLE_JOIN_STREAMS / 5; i++) void hold(session);
  }
  try {
    await new Promise((r) => setTimeout(r, 500));
    const under: number[] = [];
    for (const ca of newcomers.slice(JOINS)) under.push(await joinMs(ca));
    return { withoutAttackMs: summarize(without), underAttackMs: summarize(under), attackStreamsOpened: opened };
  } finally {
    stop = true;
    for (const session of sessions) session.destroy();
  }
}

export function openPortTable(r: OpenPortResult): string {
  const ms = (s: Summary) => `${round(s.median, 1)} / ${round(s.p95, 1)} / ${round(s.max, 1)}`;
  return [
    table([
      ['idle-connection flood (RLIMIT_NOFILE ' + r.nofile + ')', 'value'],
      ['connections opened by one source', r.flood.connections],
      ['of them open at the node after the flood', r.flood.heldByNode],
      ['node descriptors before / during', `${r.flood.fdsBefore} / ${r.flood.fdsDuring}`],
      ['RSS before / during / 3 s after (MiB)', `${r.flood.rssBeforeMiB} / ${r.flood.rssDuringMiB} / ${r.flood.rssAfterMiB}`],
      ['WhoAmI from another source during it (ms, median / p95 / max)', ms(r.flood.whoAmIDuringMs)],
    ]),
    '',
    table([
      ['join of a valid newcomer (ms)', 'median / p95 / max'],
      ['without attack', ms(r.join.withoutAttackMs)],
      [`under ${IDLE_JOIN_STREAMS} idle Join streams from one source`, ms(r.join.underAttackMs)],
      ['idle Join streams the attacker opened', r.join.attackStreamsOpened],
    ]),
  ].join('\n');
}
