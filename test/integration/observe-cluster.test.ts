import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../helpers/eventually';
import { launchChromium, SCREENSHOT_DIR } from '../helpers/headless-chromium';
import { CLI, cleanEnv, removeDir, reusableTicket, startNodeProcess, tempDir, type NodeProcess } from '../helpers/node-process';

/*
 * Observability on real processes: a 4-node cluster's metrics (members by state, promtool-clean),
 * and one node's `g2g monitor --json` stream through a join, a graceful leave and a kill -9.
 */
const PROMTOOL = '/usr/bin/promtool';

let nodes: NodeProcess[] = [];
let ticket = '';
let monitor: ChildProcess | undefined;
let monitorOut = '';
let browser: Browser | undefined;
let page: Page | undefined;
let pageSkip = '';

async function scrape(node: NodeProcess): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${node.facts.metricsPort}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

/** The value of one sample (`name{labels}`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function monitorEvents(): { type: string; nodeId: string }[] {
  return monitorOut
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type: string; nodeId: string });
}

before(async () => {
  const first = await startNodeProcess({ args: ['--metrics-port', '0'] });
  nodes.push(first);
  ticket = await reusableTicket(first.dataDir);
  monitor = spawn(process.execPath, [CLI, 'monitor', '--json', '--data-dir', first.dataDir], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  monitor.stdout!.on('data', (c: Buffer) => (monitorOut += c.toString()));
  const rest = await Promise.all([1, 2, 3].map(() => startNodeProcess({ args: ['--metrics-port', '0'], env: { G2G_JOIN: ticket } })));
  nodes.push(...rest);
});

after(async () => {
  await browser?.close();
  monitor?.kill('SIGKILL');
  for (const n of nodes) await n.stop('SIGKILL');
  for (const n of nodes) await removeDir(n.dataDir);
});

test('each node of four counts the three others alive, with standard process metrics and build info', async () => {
  for (const node of nodes) {
    await eventually(`node ${node.facts.nodeId} sees 3 alive`, async () => sample(await scrape(node), 'g2g_members{state="alive"}') === 3);
  }
  const text = await scrape(nodes[0]!);
  assert.ok(/^process_cpu_seconds_total /m.test(text), 'process_* under its standard name');
  assert.ok(/^nodejs_eventloop_lag_seconds /m.test(text), 'nodejs_* under its standard name');
  assert.ok(!/^g2g_process_|^g2g_nodejs_/m.test(text), 'no g2g_-prefixed default metrics');
  assert.equal(sample(text, `g2g_build_info{version="${nodes[0]!.facts.version}",node_id="${nodes[0]!.facts.nodeId}",cluster="${nodes[0]!.facts.cluster}"}`), 1);
  assert.equal(sample(text, 'g2g_peer_table_size'), 3);
  assert.ok((sample(text, 'g2g_join_attempts_total{result="admitted",code=""}') ?? 0) >= 3, 'the three joins admitted');
  assert.ok((sample(text, 'g2g_ca_expiry_seconds') ?? 0) > 0);
  // Membership's gossip counters, wired into the node's metrics.
  assert.ok((sample(text, 'g2g_gossip_messages_total{kind="exchange",direction="sent"}') ?? 0) > 0, 'exchanges sent are counted');
  assert.ok((sample(text, 'g2g_gossip_bytes_total{kind="exchange",direction="received"}') ?? 0) > 0, 'exchange bytes received are counted');
});

test('promtool check metrics accepts the exposition', async (t) => {
  if (!existsSync(PROMTOOL)) {
    t.skip(`${PROMTOOL} is not installed (Debian package prometheus; .ci/run installs it)`);
    return;
  }
  for (const node of nodes) {
    const text = await scrape(node);
    const checked = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
    assert.equal(checked.status, 0, `promtool check metrics on ${node.facts.nodeId}:\n${checked.stdout}${checked.stderr}`);
  }
  const dir = await tempDir('g2g-observe-');
  await writeFile(path.join(dir, 'metrics.txt'), await scrape(nodes[0]!));
  await removeDir(dir);
});

/** State of every member row on the page (the DOM's text, as a reader or screen reader gets it). */
async function pageStates(p: Page): Promise<Map<string, string>> {
  const rows = await p.$$eval('#members tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-node-id') ?? '', tr.querySelector('.state')?.textContent ?? '', tr.querySelector('.id')?.textContent ?? '']));
  return new Map(rows.map(([id, state]) => [id!, state!]));
}

