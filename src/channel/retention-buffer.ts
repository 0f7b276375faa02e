import { envelopeSize, type SignedMessage } from './message';

export interface RetentionLimits {
  /** Most messages kept. */
  maxMessages: number;
  /** Most bytes kept (protobuf size of the envelopes). */
  maxBytes: number;
  /** Longest a message is kept after it arrived (ms). */
  maxAgeMs: number;
}

interface Held {
  readonly message: SignedMessage;
  readonly atMs: number;
  readonly size: number;
}

/** Orders messages of one origin: by epoch, then seq. */
function before(a: SignedMessage, epoch: number, seq: number): boolean {
  return a.epoch < epoch || (a.epoch === epoch && a.seq < seq);
}

/**
 * The recent messages a node keeps to answer repair pulls, bounded by count, bytes and age
 * (whichever bites first; oldest arrival goes first). Indexed per origin in (epoch, seq) order,
 * so "what of origin O comes after (epoch, seq)?" costs a binary search plus the answer.
 */
export class RetentionBuffer {
  /** Arrival order; `head` is the first live slot (compacted now and then). */
  private fifo: Held[] = [];
  private head = 0;
  private readonly byOrigin = new Map<string, SignedMessage[]>();
  private totalBytes = 0;

  constructor(private readonly limits: RetentionLimits) {}

  get size(): number {
    return this.fifo.length - this.head;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Keeps `m` (already verified and new), then evicts down to the limits. */
  add(m: SignedMessage, nowMs: number): void {
    const size = envelopeSize(m);
    this.fifo.push({ message: m, atMs: nowMs, size });
    this.totalBytes += size;
    let list = this.byOrigin.get(m.origin);
    if (!list) {
      list = [];
      this.byOrigin.set(m.origin, list);
    }
    const last = list[list.length - 1];
    if (!last || before(last, m.epoch, m.seq)) list.push(m);
    else list.splice(lowerBound(list, m.epoch, m.seq), 0, m);
    this.evict(nowMs);
  }

  /** Drops what is over the limits or too old; returns how many went. */
  evict(nowMs: number): number {
    const { maxMessages, maxBytes, maxAgeMs } = this.limits;
    let evicted = 0;
    while (this.size > 0) {
      const oldest = this.fifo[this.head]!;
      if (this.size <= maxMessages && this.totalBytes <= maxBytes && nowMs - oldest.atMs <= maxAgeMs) break;
      this.fifo[this.head] = undefined as unknown as Held;
      this.head++;
      this.totalBytes -= oldest.size;
      this.unindex(oldest.message);
      evicted++;
    }
    if (this.head > 1024 && this.head * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.head);
      this.head = 0;
    }
    return evicted;
  }

  /** Origins with retained messages. */
  origins(): IterableIterator<string> {
    return this.byOrigin.keys();
  }

  /** The newest retained message of `origin`, if any. */
  newest(origin: string): SignedMessage | undefined {
    const list = this.byOrigin.get(origin);
    return list?.[list.length - 1];
  }

  /** Retained messages of `origin` after (epoch, seq), in (epoch, seq) order. */
  *after(origin: string, epoch: number, seq: number): Generator<SignedMessage> {
    const list = this.byOrigin.get(origin);
    if (!list) return;
    for (let i = lowerBound(list, epoch, seq + 1); i < list.length; i++) yield list[i]!;
  }

  private unindex(m: SignedMessage): void {
    const list = this.byOrigin.get(m.origin);
    if (!list) return;
    const i = lowerBound(list, m.epoch, m.seq);
    if (list[i] === m) list.splice(i, 1);
    if (list.length === 0) this.byOrigin.delete(m.origin);
  }
}

/** First index whose message is not before (epoch, seq). */
function lowerBound(list: readonly SignedMessage[], epoch: number, seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(list[mid]!, epoch, seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
