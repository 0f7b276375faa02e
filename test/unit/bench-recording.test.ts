import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SimCluster } from '../../src/testing/sim-cluster';
import { recordIfAsked, writeRecordings } from '../bench/bench-recording';

test('a simulator benchmark records its cluster for g2g replay when G2G_BENCH_RECORD is set, and only then', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'g2g-bench-rec-'));
  const build = () => {
    const c = new SimCluster({ seed: 5, latencyMs: [1, 5] });
    for (let i = 0; i < 12; i++) c.addNode();
    c.bootstrap();
    return c;
  };
  try {
    delete process.env.G2G_BENCH_RECORD;
    recordIfAsked(build(), 'off', 5);
    assert.deepEqual(writeRecordings(), [], 'nothing recorded without the variable');

    process.env.G2G_BENCH_RECORD = dir;
    const c = build();
    recordIfAsked(c, 'crash', 5);
    const victim = c.nodes[3]!.id;
    c.crash(victim);
    await c.runIntervals(40);
    const [file, ...more] = writeRecordings();
    assert.equal(more.length, 0);
    const lines = (await readFile(file!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const header = lines[0] as { format: string; nodes: unknown[]; rounds: number; initial: string };
    assert.equal(header.format, 'g2g-recording');
    assert.equal(header.nodes.length, 12);
    assert.equal(header.initial, 'alive');
    assert.ok(header.rounds >= 40);
    const deaths = lines.filter((l) => l.type === 'member_dead' && l.nodeId === victim);
    assert.equal(new Set(deaths.map((d) => d.observer)).size, 11, 'every other node seen holding the victim dead');
    assert.deepEqual(writeRecordings(), [], 'written once');
  } finally {
    delete process.env.G2G_BENCH_RECORD;
    await rm(dir, { recursive: true, force: true });
  }
});
