import { messageKey, SimChannelCluster } from '../../src/testing/sim-channel-cluster';
import { median, round } from './stats';

/*
 * The channel in simulation (the same protocol code on the in-memory network, one-way latency 1–5 ms,
 * lan timers: repair pull every 1 s): 1,000 nodes, one message at a time from a random node.
 * Measured per message: simulated time until 50 %, 99 % and 100 % of the nodes hold it, the
 * share of node-deliveries that push alone made (the rest came by pull), and pushes sent per
 * node per message. 10 % loss drops requests and answers alike.
 */

export interface ChannelSimRow {
  nodes: number;
  loss: number;
  messages: number;
  fanout: number;
  msTo50: number;
  msTo99: number;
  msTo100: { median: number; max: number };
  pushShare: number;
  pushesPerNodePerMessage: number;
}

/** Observation step: 1 ms while push spreads a message, then 10 ms while pulls finish it. */
const stepMs = (waited: number): number => (waited < 100 ? 1 : 10);

async function trial(nodes: number, loss: number, messages: number, seed: number): Promise<ChannelSimRow> {
  const c = new SimChannelCluster({ seed, loss });
  c.addNodes(nodes);
  c.start();
  await c.runIntervals(1);
  const to50: number[] = [];
  const to99: number[] = [];
  const to100: number[] = [];
  const pushesBefore = c.nodes.reduce((n, x) => n + x.channel.stats().pushesSent, 0);
  for (let i = 0; i < messages; i++) {
    const m = await c.nodes[c.random.int(nodes)]!.channel.publish('bench/sim', Buffer.from(`message ${i}`));
    const key = messageKey(m);
    const started = c.scheduler.now();
    const holders = () => c.nodes.reduce((n, x) => n + (x.deliveries.has(key) ? 1 : 0), 0);
    let at50 = Number.NaN;
    let at99 = Number.NaN;
    for (let waited = 0; waited < 30_000; waited += stepMs(waited)) {
      await c.run(stepMs(waited));
      const h = holders();
      const t = c.scheduler.now() - started;
      if (Number.isNaN(at50) && h >= nodes * 0.5) at50 = t;
      if (Number.isNaN(at99) && h >= nodes * 0.99) at99 = t;
      if (h === nodes) {
        to100.push(t);
        break;
      }
    }
    to50.push(at50);
    to99.push(at99);
  }
  const received = c.nodes.reduce((n, x) => n + x.channel.stats().received, 0);
  const repaired = c.nodes.reduce((n, x) => n + x.channel.stats().repaired, 0);
  const pushes = c.nodes.reduce((n, x) => n + x.channel.stats().pushesSent, 0) - pushesBefore;
  return {
    nodes,
    loss,
    messages,
    fanout: Math.ceil(Math.log(nodes)) + 1,
    msTo50: median(to50),
    msTo99: median(to99),
    msTo100: { median: median(to100), max: Math.max(...to100) },
    pushShare: round((received - repaired) / received, 4),
    pushesPerNodePerMessage: round(pushes / nodes / messages, 2),
  };
}

export async function runChannelSim(log: (line: string) => void): Promise<ChannelSimRow[]> {
  const rows: ChannelSimRow[] = [];
  for (const [loss, seed] of [
    [0, 7001],
    [0.1, 7002],
  ] as const) {
    log(`channel-sim: 1,000 nodes, loss ${loss * 100} %`);
    rows.push(await trial(1000, loss, 20, seed));
  }
  return rows;
}

export function channelSimTable(rows: ChannelSimRow[]): string {
  return [
    'nodes  loss  messages  fanout  ms to 50 % / 99 % (median)  ms to 100 % median / max  node-deliveries by push  pushes per node per message',
    ...rows.map((r) =>
      [
        String(r.nodes).padStart(5),
        `${r.loss * 100} %`.padStart(5),
        String(r.messages).padStart(9),
        String(r.fanout).padStart(7),
        `${r.msTo50} / ${r.msTo99}`.padStart(27),
        `${r.msTo100.median} / ${r.msTo100.max}`.padStart(25),
        `${round(r.pushShare * 100, 2)} %`.padStart(24),
        String(r.pushesPerNodePerMessage).padStart(28),
      ].join(' '),
    ),
  ].join('\n');
}
