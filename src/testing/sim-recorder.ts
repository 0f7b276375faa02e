import type { ClusterEvent } from '../events/cluster-event';
import { memberEvent } from '../events/membership-events';
import type { SimCluster } from './sim-cluster';

/** What a recording's first line says: enough to lay the page out and to reproduce the run. */
export interface RecordingHeader {
  format: 'g2g-recording';
  version: 1;
  seed: number;
  startMs: number;
  intervalMs: number;
  rounds: number;
  /** 'alive': every node starts knowing every other alive (a converged network). */
  initial: 'alive' | 'empty';
  /** How the run was made (command-line options), for the reader. */
  scenario: Record<string, unknown>;
  nodes: { id: string; mode: string; addresses: readonly string[] }[];
}

/**
 * Simulator-only events, beside the node's own types: a crash, a partition and its healing, and
 * a rumour (a node changed its record; the others' `member_updated` events show it spreading).
 */
export type RecordedEvent = Omit<ClusterEvent, 'type'> & { type: ClusterEvent['type'] | 'sim_crash' | 'sim_partition' | 'sim_heal' | 'sim_rumour' };

/**
 * Records what every simulated node saw (its membership events, as a node's journal holds them,
 * with `observer` set to that node) and what the scenario did to the network, in order, as JSON
 * lines after a header: the file `g2g replay` plays. Events are kept in memory (a 200-node run
 * with a crash is a few thousand lines) and written out by `lines()`.
 */
export class SimRecorder {
  private readonly events: RecordedEvent[] = [];
  private seq = 0;

  constructor(private readonly cluster: SimCluster) {}

  /** Follows every node in the cluster now (call after adding them). */
  attach(): void {
    for (const node of this.cluster.nodes) {
      node.membership.onEvent((event) => {
        // Heartbeat-free record updates are not changes a viewer follows; leaf rotations are.
        this.push({ ...memberEvent(event), observer: node.id });
      });
    }
  }

  crash(nodeId: string): void {
    this.push({ type: 'sim_crash', nodeId, observer: '' });
  }

  partition(groups: readonly (readonly string[])[]): void {
    this.push({ type: 'sim_partition', nodeId: '', observer: '', detail: groups.map((g) => g.length).join('/') });
  }

  rumour(nodeId: string): void {
    this.push({ type: 'sim_rumour', nodeId, observer: '' });
  }

  heal(): void {
    this.push({ type: 'sim_heal', nodeId: '', observer: '' });
  }

  get count(): number {
    return this.events.length;
  }

  private push(event: Omit<RecordedEvent, 'seq' | 'atMs'>): void {
    this.events.push({ seq: ++this.seq, atMs: this.cluster.scheduler.now(), ...event } as RecordedEvent);
  }

  /** The recording: header line, then one line per event. */
  lines(header: Omit<RecordingHeader, 'format' | 'version' | 'nodes'>): string {
    const full: RecordingHeader = {
      format: 'g2g-recording',
      version: 1,
      ...header,
      nodes: this.cluster.nodes.map((n) => ({ id: n.id, mode: n.mode, addresses: n.membership.localRecord().addresses })),
    };
    return [JSON.stringify(full), ...this.events.map((e) => JSON.stringify(compact(e)))].join('\n') + '\n';
  }
}

/** Drops what a replay does not use (addresses and leaf expiry are in the header). */
function compact(e: RecordedEvent): Partial<RecordedEvent> {
  const { addresses: _a, leafNotAfterMs: _l, mode: _m, ...rest } = e;
  return rest;
}
