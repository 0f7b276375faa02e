import type { LatencyModel } from './memory-network';

/**
 * A hierarchical latency topology for simulations: `shape` [3, 3, 4] is 3 regions of 3 zones of
 * 4 nodes. Two nodes are in tier 0 (the nearest) when they share their innermost group, tier 1
 * when they share only the next one out, …, tier shape.length − 1 when they share nothing, so
 * every node sees every tier around it. The link between tiers t's nodes has the one-way latency
 * `oneWayMs[t]` (nearest first) ± `jitter` (uniform, a fraction), as integer milliseconds.
 * Nodes are placed in the order they are added.
 */
export class TieredTopology {
  private readonly index = new Map<string, number>();
  private readonly ranges: [number, number][];

  constructor(readonly shape: readonly number[], readonly oneWayMs: readonly number[], readonly jitter = 0.1) {
    if (shape.length === 0 || shape.some((n) => !(Number.isInteger(n) && n >= 1))) throw new RangeError(`shape must be positive integers, got ${shape.join(',')}`);
    if (oneWayMs.length !== shape.length) throw new RangeError(`one latency per tier: ${shape.length} tiers, ${oneWayMs.length} latencies`);
    if (!(jitter >= 0 && jitter < 1)) throw new RangeError(`jitter must be in [0, 1), got ${jitter}`);
    this.ranges = oneWayMs.map((ms) => [Math.max(0, Math.round(ms * (1 - jitter))), Math.round(ms * (1 + jitter))]);
  }

  /** Number of places (the product of the shape). */
  get capacity(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  get tiers(): number {
    return this.shape.length;
  }

  /** Puts `nodeId` in the next free place. */
  place(nodeId: string): void {
    if (this.index.has(nodeId)) throw new RangeError(`${nodeId} is already placed`);
    if (this.index.size >= this.capacity) throw new RangeError(`the topology is full (${this.capacity} places)`);
    this.index.set(nodeId, this.index.size);
  }

  /** The group of `nodeId` at `level` (0: the outermost, e.g. its region). */
  groupOf(nodeId: string, level = 0): number {
    let size = 1;
    for (let l = level + 1; l < this.shape.length; l++) size *= this.shape[l]!;
    return Math.floor(this.at(nodeId) / size);
  }

  /** 0 for the nearest tier (same innermost group) … tiers − 1 (different outermost group). */
  tierOf(a: string, b: string): number {
    let x = this.at(a);
    let y = this.at(b);
    let tier = 0;
    for (let l = this.shape.length - 1; l > 0 && Math.floor(x / this.shape[l]!) !== Math.floor(y / this.shape[l]!); l--) {
      x = Math.floor(x / this.shape[l]!);
      y = Math.floor(y / this.shape[l]!);
      tier++;
    }
    return tier;
  }

  /** The nominal round-trip time between two nodes (ms): twice the tier's one-way latency. */
  rttMs(a: string, b: string): number {
    return 2 * this.oneWayMs[this.tierOf(a, b)]!;
  }

  /** The MemoryNetwork latency model of this topology (unplaced nodes get the network default). */
  readonly latency: LatencyModel = (from, to) => (this.index.has(from) && this.index.has(to) ? this.ranges[this.tierOf(from, to)] : undefined);

  private at(nodeId: string): number {
    const i = this.index.get(nodeId);
    if (i === undefined) throw new RangeError(`${nodeId} is not placed`);
    return i;
  }
}
