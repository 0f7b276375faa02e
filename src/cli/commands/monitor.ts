import { Option, type Command } from 'commander';
import { formatEventLine, type ClusterEvent, type ClusterEventType } from '../../events/cluster-event';
import type { ClusterEvent__Output } from '../../proto/generated/g2g/v1/ClusterEvent';
import { addTargetOptions, withAdmin, type TargetOptions } from './common';

interface MonitorOptions extends TargetOptions {
  backlog?: boolean;
  afterSeq?: string;
}

/**
 * `g2g monitor`: follows a node's cluster events (Admin.WatchEvents) until interrupted or the
 * node goes away, in the spirit of `serf monitor`: one line per event, or with `--json` one
 * JSON object per line (the journal's shape: seq, atMs, type, nodeId, observer, state, ...).
 */
export function monitorCommand(program: Command): void {
  addTargetOptions(program.command('monitor').description('follow a node\'s cluster events: members joining, leaving, suspected, dead, removed; rotations; joins admitted or refused'))
    .addOption(new Option('--no-backlog', 'only new events, not the node\'s recent ones'))
    .addOption(new Option('--after-seq <n>', 'only events after this sequence number (resume)'))
    .action(async (options: MonitorOptions) => {
      await withAdmin(options, async (client) => {
        const stream = client.WatchEvents({ afterSeq: Number(options.afterSeq ?? 0), noBacklog: options.backlog === false });
        const stop = () => stream.cancel();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        await new Promise<void>((resolve, reject) => {
          stream.on('data', (wire: ClusterEvent__Output) => {
            const event = fromWire(wire);
            process.stdout.write(options.json ? `${JSON.stringify(event)}\n` : `${formatEventLine(event)}\n`);
          });
          stream.on('end', () => resolve());
          stream.on('error', (error: Error & { code?: number }) => (error.code === 1 /* CANCELLED: interrupted by us */ ? resolve() : reject(error)));
        });
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      });
    });
}

export function fromWire(w: ClusterEvent__Output): ClusterEvent {
  return {
    seq: Number(w.seq),
    atMs: Number(w.atUnixMs),
    type: w.type as ClusterEventType,
    nodeId: w.nodeId,
    observer: w.observer,
    ...(w.state ? { state: w.state } : {}),
    ...(w.mode ? { mode: w.mode } : {}),
    ...(w.addresses.length > 0 ? { addresses: w.addresses } : {}),
    ...(w.by ? { by: w.by } : {}),
    ...(Number(w.leafNotAfterUnixMs) > 0 ? { leafNotAfterMs: Number(w.leafNotAfterUnixMs) } : {}),
    ...(w.code ? { code: w.code } : {}),
    ...(w.detail ? { detail: w.detail } : {}),
  };
}
