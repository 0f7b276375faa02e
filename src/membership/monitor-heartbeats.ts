import { HeartbeatStats } from './failure-detector';
import type { MembershipCore } from './membership-core';
import { idHash, type PeerEntry } from './peer-table';
import { targetOf, type GossipTarget, type MonitorBeat } from './transport';

/**
 * The K peers that watch `self`: the alive server-mode peers that follow `selfHash` on a ring of
 * id hashes (Akka's heartbeat ring, with each node's own table as its ring). A ring rather than a
 * random pick keeps the set stable: a peer joining or leaving moves at most one monitor, so a
 * monitor's per-peer limit keeps its history. O(table · K).
 */
export function pickMonitors(selfHash: number, entries: Iterable<PeerEntry>, k: number): PeerEntry[] {
  const picked: { e: PeerEntry; d: number }[] = [];
  if (k <= 0) return [];
  for (const e of entries) {
    if (e.state !== 'alive' || e.record.mode !== 'server') continue;
    e.ringHash ??= idHash(e.record.nodeId);
    const d = (e.ringHash - selfHash) >>> 0;
    if (picked.length === k && d >= picked[k - 1]!.d) continue;
    let i = Math.min(picked.length, k - 1);
    picked[i] = { e, d };
    while (i > 0 && picked[i - 1]!.d > d) {
      [picked[i - 1], picked[i]] = [picked[i]!, picked[i - 1]!];
      i--;
    }
  }
  return picked.map((p) => p.e);
}

/**
 * Heartbeats sent straight to a few monitors instead of gossiped to everyone: the cost of
 * failure detection per node is K small pings per interval, whatever N. Each interval this node
 * pings its K monitors with its heartbeat counter (`PingRequest.beat`, unsigned: the channel's
 * certificate proves the sender, and a beat is never relayed); each monitor times out only the
 * peers that send it beats, with the per-peer limit of failure-detector.ts. A monitor that does
 * not hold the sender's record at that version answers `wantRecord`, and the sender delivers its
 * record in an exchange (a direct caller always enters a bounded table).
 */
export class MonitorHeartbeats {
  private nonce = 0;
  private readonly selfHash: number;
  /** Monitors our record is on its way to (one exchange at a time each). */
  private readonly delivering = new Set<string>();

  constructor(
    private readonly c: MembershipCore,
    /** Sends our record to a monitor that lacks it (an exchange carrying our record as sender). */
    private readonly deliverRecord: (target: GossipTarget) => Promise<void>,
  ) {
    this.selfHash = idHash(c.nodeId);
  }

  /** Our monitors now. */
  monitors(): PeerEntry[] {
    return pickMonitors(this.selfHash, this.c.table.values(), this.c.options.monitors);
  }

  /** This interval's heartbeat to each monitor. */
  beat(): void {
    const c = this.c;
    const beat: MonitorBeat = { version: c.local.version, heartbeat: c.local.heartbeat };
    for (const m of this.monitors()) {
      const target = targetOf(m.record);
      c.transport
        .ping(target, { nonce: ++this.nonce, beat }, { timeoutMs: c.options.probeTimeoutMs })
        .then((answer) => {
          if (answer.wantRecord && answer.nodeId === target.nodeId) this.deliver(target);
        })
        // A monitor that does not answer is some other monitor's business.
        .catch(() => undefined);
    }
  }

  /**
   * A heartbeat from `from` (authenticated by the channel). Returns true when the sender should
   * exchange with us: we lack its record at that version, or we hold it suspect or dead at that
   * version (the exchange's answer carries our claim, and it refutes).
   */
  receive(from: string, beat: MonitorBeat): boolean {
    const c = this.c;
    const now = c.clock.now();
    const e = c.table.get(from);
    if (!e) return !c.table.refuses(from, beat.version, now);
    if (beat.version > e.record.version) return true;
    // It is behind its own record (it restarted): its exchanges hand it the newer one.
    if (beat.version < e.record.version || e.state === 'left') return false;
    c.touchDirect(from);
    if (beat.heartbeat > e.pulse) {
      if (e.watched) e.stats.addGap(now - e.lastBeatMs);
      else {
        // Gaps from before we watched it (relayed heartbeats, or none) say nothing of its beats to us.
        e.watched = true;
        e.stats = new HeartbeatStats();
      }
      e.pulse = beat.heartbeat;
      e.lastBeatMs = now;
      e.lastHeardMs = now;
    }
    return e.state === 'suspect' || e.state === 'dead';
  }

  private deliver(target: GossipTarget): void {
    const id = target.nodeId;
    if (this.delivering.has(id)) return;
    this.delivering.add(id);
    this.deliverRecord(target)
      .catch(() => undefined)
      .finally(() => this.delivering.delete(id));
  }
}
