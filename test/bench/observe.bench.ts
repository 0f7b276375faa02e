import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { EventJournal } from '../../src/events/event-journal';
import { MetricsServer } from '../../src/metrics/metrics-server';
import type { LiveMember } from '../../src/metrics/live-view-source';
import { launchChromium } from '../helpers/headless-chromium';
import { startInProcessNode } from '../helpers/in-process-node';
import { reusableTicket } from '../helpers/node-process';

/*
 * Figures of docs/observability.md, not a test:
 *   node dist/test/bench/observe.bench.js scrape N   N in-process nodes; node 0's /metrics scraped 30 times
 *   node dist/test/bench/observe.bench.js page N     the live page in headless Chromium with N members and
 *                                                    a stream of 20 events/s, for 15 s: renders/s and JS heap
 */

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function scrape(n: number): Promise<void> {
  const first = await startInProcessNode({ 'metrics-port': '0' });
  const ticket = await reusableTicket(first.dataDir);
  const rest = [];
  // A loaded machine can miss a join's deadline: retry (the figure is the scrape, not the join).
  for (let i = 1; i < n; i++) {
    for (let attempt = 1; ; attempt++) {
      try {
        rest.push(await startInProcessNode({ join: ticket }));
        break;
      } catch (error) {
        if (attempt === 5) throw error;
      }
    }
  }
  const url = `http://127.0.0.1:${first.node.boundPorts.metrics}/metrics`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const text = await (await fetch(url)).text();
    if (text.includes(`g2g_members{state="alive"} ${n - 1}\n`)) break;
    if (Date.now() > deadline) throw new Error(`node 0 did not see ${n - 1} alive`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const times: number[] = [];
  let bytes = 0;
  let series = 0;
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    const text = await (await fetch(url)).text();
    times.push(performance.now() - t);
    bytes = Buffer.byteLength(text);
    series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    await new Promise((r) => setTimeout(r, 200));
  }
  times.sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({ bench: 'scrape', nodes: n, bytes, series, medianMs: +quantile(times, 0.5).toFixed(2), p95Ms: +quantile(times, 0.95).toFixed(2) })}\n`);
  for (const r of rest.reverse()) await r.close();
  await first.close();
}

async function page(n: number): Promise<void> {
  const now = Date.now();
  const members: LiveMember[] = Array.from({ length: n }, (_, i) => ({
    nodeId: `node${String(i).padStart(4, '0')}${'x'.repeat(24)}`,
    state: 'alive',
    mode: 'server',
    addresses: [`10.0.${i >> 8}.${i & 255}`],
    group: (i % 3) + 1,
    groupLabelMs: [0.4, 12, 80][i % 3]!,
    rttMs: [0.4, 12, 80][i % 3]!,
    leafNotAfterMs: now + 3600_000,
    lastHeardMs: now,
    ...(i === 0 ? { self: true } : {}),
  }));
  const journal = new EventJournal({ observer: () => members[0]!.nodeId, now: () => Date.now() }, 1000);
  const server = new MetricsServer(undefined, {
    live: {
      snapshot: () => ({ observer: members[0]!.nodeId, cluster: 'bench', atMs: Date.now(), members, topics: [{ topic: 'kv/set', messages: 10, bytes: 1000 }] }),
      follow: (l, after) => journal.follow(l, after),
    },
  });
  const port = await server.start('127.0.0.1', 0);
  let k = 0;
  const timer = setInterval(() => {
    const m = members[1 + (k++ % (n - 1))]!;
    m.state = m.state === 'alive' ? 'suspect' : 'alive';
    journal.record({ type: m.state === 'alive' ? 'member_alive' : 'member_suspect', nodeId: m.nodeId, state: m.state, mode: 'server', addresses: m.addresses });
  }, 50);
  const launched = await launchChromium();
  if ('skip' in launched) throw new Error(launched.skip);
  const p = await launched.browser.newPage({ viewport: { width: 1200, height: 1000 } });
  await p.goto(`http://127.0.0.1:${port}/`);
  await p.waitForSelector('#members tbody tr', { state: 'attached' });
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('Performance.enable');
  const stats0 = (await p.evaluate('({ ...window.g2gView.stats })')) as { renders: number; events: number };
  const seconds = 15;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const stats1 = (await p.evaluate('({ ...window.g2gView.stats })')) as { renders: number; events: number; lastRenderMs: number };
  const metrics = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const heap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')!.value;
  const nodesInDom = metrics.metrics.find((m) => m.name === 'Nodes')!.value;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'page',
      members: n,
      eventsPerSecond: +((stats1.events - stats0.events) / seconds).toFixed(1),
      rendersPerSecond: +((stats1.renders - stats0.renders) / seconds).toFixed(1),
      lastRenderMs: +stats1.lastRenderMs.toFixed(1),
      jsHeapMiB: +(heap / 2 ** 20).toFixed(1),
      domNodes: nodesInDom,
    })}\n`,
  );
  clearInterval(timer);
  await launched.browser.close();
  await server.stop();
}

if (require.main === module) {
  const [what, n] = process.argv.slice(2);
  const run = what === 'page' ? page(Number(n ?? 100)) : scrape(Number(n ?? 16));
  run.then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack}\n`);
      process.exit(1);
    },
  );
}
