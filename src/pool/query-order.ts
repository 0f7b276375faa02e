/**
 * The virtual query list (docs/pool.md): one peer from the most distant group, then one from the
 * nearest, then the second most distant, the second nearest, …, one peer per group per pass,
 * passes repeating until every group is empty. The first k targets thus cover min(k, groups)
 * distinct groups and alternate far/near, so a fan-out to k peers reaches the whole latency range
 * early instead of k peers of one rack.
 *
 * The seed's pseudo-code indexed group n−i where the prose means n−1−i, started at the nearest
 * group, and never ended for an odd number of groups; this implements the prose.
 *
 * Within a group the start is rotated by a per-group cursor, so repeated queries spread their load
 * over the group's members (client-side load balancing).
 */

/** The structural minimum of a latency group this module needs (LatencyGroup fits). */
export interface QueryGroup {
  id: number;
  members: readonly { id: string }[];
}

/**
 * Group indices (0 = nearest, n−1 = most distant) in the order one pass visits them:
 * n−1, 0, n−2, 1, n−3, 2, … — each index exactly once.
 */
export function passOrder(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; out.length < n; i++) {
    out.push(n - 1 - i);
    if (out.length < n) out.push(i);
  }
  return out;
}

/**
 * The virtual query list as a pure function. `groups` are nearest first, each a list of peer ids;
 * `offsets[g]` rotates group g's start (default 0); `limit` caps the length (default: all peers).
 */
export function virtualQueryList(groups: readonly (readonly string[])[], offsets: readonly number[] = [], limit = Infinity): string[] {
  const order = passOrder(groups.length);
  let total = 0;
  let longest = 0;
  for (const members of groups) {
    total += members.length;
    longest = Math.max(longest, members.length);
  }
  const cap = Math.min(total, Math.max(0, limit));
  // Rotation by index arithmetic rather than rotated copies: a fan-out asks for this on every call.
  const out: string[] = [];
  for (let pass = 0; pass < longest && out.length < cap; pass++) {
    for (const g of order) {
      const members = groups[g]!;
      const n = members.length;
      if (pass >= n) continue;
      const start = (((offsets[g] ?? 0) % n) + n) % n; // a negative or large offset still rotates
      out.push(members[(start + pass) % n]!);
      if (out.length >= cap) break;
    }
  }
  return out;
}

/**
 * The virtual query list with rotation cursors kept per group id. Members are taken in id order,
 * so the rotation does not depend on how jitter reorders latencies inside a group.
 */
export class QueryOrder {
  private readonly cursors = new Map<number, number>();
  /** Member ids per group (sorted), for the last `groups` seen: a fan-out asks for the order on every call. */
  private memo: { groups: readonly QueryGroup[]; ids: string[][] } | undefined;

  /**
   * The query order for `groups` (nearest first), up to `limit` peers. Each call advances every
   * group's cursor by one, so over m·k calls each member of an m-peer group comes first in its
   * group k times. Cursors of groups no longer present are forgotten.
   */
  next(groups: readonly QueryGroup[], limit?: number): string[] {
    const changed = this.memo?.groups !== groups;
    const ids = this.idsOf(groups);
    const offsets = groups.map((g) => this.cursors.get(g.id) ?? 0);
    const list = virtualQueryList(ids, offsets, limit);
    if (changed) {
      const present = new Set(groups.map((g) => g.id));
      for (const id of [...this.cursors.keys()]) if (!present.has(id)) this.cursors.delete(id);
    }
    groups.forEach((g, i) => {
      const n = g.members.length;
      this.cursors.set(g.id, n === 0 ? 0 : (offsets[i]! + 1) % n);
    });
    return list;
  }

  /** The order the next call would give, without advancing. */
  peek(groups: readonly QueryGroup[], limit?: number): string[] {
    return virtualQueryList(
      this.idsOf(groups),
      groups.map((g) => this.cursors.get(g.id) ?? 0),
      limit,
    );
  }

  /** Groups are immutable once made (a regrouping makes new ones), so their ids are cached by identity. */
  private idsOf(groups: readonly QueryGroup[]): string[][] {
    if (this.memo?.groups !== groups) this.memo = { groups, ids: groups.map((g) => g.members.map((m) => m.id).sort()) };
    return this.memo.ids;
  }
}
