import { ListenerSet } from '../util/listener-set';
import type { ClusterEvent } from './cluster-event';

export type NewClusterEvent = Omit<ClusterEvent, 'seq' | 'atMs' | 'observer'>;
export type EventListener = (event: ClusterEvent) => void;

/**
 * The node's recent events: a bounded backlog (the oldest go first) and live listeners. A
 * watcher asks for the backlog after the last sequence number it saw, then follows; one that
 * falls further behind than the backlog misses the oldest, and the gap in `seq` says so.
 */
export class EventJournal {
  private readonly backlog: ClusterEvent[] = [];
  private readonly listeners = new ListenerSet<[ClusterEvent]>((error) => this.c.onListenerError?.(error));
  private seq = 0;

  constructor(
    private readonly c: { observer: () => string; now: () => number; onListenerError?: (error: unknown) => void },
    private readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`event backlog must hold at least one event, not ${capacity}`);
  }

  record(event: NewClusterEvent): ClusterEvent {
    const full: ClusterEvent = { seq: ++this.seq, atMs: this.c.now(), observer: this.c.observer(), ...event };
    this.backlog.push(full);
    if (this.backlog.length > this.capacity) this.backlog.shift();
    this.listeners.emit(full);
    return full;
  }

  /** Backlog events with `seq` above `afterSeq` (all of it for 0), oldest first. */
  since(afterSeq = 0): ClusterEvent[] {
    return this.backlog.filter((e) => e.seq > afterSeq);
  }

  /** The backlog after `afterSeq` and then every new event; returns the unsubscribe. */
  follow(listener: EventListener, afterSeq?: number): () => void {
    if (afterSeq !== undefined) for (const event of this.since(afterSeq)) listener(event);
    return this.listeners.add(listener);
  }

  get lastSeq(): number {
    return this.seq;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
