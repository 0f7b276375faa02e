import type { Clock, TimerHandle } from '../util/clock';

interface Event {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A discrete-event scheduler for simulations: a binary heap of (time, sequence) so that 10^6
 * pending timers cost O(log n) each (ManualClock scans an array). Cancelled events are skipped
 * lazily. Promise continuations are drained after each instant (`setImmediate` runs only once
 * the microtask queue is empty), so async protocol code sees time stand still while it reacts.
 */
export class EventScheduler implements Clock {
  private heap: Event[] = [];
  private seq = 0;
  private nowMs: number;
  private running = false;

  constructor(startMs = 0) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.at(this.nowMs + Math.max(0, ms), fn);
  }

  /** Schedules `fn` at absolute time `atMs` (not before now). */
  at(atMs: number, fn: () => void): TimerHandle {
    const ev: Event = { at: Math.max(this.nowMs, atMs), seq: this.seq++, fn, cancelled: false };
    this.push(ev);
    return {
      cancel: () => {
        ev.cancelled = true;
      },
    };
  }

  get pending(): number {
    return this.heap.length;
  }

  /** Runs every event due up to now + ms (and what they schedule within it), then sets the time to now + ms. */
  async run(ms: number): Promise<void> {
    await this.runUntil(this.nowMs + ms);
  }

  async runUntil(endMs: number): Promise<void> {
    if (this.running) throw new Error('the scheduler is already running');
    this.running = true;
    try {
      for (;;) {
        const top = this.heap[0];
        if (!top || top.at > endMs) break;
        const t = top.at;
        this.nowMs = t;
        while (this.heap.length > 0 && this.heap[0]!.at === t) {
          const ev = this.pop();
          if (!ev.cancelled) ev.fn();
        }
        await drainMicrotasks();
      }
      this.nowMs = Math.max(this.nowMs, endMs);
      await drainMicrotasks();
    } finally {
      this.running = false;
    }
  }

  private push(ev: Event): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(ev, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = ev;
  }

  private pop(): Event {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function before(a: Event, b: Event): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
