import 'reflect-metadata';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log/logger';
import { G2gNode } from '../../src/node/g2g-node';
import type { ChannelMessage } from '../../src/plugins/contract';

/*
 * One node of the channel benchmark, in its own process, driven by the parent over Node's IPC
 * channel (a test-only driver: nothing of it is in the node). It publishes on `bench/<phase>`
 * when told, counts what it receives per phase and the delivery latency of others' messages
 * (receive time − publishedAtMs; one machine, one clock), and reports its memory.
 */

export type WorkerCommand =
  | { type: 'start'; flags: Record<string, string> }
  | { type: 'peers' }
  | { type: 'publish'; phase: string; durationMs: number; ratePerSecond: number; size: number; window: number }
  | { type: 'delivered'; phase: string; latencies: boolean }
  | { type: 'sample' }
  | { type: 'stop' };

export type WorkerReply =
  | { type: 'started'; nodeId: string; pid: number; error?: string }
  | { type: 'peers'; count: number }
  | { type: 'published'; phase: string; count: number; ms: number }
  | { type: 'delivered'; phase: string; count: number; latencies: number[] }
  | { type: 'sample'; rssMb: number; heapMb: number; queued: number; waiting: number; retained: number; retainedMb: number; inFlightMb: number }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

let node: G2gNode | undefined;
const counts = new Map<string, number>();
const latencies = new Map<string, number[]>();

const send = (reply: WorkerReply): void => {
  process.send?.(reply);
};

function onMessage(m: ChannelMessage): void {
  const phase = m.topic.slice('bench/'.length);
  counts.set(phase, (counts.get(phase) ?? 0) + 1);
  if (m.origin !== node!.nodeId) {
    let list = latencies.get(phase);
    if (!list) latencies.set(phase, (list = []));
    list.push(Date.now() - m.publishedAtMs);
  }
}

/** Publishes for `durationMs`: as fast as backpressure allows (rate 0, `window` publishes outstanding) or paced. */
async function publish(phase: string, durationMs: number, ratePerSecond: number, size: number, window: number): Promise<number> {
  const channel = node!.channel;
  const data = Buffer.alloc(size, 7);
  const end = Date.now() + durationMs;
  let count = 0;
  if (ratePerSecond === 0) {
    const worker = async (): Promise<void> => {
      while (Date.now() < end) {
        await channel.publish(`bench/${phase}`, data);
        count++;
      }
    };
    await Promise.all(Array.from({ length: window }, worker));
    return count;
  }
  const started = Date.now();
  const pending: Promise<unknown>[] = [];
  while (Date.now() < end) {
    const due = Math.floor(((Date.now() - started) / 1000) * ratePerSecond);
    while (count < due) {
      pending.push(channel.publish(`bench/${phase}`, data));
      count++;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(pending);
  return count;
}

async function handle(cmd: WorkerCommand): Promise<void> {
  switch (cmd.type) {
    case 'start': {
      const config = loadConfig({ flags: cmd.flags, env: {} });
      node = new G2gNode({ config, log: silentLogger(), keyBits: 1024 });
      try {
        await node.start();
      } catch (error) {
        send({ type: 'started', nodeId: '', pid: process.pid, error: error instanceof Error ? error.message : String(error) });
        return;
      }
      node.channel.subscribe('bench', onMessage);
      send({ type: 'started', nodeId: node.nodeId, pid: process.pid });
      return;
    }
    case 'peers':
      send({ type: 'peers', count: node?.['network']?.serverPeers().length ?? 0 });
      return;
    case 'publish': {
      const t = Date.now();
      const count = await publish(cmd.phase, cmd.durationMs, cmd.ratePerSecond, cmd.size, cmd.window);
      send({ type: 'published', phase: cmd.phase, count, ms: Date.now() - t });
      return;
    }
    case 'delivered':
      send({ type: 'delivered', phase: cmd.phase, count: counts.get(cmd.phase) ?? 0, latencies: cmd.latencies ? (latencies.get(cmd.phase) ?? []) : [] });
      return;
    case 'sample': {
      const s = node!.channel.stats();
      const mem = process.memoryUsage();
      send({ type: 'sample', rssMb: mem.rss / 2 ** 20, heapMb: mem.heapUsed / 2 ** 20, queued: s.queued, waiting: s.publishersWaiting, retained: s.retainedMessages, retainedMb: s.retainedBytes / 2 ** 20, inFlightMb: s.inFlightBytes / 2 ** 20 });
      return;
    }
    case 'stop':
      await node?.stop();
      send({ type: 'stopped' });
      process.disconnect?.();
      return;
  }
}

process.on('message', (cmd: WorkerCommand) => {
  handle(cmd).catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) }));
});
