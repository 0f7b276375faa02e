import type { Command } from 'commander';
import type { PeersResponse__Output } from '../../proto/generated/g2g/v1/PeersResponse';
import { unary } from '../admin-client';
import { addTargetOptions, printJson, withAdmin, type TargetOptions } from './common';

export function peersCommand(program: Command): void {
  addTargetOptions(program.command('peers').description('the client pool: latency groups, per-peer latency figures and the query order')).action(
    async (options: TargetOptions) => {
      await withAdmin(options, async (client, timeoutMs) => {
        const response = await unary(client, 'Peers', {}, timeoutMs);
        if (options.json) printJson(response);
        else process.stdout.write(formatPeers(response));
      });
    },
  );
}

const ms = (x: number | undefined) => (x === undefined ? '-' : `${x.toFixed(2)} ms`);

export function formatPeers(r: PeersResponse__Output): string {
  const lines: string[] = [];
  for (const g of r.groups) {
    lines.push(`group ${g.id}  ~${g.labelMs.toFixed(2)} ms  (${g.members.length} peer${g.members.length === 1 ? '' : 's'})`);
    for (const id of g.members) {
      const p = r.peers.find((x) => x.nodeId === id);
      lines.push(
        `  ${id}  latency ${ms(p?.latencyMs)}  p95 ${ms(p?.p95Ms)}  ewma ${ms(p?.ewmaMs)}  mean ${ms(p?.meanMs)}  samples ${p?.samples ?? 0}  errors ${p?.errors ?? 0}  in flight ${p?.inFlight ?? 0}`,
      );
    }
  }
  if (r.groups.length === 0) lines.push('no peers measured yet');
  lines.push(`query order: ${r.queryOrder.join(' ') || '-'}`);
  return `${lines.join('\n')}\n`;
}
