/**
 * Latency groups (docs/pool.md): peers sorted by measured latency and cut into groups at natural
 * gaps, each labelled by its mean latency, and stable under jitter.
 *
 * The cut rule. Sort the latencies; the gap between consecutive values a ≤ b is a cut when
 *   b / a ≥ ratio   (default 1.5)   and   b − a ≥ floorMs   (default 2 ms).
 * Why both: latency tiers are multiplicative (a rack at 0.3 ms, a zone at 2 ms, a region at 20 ms,
 * another continent at 150 ms), so the relative test is the one that works on a LAN and a WAN
 * alike, with no fixed millisecond boundary; ±10 % jitter inside a tier spreads values by at most
 * 1.1/0.9 ≈ 1.22, below 1.5. The absolute floor stops the relative test from splitting
 * sub-millisecond peers whose differences are scheduler noise (0.1 ms vs 0.3 ms is a ratio of 3 but
 * no distance worth routing by). So 1 ms, 20 ms and 80 ms tiers separate, and jitter does not cut.
 * A continuum with no gap (latencies spread evenly) stays one group: there is nothing natural to cut.
 *
 * Hysteresis, given the previous grouping:
 *  1. A peer keeps its previous group while its latency stays inside that group's band: the range
 *     [lo, hi] of the *other* members' previous latencies (its own previous latency if it was
 *     alone), widened to [lo/(1+margin) − floorMs, hi·(1+margin) + floorMs] (margin 25 %). Excluding
 *     the peer itself stops a peer creeping a little each round from dragging its group's range
 *     along; with ±10 % jitter a peer never leaves the band.
 *  2. Peers that left their band, and new peers, join the kept group whose band (from its kept
 *     members' current latencies) contains them, the nearest on a log scale if several do.
 *  3. The rest are cut into new groups by the rule above.
 *  4. Adjacent groups merge only when the gap between them falls clearly below the cut rule (ratio
 *     below 1 + (ratio−1)/2, or difference below floorMs/2), or they overlap. A gap between the cut
 *     and merge thresholds leaves the groups as they were: two lone peers at 10 and 16 ms ±10 %
 *     neither split nor merge round to round.
 * Group ids are stable across regroupings (a group keeps its id while any member stays; merged
 * groups keep the lower id); new groups take fresh ids. Everything is deterministic: ties in
 * latency are ordered by peer id, so equal inputs give equal groupings.
 */

export interface PeerLatency {
  id: string;
  latencyMs: number;
}

export interface LatencyGroup {
  /** Stable across regroupings while the group persists. */
  id: number;
  /** Mean latency of the members: the group's label. */
  labelMs: number;
  minMs: number;
  maxMs: number;
  /** Sorted by latency, then id. */
  members: PeerLatency[];
}

export interface Grouping {
  /** Nearest first (by label, then id). */
  groups: LatencyGroup[];
  /** The id the next new group will take. */
  nextGroupId: number;
}

export interface LatencyGroupOptions {
  /** Relative gap for a cut (next / previous latency), > 1; default 1.5. */
  ratio?: number;
  /** Absolute gap for a cut (ms), ≥ 0; default 2. */
  floorMs?: number;
  /** Hysteresis margin around a group's range, ≥ 0; default 0.25. */
  margin?: number;
}

export const DEFAULT_LATENCY_GROUP_OPTIONS: Required<LatencyGroupOptions> = { ratio: 1.5, floorMs: 2, margin: 0.25 };

function resolve(options: LatencyGroupOptions = {}): Required<LatencyGroupOptions> {
  const o = { ...DEFAULT_LATENCY_GROUP_OPTIONS, ...options };
  if (!(o.ratio > 1)) throw new RangeError(`ratio must be > 1, got ${o.ratio}`);
  if (!(o.floorMs >= 0)) throw new RangeError(`floorMs must be ≥ 0, got ${o.floorMs}`);
  if (!(o.margin >= 0)) throw new RangeError(`margin must be ≥ 0, got ${o.margin}`);
  return o;
}

const byLatencyThenId = (a: PeerLatency, b: PeerLatency): number =>
  a.latencyMs - b.latencyMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Whether the gap between consecutive sorted latencies a ≤ b is a natural cut. */
export function isCut(a: number, b: number, options?: LatencyGroupOptions): boolean {
  const o = resolve(options);
  return b - a >= o.floorMs && b >= a * o.ratio;
}

function isMerge(a: number, b: number, o: Required<LatencyGroupOptions>): boolean {
  return b <= a || b - a < o.floorMs / 2 || b < a * (1 + (o.ratio - 1) / 2);
}

