import type { NodeRecord } from './node-record';
import { currentRecord, type PeerEntry } from './peer-table';
import type { MemberState } from './transport';

export type MembershipEventType = 'joined' | 'updated' | 'suspect' | 'alive' | 'dead' | 'left' | 'removed';

export interface MembershipEvent {
  type: MembershipEventType;
  nodeId: string;
  /** The peer's record (for 'removed', the last one known). */
  record: NodeRecord;
  state: MemberState;
  /** For suspect/dead: who accused it first; for removed: who removed it. */
  by?: string;
}

export interface MembershipLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** The listeners of membership events; a listener that throws is logged and does not stop the others. */
export class MembershipEvents {
  private readonly listeners = new Set<(e: MembershipEvent) => void>();

  constructor(private readonly log: MembershipLog | undefined) {}

  on(listener: (e: MembershipEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(type: MembershipEventType, entry: PeerEntry, by?: string): void {
    if (this.listeners.size === 0) return;
    const event: MembershipEvent = { type, nodeId: entry.record.nodeId, record: currentRecord(entry), state: entry.state, by };
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (error) {
        this.log?.warn({ err: error, event: type }, 'membership event listener threw');
      }
    }
  }
}
