import type { Logger } from '../log/logger';
import type { Membership } from '../membership/membership';
import type { Clock } from '../util/clock';
import { KNOWN_PEERS_FILE, readKnownPeers, writeKnownPeers, type KnownPeersRead } from './known-peers';

export interface KnownPeersSaverComponents {
  dataDir: string;
  clock: Clock;
  log: Logger;
  /** Membership once started, else undefined (nothing to save yet). */
  membership(): Pick<Membership, 'members' | 'localRecord' | 'removals'> | undefined;
}

/**
 * What survives a restart (`membership.json`): read once at start (an unreadable file is moved
 * aside and said once), saved periodically, on leave and on every removal.
 */
export class KnownPeersSaver {
  constructor(private readonly c: KnownPeersSaverComponents) {}

  /** What the last run saved; an unreadable file is warned about here (its peers are lost). */
  async load(): Promise<KnownPeersRead> {
    const known = await readKnownPeers(this.c.dataDir, () => this.c.clock.now());
    if (known.corrupt) {
      this.c.log.warn(
        { file: KNOWN_PEERS_FILE, movedTo: known.corrupt.movedTo, reason: known.corrupt.reason },
        `${KNOWN_PEERS_FILE} in the data dir is unreadable (${known.corrupt.reason})${known.corrupt.movedTo ? `; moved it to ${known.corrupt.movedTo}` : ''}: the peers of the last run are lost, so this node joins through its ticket or services, and without either it runs alone`,
      );
    }
    return known;
  }

  /** Saves our record's version, the peers we know and the removals we hold; a failure is a warning. */
  async save(): Promise<void> {
    const membership = this.c.membership();
    if (!membership) return;
    // Dead members too: a node that was cut off (it holds everyone dead) and then stopped must
    // still come back through the peers it knew, not as a first node. Departed ones are gone.
    const peers = membership
      .members()
      .filter((m) => m.state !== 'left')
      .map((m) => m.record);
    await writeKnownPeers(this.c.dataDir, { version: membership.localRecord().version, peers, removals: membership.removals() }).catch((error: unknown) =>
      this.c.log.warn({ err: (error as Error).message }, 'could not save known peers'),
    );
  }
}

/**
 * The version our record starts at: newer than anything of ours still in circulation. With the
 * file lost, the last version is unknown: the clock (ms) is past any count of changes.
 */
export function restartVersion(known: KnownPeersRead, nowMs: number): number {
  return known.corrupt ? Math.max(known.version + 1, Math.floor(nowMs)) : known.version + 1;
}
