import type { MembershipCore } from './membership-core';
import type { PeerEntry } from './peer-table';
import type { Suspicion } from './suspicion';
import { targetOf } from './transport';

/** A local stall longer than this many intervals is discounted from every peer's silence. */
export const STALL_INTERVALS = 2;

/**
 * Failure detection (DESIGN §4): each interval, every alive peer whose heartbeat is overdue
 * against its own limit (failure-detector.ts) is checked directly, then through k others
 * (SWIM's indirect probe); failing both, it is suspected. Dead and left peers are removed after
 * their retention. Checks that overlapped a stall of our own loop prove nothing (Lifeguard).
 */
export class FailureDetection {
  private nonce = 0;

  constructor(
    private readonly c: MembershipCore,
    private readonly suspicion: Suspicion,
  ) {}

  /** The heartbeat limit currently applied to `e` (ms). */
  limitOf(e: PeerEntry): number {
    return e.stats.limit(this.c.options);
  }

  /**
   * One interval's pass over the table, `sinceLast` ms after the previous one: discounts a stall
   * of our own, probes overdue peers, removes dead and left peers past their retention.
   */
  sweep(now: number, sinceLast: number): void {
    const o = this.c.options;
    // Our own loop stalled (a pause, a GC): we heard nobody meanwhile, through no fault of theirs.
    const stall = sinceLast > STALL_INTERVALS * o.intervalMs ? sinceLast - o.intervalMs : 0;
    const expired: PeerEntry[] = [];
    const overdue: PeerEntry[] = [];
    for (const e of this.c.table.values()) {
      if (stall > 0) {
        e.lastHeardMs = Math.min(now, e.lastHeardMs + stall);
        e.lastBeatMs = Math.min(now, e.lastBeatMs + stall);
      }
      if (e.state === 'alive') {
        // Only the peers that send us their heartbeats are ours to time out.
        if (e.watched && !e.probing && now - e.lastHeardMs > this.limitOf(e)) overdue.push(e);
      } else if (e.state === 'dead') {
        if (now - e.stateSinceMs > o.deadRetentionMs) expired.push(e);
      } else if (e.state === 'left') {
        if (now - e.stateSinceMs > o.leftRetentionMs) expired.push(e);
      }
    }
    for (const e of expired) this.removeEntry(e);
    for (const e of overdue) void this.probe(e);
  }

  /**
   * An exchange with `id` failed: check it as SWIM checks its probe target (every node reaches
   * every peer it holds through its exchanges in turn, so a crash or a partition is noticed even
   * by nodes that do not monitor the peer).
   */
  unreachable(id: string): void {
    const e = this.c.table.get(id);
    if (e && e.state === 'alive' && !e.probing && this.c.life === 'running') void this.probe(e, true);
  }

  /**
   * Direct ping, then k indirect pings; failing both, suspect. Clients cannot be pinged: overdue
   * means suspect. `failedExchange`: the check follows a failed exchange rather than overdue
   * heartbeats, so the failure alone is the evidence.
   */
  async probe(e: PeerEntry, failedExchange = false): Promise<void> {
    const c = this.c;
    const version = e.record.version;
    const started = c.clock.now();
    e.probing = true;
    const ok = await this.check(e);
    e.probing = false;
    const now = c.clock.now();
    if (c.life !== 'running' || c.table.get(e.record.nodeId) !== e || e.record.version !== version || e.state !== 'alive') return;
    if (ok) {
      e.lastHeardMs = now;
      // Alive, but its heartbeats to us stopped: it picked other monitors. Its next beat to us, if any, watches it again.
      if (!failedExchange) e.watched = false;
      return;
    }
    // Lifeguard's lesson: if our own loop was stalled during the check, its failure says nothing about the peer.
    if (this.stalledSince(started)) return;
    if (!failedExchange && now - e.lastHeardMs <= this.limitOf(e)) return;
    this.suspicion.suspect(e, c.nodeId, now);
  }

  /**
   * Somebody else suspects a peer we hold: check it ourselves, and if it fails our check too,
   * become an independent accuser (a Lifeguard confirmation, which shortens the suspicion time
   * everywhere the claim arrives). A check that succeeds confirms nothing; only the peer refutes.
   */
  async confirm(e: PeerEntry): Promise<void> {
    const c = this.c;
    if (e.probing || e.record.mode !== 'server') return;
    const version = e.record.version;
    const started = c.clock.now();
    e.probing = true;
    const ok = await this.check(e);
    e.probing = false;
    if (ok || c.life !== 'running' || c.table.get(e.record.nodeId) !== e || e.record.version !== version || e.state !== 'suspect') return;
    if (this.stalledSince(started) || !e.accusers || e.accusers.has(c.nodeId)) return;
    this.suspicion.accuse(e);
  }

  private stalledSince(started: number): boolean {
    const o = this.c.options;
    return this.c.clock.now() - started > 4 * o.probeTimeoutMs + 2 * o.intervalMs;
  }

  /** A direct ping, then (if it fails) k indirect ones through random alive server peers. */
  private async check(e: PeerEntry): Promise<boolean> {
    const c = this.c;
    const o = c.options;
    let ok = false;
    if (e.record.mode === 'server') {
      c.counters.probes++;
      c.gossip.event('probes');
      const target = targetOf(e.record);
      try {
        const answer = await c.transport.ping(target, { nonce: ++this.nonce }, { timeoutMs: o.probeTimeoutMs });
        ok = answer.nodeId === target.nodeId;
      } catch {
        ok = false;
      }
      if (!ok && c.life === 'running') {
        const relays = c.table.sample(o.indirectChecks, (x) => x.state === 'alive' && x.record.mode === 'server' && x.record.nodeId !== target.nodeId);
        c.counters.indirectProbes += relays.length;
        const answers = await Promise.all(
          relays.map((r) =>
            c.transport
              .pingVia(targetOf(r.record), { target, nonce: ++this.nonce, timeoutMs: o.probeTimeoutMs }, { timeoutMs: 2 * o.probeTimeoutMs + o.probeTimeoutMs })
              .then((a) => a.reachable)
              .catch(() => false),
          ),
        );
        ok = answers.some(Boolean);
      }
      if (!ok) c.gossip.event('probe_failures');
    }
    return ok;
  }

  /** A dead or left peer past its retention: out of the table, tombstoned against stale gossip. */
  private removeEntry(e: PeerEntry): void {
    const c = this.c;
    const id = e.record.nodeId;
    c.table.delete(id);
    c.table.tombstone(id, { version: e.record.version, untilMs: c.clock.now() + c.options.tombstoneTtlMs, forced: false });
    c.seen.remember(id, e.record.version);
    c.events.emit('removed', e);
  }
}
