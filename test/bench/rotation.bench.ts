import 'reflect-metadata';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { loadConfig } from '../../src/config';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import { validateLeaf } from '../../src/identity/leaf';
import { silentLogger } from '../../src/log/logger';
import { G2gNode } from '../../src/node/g2g-node';
import { removeDir, tempDir } from '../helpers/node-process';
import { round, summarize, table, type Summary } from './stats';

/*
 * Rotation cost: `node.rotate()` on a running node in this process: issue a leaf (2048-bit RSA
 * key generated on the thread pool, certificate built and signed), validate it, push it to both
 * servers. BLOCKS blocks, each of three windows in turn, every window with a fresh event-loop
 * delay monitor (resolution 1 ms; a monitor that is disabled and enabled again counts the gap):
 *   - rotation: ROTATIONS_PER_BLOCK rotations back to back;
 *   - idle: the loop doing nothing for as long as that rotation window (the baseline);
 *   - keygen: as many 2048-bit key generations alone (thread pool, nothing on the loop), to show
 *     how much of a stall is only the key generation competing for the machine's CPU.
 * Interleaving the windows lets load from other processes affect all three alike.
 *
 * To say where a stall comes from, the run also records garbage-collection pauses during the
 * rotation windows and times, on their own, the two synchronous steps of a rotation that can be
 * called from outside: validating a leaf and pushing it to the servers (each server builds a new
 * TLS secure context from it synchronously).
 */

const BLOCKS = 4;
const ROTATIONS_PER_BLOCK = 5;
const WARMUP_ROTATIONS = 2;
const STEP_REPEATS = 20;
const ROTATION_TIMEOUT_MS = 30_000;
const STALL_TARGET_MS = 20;

export interface LoopDelay {
  /** Longest delay in any window. */
  maxMs: number;
  /** The worst window's p99. */
  p99Ms: number;
  /** Over all windows. */
  meanMs: number;
  /** Total time monitored. */
  windowMs: number;
  /** Longest delay in each window, block by block. */
  maxPerBlockMs: number[];
}

export interface RotationResult {
  rotations: number;
  rotateMs: Summary;
  duringRotation: LoopDelay;
  idleBaseline: LoopDelay;
  keygenOnly: LoopDelay;
  ratios: { maxStall: number; p99Stall: number };
  gcDuringRotation: { pauses: number; maxMs: number; totalMs: number };
  /** Synchronous steps, timed alone (ms). */
  steps: { validateLeafMs: Summary; pushToServersMs: Summary };
  stallTargetMs: number;
  meetsStallTarget: boolean;
}

interface Window {
  max: number;
  p99: number;
  mean: number;
  count: number;
  ms: number;
}

export async function runRotation(log: (line: string) => void): Promise<RotationResult> {
  const dataDir = await tempDir('g2g-bench-rotation-');
  // The local profile as shipped (2048-bit leaves); a 1 h leaf keeps the rotator's own schedule
  // out of the way.
  const config = loadConfig({
    flags: { 'data-dir': dataDir, 'register-port': '0', 'gossip-port': '0', profile: 'local', 'leaf-lifetime': '1h' },
    env: {},
  });
  const node = new G2gNode({ config, log: silentLogger() });
  try {
    await node.start();
    log(`rotation: ${WARMUP_ROTATIONS} warm-up, then ${BLOCKS} blocks of: ${ROTATIONS_PER_BLOCK} rotations, an idle window as long, ${ROTATIONS_PER_BLOCK} key generations alone`);
    for (let i = 0; i < WARMUP_ROTATIONS; i++) await rotateOnce(node);
    await generateRsaKeyPair(2048);
    await settle();

    const gcPauses: number[] = [];
    let collectGc = false;
    const gcObserver = new PerformanceObserver((list) => {
      if (collectGc) for (const entry of list.getEntries()) gcPauses.push(entry.duration);
    });
    gcObserver.observe({ entryTypes: ['gc'] });

    const times: number[] = [];
    const windows = { rotation: [] as Window[], idle: [] as Window[], keygen: [] as Window[] };
    try {
      for (let b = 0; b < BLOCKS; b++) {
        collectGc = true;
        const rotation = await monitored(async () => {
          for (let i = 0; i < ROTATIONS_PER_BLOCK; i++) times.push(await rotateOnce(node));
        });
        // GC entries are delivered asynchronously; give them a tick before closing the gate.
        await new Promise((r) => setImmediate(r));
        collectGc = false;
        windows.rotation.push(rotation);
        await settle();
        windows.idle.push(await monitored(() => new Promise((r) => setTimeout(r, rotation.ms))));
        await settle();
        windows.keygen.push(
          await monitored(async () => {
            for (let i = 0; i < ROTATIONS_PER_BLOCK; i++) await generateRsaKeyPair(2048);
          }),
        );
        await settle();
        const ms = (w: Window[]) => round(w.at(-1)!.max, 1);
        log(`  block ${b + 1}/${BLOCKS}: ${ROTATIONS_PER_BLOCK} rotations in ${Math.round(rotation.ms)} ms; longest stall: rotation ${ms(windows.rotation)} ms, idle ${ms(windows.idle)} ms, keygen alone ${ms(windows.keygen)} ms`);
      }
    } finally {
      gcObserver.disconnect();
    }
    const duringRotation = combine(windows.rotation);
    const idleBaseline = combine(windows.idle);

    // The synchronous steps alone, on the current leaf (re-pushing it changes nothing served).
    const leaf = node.currentLeaf();
    const ca = node.nodeCa;
    const validate: number[] = [];
    const push: number[] = [];
    for (let i = 0; i < STEP_REPEATS; i++) {
      let t = performance.now();
      validateLeaf(ca, leaf, new Date());
      validate.push(performance.now() - t);
      t = performance.now();
      node.identity.setIdentity(leaf.certPem, leaf.keyPem);
      push.push(performance.now() - t);
    }

    return {
      rotations: times.length,
      rotateMs: summarize(times),
      duringRotation,
      idleBaseline,
      keygenOnly: combine(windows.keygen),
      ratios: {
        maxStall: round(duringRotation.maxMs / idleBaseline.maxMs),
        p99Stall: round(duringRotation.p99Ms / idleBaseline.p99Ms),
      },
      gcDuringRotation: {
        pauses: gcPauses.length,
        maxMs: round(Math.max(0, ...gcPauses), 2),
        totalMs: round(gcPauses.reduce((a, x) => a + x, 0), 1),
      },
      steps: { validateLeafMs: summarize(validate), pushToServersMs: summarize(push) },
      stallTargetMs: STALL_TARGET_MS,
      meetsStallTarget: duringRotation.maxMs <= STALL_TARGET_MS,
    };
  } finally {
    await node.stop();
    await removeDir(dataDir);
  }
}

