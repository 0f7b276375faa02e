import type { Logger } from '../log/logger';
import { describeEvent, type ClusterEvent } from './cluster-event';
import type { EventJournal } from './event-journal';

/**
 * Member changes logged once each, at info, in plain words ("member is suspect"); a record
 * update (leaf rotation, new services) at debug. Rotations and joins are not logged here: the
 * rotators and the register port log them already, and one fact gets one line.
 */
export function logEvents(journal: EventJournal, log: Logger): () => void {
  return journal.follow((event) => {
    if (!event.type.startsWith('member_')) return;
    const level = event.type === 'member_updated' ? 'debug' : 'info';
    log[level](fields(event), describeEvent(event));
  });
}

function fields(event: ClusterEvent): Record<string, unknown> {
  return {
    event: event.type,
    nodeId: event.nodeId,
    state: event.state,
    mode: event.mode,
    addresses: event.addresses,
    ...(event.by ? { by: event.by } : {}),
  };
}
