import type { Logger } from '../log/logger';
import type { Membership } from '../membership/membership';
import type { PeerClients } from '../transport/peer-clients';
import type { Clock } from '../util/clock';
import { repeatingTask, type RepeatingTask } from '../util/repeating-task';

export interface DepartedChannelSweepComponents {
  clock: Clock;
  log: Logger;
  clients: Pick<PeerClients, 'sweep'>;
  /** Membership once started, else undefined (nothing to sweep yet). */
  membership(): Pick<Membership, 'stateOf' | 'isTombstoned'> | undefined;
}

/**
 * Every `everyMs`, closes the channels to peers that left or were removed (see PeerClients.sweep):
 * a peer that left keeps no connection of ours open. Dead peers keep theirs: membership still
 * tries to reach them, and a dead peer that answers again is alive.
 */
export function departedChannelSweep(c: DepartedChannelSweepComponents, everyMs: number): RepeatingTask {
  return repeatingTask(
    c.clock,
    () => {
      const membership = c.membership();
      if (!membership) return;
      const closed = c.clients.sweep((nodeId) => {
        const state = membership.stateOf(nodeId);
        return state === 'left' || (state === undefined && membership.isTombstoned(nodeId));
      });
      if (closed > 0) c.log.debug({ closed }, 'closed channels to departed peers');
    },
    everyMs,
    { onError: (error) => c.log.warn({ err: (error as Error).message }, 'sweeping the channels of departed peers failed') },
  );
}
