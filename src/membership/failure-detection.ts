import type { MembershipCore } from './membership-core';
import type { PeerEntry } from './peer-table';
import type { Suspicion } from './suspicion';
import { targetOf } from './transport';

/** What one check of a peer found (`FailureDetection.check`). */
interface CheckOutcome {
  ok: boolean;
  relays: number;
  nacks: number;
  stalled: boolean;
}

/** A local stall longer than this many intervals is discounted from every peer's silence. */
export const STALL_INTERVALS = 2;

/**
 * Failure detection: each interval, every alive peer whose heartbeat is overdue
 * against its own limit (failure-detector.ts) is checked directly, then through k others
 * (SWIM's indirect probe); failing both, it is suspected. Dead and left peers are removed after
 * their retention. Checks that overlapped a stall of our own loop prove nothing, and while our
 * local health is poor (local-health.ts) limits and timeouts stretch and we suspect no one.
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
        // A node of poor local health hears everyone late: it stretches every limit.
        if (!e.probing && now - e.lastHeardMs > this.c.health.scale(this.limitOf(e))) overdue.push(e);
      } else if (e.state === 'dead') {
        if (now - e.stateSinceMs > o.deadRetentionMs) expired.push(e);
      } else if (e.state === 'left') {
        if (now - e.stateSinceMs > o.leftRetentionMs) expired.push(e);
      }
    }
    for (const e of expired) this.removeEntry(e);
    for (const e of overdue) void this.probe(e);
  }

  /** Direct ping, then k indirect pings; failing both, suspect. Clients cannot be pinged: overdue means suspect. */
  async probe(e: PeerEntry): Promise<void> {
    const c = this.c;
    const version = e.record.version;
    const started = c.clock.now();
    e.probing = true;
    const outcome = await this.check(e);
    e.probing = false;
    const now = c.clock.now();
    if (c.life !== 'running' || c.table.get(e.record.nodeId) !== e || e.record.version !== version || e.state !== 'alive') return;
    if (outcome.ok) {
      e.lastHeardMs = now;
      return;
    }
    // Lifeguard's lesson: if our own loop was stalled during the check, its failure says nothing about the peer.
    if (outcome.stalled || this.stalledSince(started)) return;
    // Decided on the health we had before this check's own evidence, so that a peer whose relays
    // all answer "unreachable" (or a lone peer, with no relay to ask) is suspected at once; when
    // no relay answered at all, the silence is more likely ours than the peer's.
    const healthy = c.health.healthy;
    if (e.record.mode === 'server') {
      c.health.probeFailed(outcome.relays, outcome.nacks);
      if (c.health.enabled && outcome.relays > 0 && outcome.nacks === 0) return;
    }
    if (!healthy) return;
    if (now - e.lastHeardMs <= c.health.scale(this.limitOf(e))) return;
    this.suspicion.suspect(e, c.nodeId, now);
  }

  /**
   * Somebody else suspects a peer we hold: check it ourselves, and if it fails our check too,
   * become an independent accuser (a Lifeguard confirmation, which shortens the suspicion time
   * everywhere the claim arrives). A check that succeeds confirms nothing; only the peer refutes.
   * A node of poor local health accuses no one.
   */
  async confirm(e: PeerEntry): Promise<void> {
    const c = this.c;
    if (e.probing || e.record.mode !== 'server') return;
    const version = e.record.version;
    const started = c.clock.now();
    e.probing = true;
    const outcome = await this.check(e);
    e.probing = false;
    if (outcome.ok || c.life !== 'running' || c.table.get(e.record.nodeId) !== e || e.record.version !== version || e.state !== 'suspect') return;
    if (outcome.stalled || this.stalledSince(started) || !e.accusers || e.accusers.has(c.nodeId)) return;
    const healthy = c.health.healthy;
    c.health.probeFailed(outcome.relays, outcome.nacks);
    if (!healthy || (c.health.enabled && outcome.relays > 0 && outcome.nacks === 0)) return;
    this.suspicion.accuse(e);
  }

  private stalledSince(started: number): boolean {
    const o = this.c.options;
    return this.c.clock.now() - started > 4 * o.probeTimeoutMs + 2 * o.intervalMs;
  }

  /**
   * A direct ping, then (if it fails) k indirect ones through random alive server peers, each
   * with its timeout stretched by our local health. `relays` asked, `nacks` of them answered that
   * the peer was unreachable. `stalled`: a deadline of ours fired well after it was due, so our
   * own loop stalled meanwhile and the failure proves nothing (the stall feeds our local health).
   */
  private async check(e: PeerEntry): Promise<CheckOutcome> {
    const c = this.c;
    const o = c.options;
    const outcome: CheckOutcome = { ok: false, relays: 0, nacks: 0, stalled: false };
    if (e.record.mode !== 'server') return outcome;
    c.counters.probes++;
    c.gossip.event('probes');
    const target = targetOf(e.record);
    const timeoutMs = c.health.scale(o.probeTimeoutMs);
    let started = c.clock.now();
    try {
      const answer = await c.transport.ping(target, { nonce: ++this.nonce }, { timeoutMs });
      outcome.ok = answer.nodeId === target.nodeId;
    } catch {
      outcome.ok = false;
    }
    if (outcome.ok) {
      c.health.probeAnswered();
      return outcome;
    }
    if (this.late(started, timeoutMs, outcome) || c.life !== 'running') return outcome;
    const relays = c.table.sample(o.indirectChecks, (x) => x.state === 'alive' && x.record.mode === 'server' && x.record.nodeId !== target.nodeId);
    c.counters.indirectProbes += relays.length;
    outcome.relays = relays.length;
    started = c.clock.now();
    // The relay pings the target within `timeoutMs`, then answers us: our deadline covers both legs.
    const relayTimeoutMs = 3 * timeoutMs;
    const answers = await Promise.all(
      relays.map((r) =>
        c.transport
          .pingVia(targetOf(r.record), { target, nonce: ++this.nonce, timeoutMs }, { timeoutMs: relayTimeoutMs })
          .then((a) => (a.reachable ? 'ack' : 'nack'))
          .catch(() => 'silent'),
      ),
    );
    outcome.ok = answers.includes('ack');
    outcome.nacks = answers.filter((a) => a === 'nack').length;
    if (!outcome.ok && !this.late(started, relayTimeoutMs, outcome)) c.gossip.event('probe_failures');
    return outcome;
  }

  /**
   * True (and the stall noted in our local health) when a step that should have ended by its
   * `timeoutMs` deadline ended more than half a timeout after it: our deadline timer fired late.
   */
  private late(started: number, timeoutMs: number, outcome: CheckOutcome): boolean {
    const over = this.c.clock.now() - started - timeoutMs;
    if (!this.c.health.enabled || over <= timeoutMs / 2) return false;
    outcome.stalled = true;
    this.c.health.stalled(over);
    return true;
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
