import type { Random } from '../util/random';
import type { MembershipOptions } from './options';
import type { PeerEntry, PeerTable } from './peer-table';
import { targetOf, type GossipTarget } from './transport';

export interface PartnerSelectionComponents {
  table: Pick<PeerTable, 'size' | 'idAt' | 'get' | 'values' | 'sample'>;
  random: Random;
  options: Pick<MembershipOptions, 'exchangeBudget' | 'randomExchanges' | 'spatialShare' | 'spatialFloorMs' | 'reconnectIntervalMs'>;
  /** Distance to a peer (RTT ms), or undefined when not measured; absent: every pick is uniform. */
  distance?: (nodeId: string) => number | undefined;
}

/** A server-mode peer that is alive or suspect: one we exchange with. */
export function isExchangeTarget(e: PeerEntry): boolean {
  return e.record.mode === 'server' && (e.state === 'alive' || e.state === 'suspect');
}

/**
 * Who this node exchanges with each interval: spatial picks (by distance), round-robin over a
 * shuffled cycle of the table (`exchangeBudget`), uniform random picks (`randomExchanges`), and
 * now and then a dead peer (Serf's reconnect, so that a healed partition merges).
 */
export class PartnerSelection {
  private roundRobin: string[] = [];
  private roundRobinAt = 0;
  private lastReconnectMs = 0;

  constructor(private readonly c: PartnerSelectionComponents) {}

  /**
   * This interval's partners. Spatial picks take the place of random picks first, then of
   * round-robin ones, never of all of them (see `spatialShare`). They come first, so that the
   * last target, which gets a due full sync, is a uniform one.
   */
  pick(now: number): GossipTarget[] {
    const { table, options: o } = this.c;
    const chosen = new Map<string, GossipTarget>();
    const spatial = this.spatialPicks(this.spatialCount());
    for (const e of spatial) chosen.set(e.record.nodeId, targetOf(e.record));
    const insteadOfRandom = Math.min(spatial.length, o.randomExchanges);
    let budget = o.exchangeBudget - (spatial.length - insteadOfRandom);
    let scanned = 0;
    while (budget > 0 && scanned < table.size + 1) {
      if (this.roundRobinAt >= this.roundRobin.length) {
        this.reshuffle();
        if (this.roundRobin.length === 0) break;
      }
      const id = this.roundRobin[this.roundRobinAt++]!;
      scanned++;
      const e = table.get(id);
      if (!e || !isExchangeTarget(e) || chosen.has(id)) continue;
      chosen.set(id, targetOf(e.record));
      budget--;
    }
    for (const e of table.sample(o.randomExchanges - insteadOfRandom, isExchangeTarget, new Set(chosen.keys()))) {
      chosen.set(e.record.nodeId, targetOf(e.record));
    }
    if (now - this.lastReconnectMs >= o.reconnectIntervalMs) {
      this.lastReconnectMs = now;
      const [dead] = table.sample(1, (x) => x.state === 'dead' && x.record.mode === 'server');
      if (dead) chosen.set(dead.record.nodeId, targetOf(dead.record));
    }
    return [...chosen.values()];
  }

  /** Every id in the table, in random order (Fisher–Yates). */
  shuffledIds(): string[] {
    const { table, random } = this.c;
    const ids: string[] = [];
    for (let i = 0; i < table.size; i++) ids.push(table.idAt(i));
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(random.next() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    return ids;
  }

  private reshuffle(): void {
    this.roundRobin = this.shuffledIds();
    this.roundRobinAt = 0;
  }

  /** How many of this interval's partners to pick by distance: `spatialShare` of them on average, never all. */
  private spatialCount(): number {
    const o = this.c.options;
    if (this.c.distance === undefined || o.spatialShare <= 0) return 0;
    const slots = o.exchangeBudget + o.randomExchanges;
    // Rounded so that 1/3 of 3 slots is exactly 1 and costs no random draw.
    const expected = Math.round(o.spatialShare * slots * 1e9) / 1e9;
    let k = Math.floor(expected);
    if (expected > k && this.c.random.next() < expected - k) k++;
    return Math.min(k, slots - 1);
  }

  /**
   * Up to `k` distinct exchange targets drawn with probability ∝ 1/max(d, spatialFloorMs)²
   * (spatial gossip). A peer with no distance weighs as the mean of the measured ones (as all
   * peers do when none is measured), so it is neither favoured nor starved. O(table · k).
   */
  private spatialPicks(k: number): PeerEntry[] {
    if (k <= 0) return [];
    const floor = this.c.options.spatialFloorMs;
    const distance = this.c.distance!;
    const entries: PeerEntry[] = [];
    const weights: number[] = [];
    let measured = 0;
    let measuredSum = 0;
    for (const e of this.c.table.values()) {
      if (!isExchangeTarget(e)) continue;
      const d = distance(e.record.nodeId);
      const w = d !== undefined && d >= 0 && Number.isFinite(d) ? 1 / Math.max(d, floor) ** 2 : -1;
      if (w >= 0) {
        measured++;
        measuredSum += w;
      }
      entries.push(e);
      weights.push(w);
    }
    const unmeasured = measured > 0 ? measuredSum / measured : 1;
    for (let i = 0; i < weights.length; i++) if (weights[i]! < 0) weights[i] = unmeasured;
    const out: PeerEntry[] = [];
    while (out.length < k && out.length < entries.length) {
      let total = 0;
      for (const w of weights) total += w;
      let x = this.c.random.next() * total;
      let pick = -1;
      for (let i = 0; i < weights.length; i++) {
        if (weights[i] === 0) continue;
        pick = i;
        x -= weights[i]!;
        if (x < 0) break;
      }
      if (pick < 0) break;
      out.push(entries[pick]!);
      weights[pick] = 0;
    }
    return out;
  }
}
