import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../helpers/eventually';
import { launchChromium, SCREENSHOT_DIR } from '../helpers/headless-chromium';
import { CLI, cleanEnv, removeDir, runCli, tempDir } from '../helpers/node-process';

/*
 * `g2g simulate --record` of 200 nodes with one crash, then `g2g replay` of that file in
 * headless Chromium: at each recorded round the page shows as many observers holding the
 * victim suspect and dead as the file says, and the timeline's step and jump move it.
 */
const NODES = 200;
const CRASH_AT = 1;
const ROUNDS = 23;
const RUMOUR_AT = 3;

interface Line {
  type: string;
  nodeId: string;
  observer: string;
  state?: string;
  atMs: number;
}

let dir = '';
let file = '';
let header: { startMs: number; intervalMs: number; nodes: { id: string }[] };
let events: Line[] = [];
let victim = '';
let origin = '';
let replay: ChildProcess | undefined;
let url = '';
let browser: Browser | undefined;
let page: Page | undefined;
let skip = '';

const roundOf = (e: Line) => Math.floor((e.atMs - header.startMs) / header.intervalMs);

/** Observers that have the rumour origin's changed record after the events of rounds ≤ `round`. */
function rumourSeen(round: number): number {
  const seen = new Set<string>();
  let started = false;
  for (const e of events) {
    if (roundOf(e) > round) break;
    if (e.type === 'sim_rumour' && e.nodeId === origin) started = true;
    else if (started && e.type === 'member_updated' && e.nodeId === origin) seen.add(e.observer);
  }
  return seen.size;
}

/** Observers (not crashed) holding the victim in each state after the events of rounds ≤ `round`. */
function expected(round: number): { suspect: number; dead: number } {
  const held = new Map<string, string>();
  for (const e of events) {
    if (roundOf(e) > round) break;
    if (e.nodeId === victim && e.type.startsWith('member_')) held.set(e.observer, e.state ?? '');
  }
  let suspect = 0;
  let dead = 0;
  for (const s of held.values()) {
    if (s === 'suspect') suspect++;
    if (s === 'dead') dead++;
  }
  return { suspect, dead };
}

async function victimRow(p: Page): Promise<{ state: string; suspect: number; dead: number }> {
  return p.$eval(`#members tr[data-node-id="${victim}"]`, (tr) => ({
    state: tr.querySelector('.state')?.textContent ?? '',
    suspect: Number(tr.getAttribute('data-suspect')),
    dead: Number(tr.getAttribute('data-dead')),
  }));
}

function atRound(p: Page, round: number, timeout = 30_000): Promise<unknown> {
  return p.waitForSelector(`body[data-round="${round}"]`, { state: 'attached', timeout });
}

