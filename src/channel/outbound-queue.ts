import { envelopeSize, type SignedMessage } from './message';

/** A message waiting to be pushed to `fanout` peers. */
export interface Outbound {
  readonly message: SignedMessage;
  readonly size: number;
  /** Peers that need not get it from us: its origin and the peer that gave it to us. */
  readonly exclude: readonly string[];
  /** Peers it was sent to. */
  readonly sentTo: string[];
}

export interface QueueLimits {
  /** Own publishes wait while this many messages are queued (backpressure). */
  maxMessages: number;
  /** …or while this many bytes are queued. */
  maxBytes: number;
}

/**
 * The messages a node still has to push, oldest first. Publishing waits for room (FIFO) instead
 * of growing memory: `reserve()` resolves once the queue is under its limits. Relayed messages
 * never wait (the network cannot be paused) but are refused beyond twice the limits; the peers
 * that miss them repair by pulling.
 */
export class OutboundQueue {
  private entries: Outbound[] = [];
  private bytes = 0;
  /** Slots promised to publishes that are still being signed. */
  private reserved = 0;
  private readonly waiters: { resolve(): void; reject(error: unknown): void }[] = [];

  constructor(private readonly limits: QueueLimits) {}

  get length(): number {
    return this.entries.length;
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  /** Callers waiting for room. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves when an own publish may enter the queue (and holds its slot until `release` or `add`). */
  reserve(): Promise<void> {
    if (this.waiters.length === 0 && this.hasRoom()) {
      this.reserved++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Gives back a reserved slot (the publish failed before it was queued). */
  release(): void {
    this.reserved = Math.max(0, this.reserved - 1);
    this.wake();
  }

  /** Queues an own message into its reserved slot. */
  addReserved(message: SignedMessage, exclude: readonly string[]): Outbound {
    this.reserved = Math.max(0, this.reserved - 1);
    return this.push(message, exclude);
  }

  /** Queues a relayed message unless the queue is over twice its limits; false when refused. */
  tryAddRelay(message: SignedMessage, exclude: readonly string[]): boolean {
    const { maxMessages, maxBytes } = this.limits;
    if (this.entries.length + this.reserved >= 2 * maxMessages || this.bytes >= 2 * maxBytes) return false;
    this.push(message, exclude);
    return true;
  }

  /** The queue, oldest first (read-only use: batching). */
  view(): readonly Outbound[] {
    return this.entries;
  }

  /** Drops entries for which `done` holds, and lets waiting publishes in. */
  removeWhere(done: (e: Outbound) => boolean): number {
    const before = this.entries.length;
    const kept: Outbound[] = [];
    for (const e of this.entries) {
      if (done(e)) this.bytes -= e.size;
      else kept.push(e);
    }
    this.entries = kept;
    this.wake();
    return before - kept.length;
  }

  /** Rejects every waiting publish (the channel stopped) and empties the queue. */
  close(error: unknown): void {
    this.entries = [];
    this.bytes = 0;
    this.reserved = 0;
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  private push(message: SignedMessage, exclude: readonly string[]): Outbound {
    const entry: Outbound = { message, size: envelopeSize(message), exclude, sentTo: [] };
    this.entries.push(entry);
    this.bytes += entry.size;
    return entry;
  }

  private hasRoom(): boolean {
    return this.entries.length + this.reserved < this.limits.maxMessages && this.bytes < this.limits.maxBytes;
  }

  private wake(): void {
    while (this.waiters.length > 0 && this.hasRoom()) {
      this.reserved++;
      this.waiters.shift()!.resolve();
    }
  }
}