/** Cuts peers sorted by latency into runs at natural gaps. */
function cutSorted(sorted: PeerLatency[], o: Required<LatencyGroupOptions>): PeerLatency[][] {
  const runs: PeerLatency[][] = [];
  let run: PeerLatency[] = [];
  for (const p of sorted) {
    const last = run[run.length - 1];
    if (last !== undefined && p.latencyMs - last.latencyMs >= o.floorMs && p.latencyMs >= last.latencyMs * o.ratio) {
      runs.push(run);
      run = [];
    }
    run.push(p);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function band(lo: number, hi: number, o: Required<LatencyGroupOptions>): [number, number] {
  return [lo / (1 + o.margin) - o.floorMs, hi * (1 + o.margin) + o.floorMs];
}

/** Distance on a log scale from x to the range [lo, hi] (0 inside it). */
function logDistance(x: number, lo: number, hi: number): number {
  const l = (v: number) => Math.log(Math.max(v, 1e-6));
  return x < lo ? l(lo) - l(x) : x > hi ? l(x) - l(hi) : 0;
}

function makeGroup(id: number, members: PeerLatency[]): LatencyGroup {
  const sorted = [...members].sort(byLatencyThenId);
  let sum = 0;
  for (const m of sorted) sum += m.latencyMs;
  return { id, labelMs: sum / sorted.length, minMs: sorted[0]!.latencyMs, maxMs: sorted[sorted.length - 1]!.latencyMs, members: sorted };
}

/**
 * Groups peers by latency at natural gaps, keeping the previous grouping where the latencies have
 * not moved beyond its hysteresis bands. Peers absent from `peers` are dropped; duplicate ids and
 * negative or non-finite latencies are refused.
 */
export function groupByLatency(peers: readonly PeerLatency[], previous?: Grouping, options?: LatencyGroupOptions): Grouping {
  const o = resolve(options);
  const seen = new Set<string>();
  for (const p of peers) {
    if (!(Number.isFinite(p.latencyMs) && p.latencyMs >= 0)) throw new RangeError(`latency of ${p.id} must be a finite number ≥ 0, got ${p.latencyMs}`);
    if (seen.has(p.id)) throw new RangeError(`duplicate peer id ${p.id}`);
    seen.add(p.id);
  }
  const sorted = peers.map((p) => ({ id: p.id, latencyMs: p.latencyMs })).sort(byLatencyThenId);
  let nextGroupId = previous?.nextGroupId ?? 0;

  // 1. Peers that stay in their previous group.
  const kept = new Map<number, PeerLatency[]>(); // group id → members kept (current latencies)
  const released: PeerLatency[] = [];
  const previousGroupOf = new Map<string, LatencyGroup>();
  for (const g of previous?.groups ?? []) for (const m of g.members) previousGroupOf.set(m.id, g);
  for (const p of sorted) {
    const g = previousGroupOf.get(p.id);
    if (g === undefined) {
      released.push(p);
      continue;
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const m of g.members) {
      if (m.id === p.id && g.members.length > 1) continue;
      lo = Math.min(lo, m.latencyMs);
      hi = Math.max(hi, m.latencyMs);
    }
    const [from, to] = band(lo, hi, o);
    if (p.latencyMs >= from && p.latencyMs <= to) {
      const list = kept.get(g.id) ?? [];
      list.push(p);
      kept.set(g.id, list);
    } else {
      released.push(p);
    }
  }

  // 2. Released and new peers join a kept group whose band holds them.
  const keptRanges = [...kept.entries()].map(([id, members]) => ({
    id,
    lo: members[0]!.latencyMs, // members were pushed in sorted order
    hi: members[members.length - 1]!.latencyMs,
  }));
  const unplaced: PeerLatency[] = [];
  const joins: [number, PeerLatency][] = [];
  for (const p of released) {
    let best: { id: number; d: number } | undefined;
    for (const r of keptRanges) {
      const [from, to] = band(r.lo, r.hi, o);
      if (p.latencyMs < from || p.latencyMs > to) continue;
      const d = logDistance(p.latencyMs, r.lo, r.hi);
      if (best === undefined || d < best.d || (d === best.d && r.id < best.id)) best = { id: r.id, d };
    }
    if (best === undefined) unplaced.push(p);
    else joins.push([best.id, p]);
  }
  for (const [id, p] of joins) kept.get(id)!.push(p);

  // 3. The rest form new groups at natural gaps.
  let groups: LatencyGroup[] = [...kept.entries()].map(([id, members]) => makeGroup(id, members));
  for (const run of cutSorted(unplaced, o)) groups.push(makeGroup(nextGroupId++, run));

  // 4. Merge adjacent groups whose gap has clearly closed (or that overlap).
  groups.sort((a, b) => a.minMs - b.minMs || a.maxMs - b.maxMs || a.id - b.id);
  const merged: LatencyGroup[] = [];
  for (const g of groups) {
    const last = merged[merged.length - 1];
    if (last !== undefined && isMerge(last.maxMs, g.minMs, o)) {
      merged[merged.length - 1] = makeGroup(Math.min(last.id, g.id), [...last.members, ...g.members]);
    } else {
      merged.push(g);
    }
  }
  groups = merged.sort((a, b) => a.labelMs - b.labelMs || a.id - b.id);
  return { groups, nextGroupId };
}

/** The group id of every peer, for comparing groupings. */
export function groupIdsByPeer(grouping: Grouping): Map<string, number> {
  const out = new Map<string, number>();
  for (const g of grouping.groups) for (const m of g.members) out.set(m.id, g.id);
  return out;
}