before(async () => {
  dir = await tempDir('g2g-replay-');
  file = path.join(dir, 'run.jsonl');
  const sim = await runCli(['simulate', '--nodes', String(NODES), '--seed', '14', '--crash', '1', '--crash-at', String(CRASH_AT), '--rumour-at', String(RUMOUR_AT), '--rounds', String(ROUNDS), '--record', file], { timeoutMs: 240_000 });
  assert.equal(sim.code, 0, sim.stderr);
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  header = JSON.parse(lines[0]!);
  events = lines.slice(1).map((l) => JSON.parse(l) as Line);
  victim = events.find((e) => e.type === 'sim_crash')!.nodeId;
  origin = events.find((e) => e.type === 'sim_rumour')!.nodeId;
  replay = spawn(process.execPath, [CLI, 'replay', file, '--port', '0'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  replay.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  await eventually('g2g replay serves', async () => /http:\/\/\S+\//.test(out), 30_000);
  url = /http:\/\/\S+\//.exec(out)![0];
  const launched = await launchChromium();
  if ('skip' in launched) skip = launched.skip;
  else {
    browser = launched.browser;
    page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  }
});

after(async () => {
  await browser?.close();
  replay?.kill('SIGKILL');
  if (dir) await removeDir(dir);
});

test('the recording holds the crash and its suspicion and death spreading over the rounds', () => {
  assert.equal(header.nodes.length, NODES);
  const suspects = events.filter((e) => e.type === 'member_suspect' && e.nodeId === victim);
  const deaths = events.filter((e) => e.type === 'member_dead' && e.nodeId === victim);
  assert.ok(suspects.length > 0 && deaths.length > 0, 'the crash was noticed');
  assert.equal(expected(ROUNDS).dead, NODES - 1, 'every other node holds the victim dead at the end');
  assert.ok(roundOf(suspects[0]!) >= CRASH_AT && roundOf(deaths[0]!) > roundOf(suspects[0]!));
});

test('the replayed page shows the crash spreading at the recorded rounds', async (t) => {
  if (!page) return t.skip(skip);
  const firstSuspect = roundOf(events.find((e) => e.type === 'member_suspect' && e.nodeId === victim)!);
  const firstDead = roundOf(events.find((e) => e.type === 'member_dead' && e.nodeId === victim)!);
  const rounds = [...new Set([CRASH_AT, firstSuspect - 1, firstSuspect, firstDead - 1, firstDead, ROUNDS])].filter((r) => r >= 0).sort((a, b) => a - b);
  for (const round of rounds) {
    await page.goto(`${url}?round=${round}`);
    await atRound(page, round);
    const want = expected(round);
    const row = await victimRow(page);
    assert.equal(row.suspect, want.suspect, `round ${round}: observers holding the victim suspect`);
    assert.equal(row.dead, want.dead, `round ${round}: observers holding the victim dead`);
    const majority = want.dead * 2 > NODES - 1 ? 'dead' : want.suspect * 2 > NODES - 1 ? 'suspect' : want.suspect + want.dead === 0 ? 'alive' : row.state;
    assert.equal(row.state, majority, `round ${round}: the state most observers hold`);
    // Every member is named in the DOM with its state.
    assert.equal(await page.$$eval('#members tbody tr', (trs) => trs.length), NODES);
    if (round === firstDead) await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'replay-first-death.png'), fullPage: true });
  }

  // The timeline: step moves one round on; jump goes to an event.
  await page.goto(`${url}?round=${firstSuspect}`);
  await atRound(page, firstSuspect);
  await page.click('#step');
  await atRound(page, firstSuspect + 1);
  assert.deepEqual(await victimRow(page).then(({ suspect, dead }) => ({ suspect, dead })), expected(firstSuspect + 1));
  await page.fill('#jump', String(events.length));
  await page.dispatchEvent('#jump', 'change');
  await page.waitForSelector(`body[data-position="${events.length}"]`, { state: 'attached', timeout: 30_000 });
  assert.equal((await victimRow(page)).state, 'dead');
});

test('play runs the rounds forward without reloading', async (t) => {
  if (!page) return t.skip(skip);
  await page.goto(`${url}?round=0`);
  await atRound(page, 0);
  await page.selectOption('#speed', '20');
  await page.click('#play');
  await atRound(page, ROUNDS, 60_000);
  assert.equal((await victimRow(page)).dead, NODES - 1);
});

test('a rumour (one node changes its record) reaches every live node, and the page shows it spreading round by round', async (t) => {
  const live = NODES - 1 - 1; // all but the origin and the crashed victim
  const rounds = Array.from({ length: ROUNDS + 1 }, (_, r) => r);
  const counts = rounds.map(rumourSeen);
  assert.equal(counts[RUMOUR_AT - 1], 0, 'nothing before the rumour');
  assert.ok(counts[ROUNDS]! >= live, `the change reached ${counts[ROUNDS]} of ${live} live nodes`);
  const full = counts.findIndex((c) => c >= live);
  assert.ok(full > RUMOUR_AT, 'it took rounds to spread, not one step');
  if (!page) return t.skip(skip);
  const partway = counts.findIndex((c) => c > 0 && c < live);
  for (const round of [...new Set([RUMOUR_AT, partway, full])].filter((r) => r >= 0)) {
    await page.goto(`${url}?round=${round}`);
    await atRound(page, round);
    const shown: number = await page.$eval(`#members tr[data-node-id="${origin}"]`, (tr) => Number(tr.getAttribute('data-rumour-seen')));
    assert.equal(shown, counts[round], `round ${round}: observers with the changed record`);
  }
});
