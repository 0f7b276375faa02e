import type { Logger, Clock, TimerHandle, Random } from 'g2g';
import { syncWith, type SyncLimits, type SyncOutcome, type SyncPeer } from './anti-entropy';
import type { Replica } from './replica';

export interface SyncLoopComponents {
  replica: Replica;
  clock: Clock;
  random: Random;
  log: Logger;
  /** Members to sync with now (alive, server mode, serving kv). */
  candidates(): string[];
  /** A sync client for `nodeId`, or undefined if it cannot be reached. */
  peer(nodeId: string): SyncPeer | undefined;
}

export interface SyncLoopOptions {
  /** Mean time between rounds (each is jittered ±25 %). */
  intervalMs: number;
  tombstoneRetentionMs: number;
  /** Delay before a round with a member that just came back (lets its connection settle). */
  soonMs: number;
  /** Message-size bounds of a round. */
  limits: SyncLimits;
}

/**
 * Runs anti-entropy rounds: one at start (a restarted node catches up at once), one with each
 * member that joins or comes back (a healed partition), and one every interval with the next
 * member in a rotation, so over time every pair of nodes is compared. Rounds never overlap.
 * Collects expired tombstones on every tick.
 */
export class SyncLoop {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private readonly soon: string[] = [];
  private rotation = 0;
  private stopped = true;

  constructor(
    private readonly c: SyncLoopComponents,
    private readonly options: SyncLoopOptions,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Syncs with `nodeId` shortly, ahead of the rotation. */
  requestSoon(nodeId: string): void {
    if (this.stopped || this.soon.includes(nodeId)) return;
    this.soon.push(nodeId);
    this.schedule(this.options.soonMs);
  }

  /**
   * Whether this node has completed a round within half the tombstone retention, so the
   * tombstones it may lack cannot yet have been collected anywhere.
   */
  authoritative(): boolean {
    const last = this.c.replica.lastSyncMs;
    return last > 0 && this.c.replica.hlc.physicalNow() - last <= this.options.tombstoneRetentionMs / 2;
  }

  /** Stops scheduling and waits for a round in progress. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.running;
  }

  /** One round now (with a requested member first, else the next in the rotation). */
  async runRound(): Promise<SyncOutcome | undefined> {
    this.c.replica.collectTombstones();
    const candidates = this.c.candidates();
    if (candidates.length === 0) return undefined;
    let target: string | undefined;
    while (this.soon.length > 0 && target === undefined) {
      const id = this.soon.shift()!;
      if (candidates.includes(id)) target = id;
    }
    target ??= [...candidates].sort()[this.rotation++ % candidates.length]!;
    const peer = this.c.peer(target);
    if (!peer) return undefined;
    const started = this.c.replica.hlc.physicalNow();
    const last = this.c.replica.lastSyncMs;
    const stale = started - last > this.options.tombstoneRetentionMs / 2;
    try {
      const outcome = await syncWith(peer, {
        state: this.c.replica.state,
        apply: (entries) => this.c.replica.applyRemote(entries, target).then(() => undefined),
        forget: (keys) => this.c.replica.forget(keys),
      }, { limits: this.options.limits, ...(stale ? { staleBeforeMs: last } : {}) });
      await this.c.replica.recordSync(started);
      if (outcome.differingBuckets > 0) this.c.log.debug({ peer: target, ...outcome }, 'anti-entropy round');
      if (outcome.forgotten > 0) this.c.log.info({ peer: target, forgotten: outcome.forgotten }, 'dropped entries deleted while this node was away');
      return outcome;
    } catch (error) {
      this.c.log.debug({ peer: target, err: error }, 'anti-entropy round failed; another peer next time');
      return undefined;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer?.cancel();
    this.timer = this.c.clock.setTimeout(() => this.tick(), delayMs);
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    if (this.running) {
      this.schedule(this.options.soonMs);
      return;
    }
    this.running = this.runRound()
      .then(() => undefined)
      .finally(() => {
        this.running = undefined;
        const jitter = 0.75 + this.c.random.next() * 0.5;
        this.schedule(this.soon.length > 0 ? this.options.soonMs : this.options.intervalMs * jitter);
      });
  }
}