test('the live page in headless chromium names every member with its state', async (t) => {
  const launched = await launchChromium();
  if ('skip' in launched) {
    pageSkip = launched.skip;
    t.skip(pageSkip);
    return;
  }
  browser = launched.browser;
  page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  await page.goto(`http://127.0.0.1:${nodes[0]!.facts.metricsPort}/`);
  await eventually('the page lists four members, all alive', async () => {
    const states = await pageStates(page!);
    return nodes.every((n) => states.get(n.facts.nodeId) === 'alive');
  }, 30_000);
  // The ids are in the DOM as text too: short in the table, whole in the SVG titles.
  const titles = await page.$$eval('#map title', (ts) => ts.map((x) => x.textContent ?? ''));
  for (const n of nodes) assert.ok(titles.some((x) => x.startsWith(`${n.facts.nodeId} alive`)), `an SVG title names ${n.facts.nodeId}`);
  const text = await page.textContent('#members');
  for (const n of nodes) assert.ok(text!.includes(n.facts.nodeId.slice(0, 8)));
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'live-view.png'), fullPage: true });
});

test('a join, a graceful leave and a kill -9: the monitor shows them in order, and the metrics move', async () => {
  const leaver = await startNodeProcess({ args: ['--metrics-port', '0'], env: { G2G_JOIN: ticket }, timeoutMs: 120_000 });
  await eventually('the monitor shows the newcomer joined', async () => monitorEvents().some((e) => e.type === 'member_joined' && e.nodeId === leaver.facts.nodeId));
  assert.equal(await leaver.stop('SIGTERM'), 0);
  await removeDir(leaver.dataDir);
  await eventually('the monitor shows it left', async () => monitorEvents().some((e) => e.type === 'member_left' && e.nodeId === leaver.facts.nodeId));

  const victim = nodes[3]!;
  // Marks this document: a reload would lose the mark.
  await page?.evaluate(() => ((globalThis as { openedBeforeKill?: boolean }).openedBeforeKill = true));
  await victim.stop('SIGKILL');
  const observers = nodes.slice(0, 3);
  await eventually('the others hold the victim suspect or dead', async () => {
    for (const o of observers) {
      const text = await scrape(o);
      if ((sample(text, 'g2g_members{state="suspect"}') ?? 0) + (sample(text, 'g2g_members{state="dead"}') ?? 0) < 1) return false;
    }
    return true;
  });
  await eventually('the others hold the victim dead', async () => {
    for (const o of observers) if (sample(await scrape(o), 'g2g_members{state="dead"}') !== 1) return false;
    return true;
  }, 60_000);
  await eventually('the monitor shows the death', async () => monitorEvents().some((e) => e.type === 'member_dead' && e.nodeId === victim.facts.nodeId));

  // Each after the one before (a loaded machine may suspect a slow starter early on, and it
  // comes back alive: that earlier suspicion is not the kill's).
  const events = monitorEvents();
  let from = 0;
  const steps: [string, string][] = [
    ['member_joined', leaver.facts.nodeId],
    ['member_left', leaver.facts.nodeId],
    ['member_suspect', victim.facts.nodeId],
    ['member_dead', victim.facts.nodeId],
  ];
  for (const [type, nodeId] of steps) {
    const i = events.findIndex((e, j) => j >= from && e.type === type && e.nodeId === nodeId);
    assert.ok(i >= 0, `${type} ${nodeId} after event ${from} in ${JSON.stringify(events)}`);
    from = i + 1;
  }
  const text = await scrape(nodes[0]!);
  assert.ok((sample(text, 'g2g_member_events_total{event="dead"}') ?? 0) >= 1);

  if (page) {
    // The page was opened before the kill and never reloaded: the change came over its stream.
    await eventually('the page shows the victim dead', async () => (await pageStates(page!)).get(victim.facts.nodeId) === 'dead', 30_000);
    assert.equal(await page.evaluate(() => (globalThis as { openedBeforeKill?: boolean }).openedBeforeKill), true, 'the same document, not a reload');
    assert.equal(page.url(), `http://127.0.0.1:${nodes[0]!.facts.metricsPort}/`);
    const changes = await page.textContent('#changes');
    assert.ok(changes!.includes(`${victim.facts.nodeId.slice(0, 8)} is dead`), changes!);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'live-view-after-kill.png'), fullPage: true });
  }
});

test('stopping the watched node ends the monitor cleanly (its stream does not hold the drain)', async () => {
  const exited = new Promise<number | null>((resolve) => monitor!.once('exit', (code) => resolve(code)));
  assert.equal(await nodes[0]!.stop('SIGTERM'), 0);
  assert.equal(await exited, 0, 'g2g monitor exits 0 when the node ends the stream');
});