export function rotationTable(r: RotationResult): string {
  const ms = (v: number) => round(v, 1);
  const ms2 = (v: number) => round(v, 2);
  const times = table([
    ['(ms)', 'median', 'p95', 'min', 'max'],
    [`node.rotate() × ${r.rotations}: issue + validate + push`, ms(r.rotateMs.median), ms(r.rotateMs.p95), ms(r.rotateMs.min), ms(r.rotateMs.max)],
    ['  sync step alone: validateLeaf', ms2(r.steps.validateLeafMs.median), ms2(r.steps.validateLeafMs.p95), ms2(r.steps.validateLeafMs.min), ms2(r.steps.validateLeafMs.max)],
    ['  sync step alone: push to both servers', ms2(r.steps.pushToServersMs.median), ms2(r.steps.pushToServersMs.p95), ms2(r.steps.pushToServersMs.min), ms2(r.steps.pushToServersMs.max)],
  ]);
  const loop = table([
    ['event-loop delay (ms, resolution 1 ms)', 'max', 'worst p99', 'mean', 'window ms'],
    ['idle loop (baseline, interleaved)', ms(r.idleBaseline.maxMs), ms(r.idleBaseline.p99Ms), ms2(r.idleBaseline.meanMs), Math.round(r.idleBaseline.windowMs)],
    ['during rotations', ms(r.duringRotation.maxMs), ms(r.duringRotation.p99Ms), ms2(r.duringRotation.meanMs), Math.round(r.duringRotation.windowMs)],
    ['ratio (rotation / idle)', `${r.ratios.maxStall.toFixed(2)}×`, `${r.ratios.p99Stall.toFixed(2)}×`, '', ''],
    ['reference: key generation alone', ms(r.keygenOnly.maxMs), ms(r.keygenOnly.p99Ms), ms2(r.keygenOnly.meanMs), Math.round(r.keygenOnly.windowMs)],
  ]);
  const perBlock = (d: LoopDelay) => d.maxPerBlockMs.join(' / ');
  const blocks = `rotation ${perBlock(r.duringRotation)}; idle ${perBlock(r.idleBaseline)}; keygen alone ${perBlock(r.keygenOnly)}`;
  return (
    `${times}\n\n${loop}\n` +
    `longest stall per block (ms): ${blocks}\n` +
    `GC during rotations: ${r.gcDuringRotation.pauses} pauses, longest ${r.gcDuringRotation.maxMs} ms, total ${r.gcDuringRotation.totalMs} ms\n` +
    `longest stall during rotation ${ms(r.duringRotation.maxMs)} ms: target ≤ ${r.stallTargetMs} ms ${r.meetsStallTarget ? 'met' : 'NOT met'}`
  );
}

async function rotateOnce(node: G2gNode): Promise<number> {
  const t = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`a rotation took over ${ROTATION_TIMEOUT_MS} ms`)), ROTATION_TIMEOUT_MS);
  });
  try {
    await Promise.race([node.rotate('bench'), timeout]);
  } finally {
    clearTimeout(timer);
  }
  return performance.now() - t;
}

/** Runs `work` under a fresh event-loop delay monitor. */
async function monitored(work: () => Promise<unknown>): Promise<Window> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  const started = performance.now();
  h.enable();
  await work();
  h.disable();
  // The histogram is in nanoseconds.
  return { max: h.max / 1e6, p99: h.percentile(99) / 1e6, mean: h.mean / 1e6, count: h.count, ms: performance.now() - started };
}

function combine(windows: Window[]): LoopDelay {
  const count = windows.reduce((a, w) => a + w.count, 0);
  return {
    maxMs: Math.max(...windows.map((w) => w.max)),
    p99Ms: Math.max(...windows.map((w) => w.p99)),
    meanMs: windows.reduce((a, w) => a + w.mean * w.count, 0) / count,
    windowMs: windows.reduce((a, w) => a + w.ms, 0),
    maxPerBlockMs: windows.map((w) => round(w.max, 1)),
  };
}

/** Lets callbacks and collection left over from the previous phase finish before the next is measured. */
async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 200));
}
