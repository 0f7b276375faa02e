import type { Clock } from '../util/clock';
import type { Random } from '../util/random';
import type { GossipCounters } from './gossip-counters';
import type { LocalHealth } from './local-health';
import type { LocalRecord } from './local-record';
import type { MembershipEvents, MembershipLog } from './membership-events';
import type { MembershipRumours } from './membership-rumours';
import type { MembershipOptions } from './options';
import type { PeerTable } from './peer-table';
import type { RecordAuthenticator } from './record-authenticator';
import type { SeenVersions } from './seen-versions';
import type { Transport } from './transport';

export type LifeState = 'new' | 'running' | 'leaving' | 'stopped';

/** Operation counts since start (`Membership.stats()`). */
export interface OperationCounters {
  exchangesSent: number;
  exchangesFailed: number;
  exchangesServed: number;
  probes: number;
  indirectProbes: number;
  refutations: number;
}

/**
 * What the parts of one node's membership share: the injected collaborators, the peer table,
 * the local record, rumours, seen versions, events, counters and the life state. Built once by
 * the Membership facade; each part takes it (or the fields it needs) instead of the facade.
 */
export interface MembershipCore {
  readonly options: MembershipOptions;
  readonly nodeId: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly transport: Transport;
  readonly auth: RecordAuthenticator;
  readonly log: MembershipLog | undefined;
  readonly table: PeerTable;
  readonly local: LocalRecord;
  readonly rumours: MembershipRumours;
  readonly seen: SeenVersions;
  readonly events: MembershipEvents;
  readonly counters: OperationCounters;
  /** Messages, bytes and protocol decisions, for metrics and the simulator's report. */
  readonly gossip: GossipCounters;
  readonly life: LifeState;
  /** How far this node trusts its own failure detector right now (local health awareness). */
  readonly health: LocalHealth;
  /** A direct exchange with `id` succeeded, either way. */
  touchDirect(id: string): void;
}
