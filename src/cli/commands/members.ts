import type { Command } from 'commander';
import type { MemberInfo__Output } from '../../proto/generated/g2g/v1/MemberInfo';
import type { MembersResponse__Output } from '../../proto/generated/g2g/v1/MembersResponse';
import { unary } from '../admin-client';
import { addTargetOptions, printJson, withAdmin, type TargetOptions } from './common';

export function membersCommand(program: Command): void {
  addTargetOptions(program.command('members').description('list every peer a node knows: mode, addresses, state, last heard, version, leaf, suspicion')).action(
    async (options: TargetOptions) => {
      await withAdmin(options, async (client, timeoutMs) => {
        const response = await unary<object, MembersResponse__Output>(client, client.Members, {}, timeoutMs);
        if (options.json) printJson(response);
        else process.stdout.write(formatMembers(response, Date.now()));
      });
    },
  );
}

export function formatMembers(response: MembersResponse__Output, now: number): string {
  const rows = [response.self, ...response.members].filter((m): m is MemberInfo__Output => m !== null);
  const header = ['NODE', 'MODE', 'STATE', 'ADDRESSES', 'HEARD', 'VERSION', 'LEAF', 'LEAF EXPIRES', 'SUSPECTED BY'];
  const lines = rows.map((m) => [
    m === response.self ? `${m.nodeId} (self)` : m.nodeId,
    m.mode.replace('NODE_MODE_', '').toLowerCase(),
    m.state.replace('MEMBER_STATE_', '').toLowerCase(),
    `${m.addresses.join(',')}:${m.gossipPort}`,
    m === response.self ? '-' : `${Math.max(0, Math.round((now - Number(m.lastHeardUnixMs)) / 100) / 10)}s ago`,
    String(m.version),
    leafColumn(m, m === response.self),
    m.leaf ? new Date(Number(m.leaf.notAfterUnixMs)).toISOString() : '-',
    m.suspectedBy ? `${m.suspectedBy.slice(0, 12)} at ${new Date(Number(m.suspectedAtUnixMs)).toISOString()}` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[format(header), ...lines.map(format)].join('\n')}\n`;
}

/**
 * The peer's current leaf (a fingerprint prefix, like git's short hashes), marked `*` while this
 * node's connection to it still runs on an older leaf it verified (recycling is on the way).
 */
function leafColumn(m: MemberInfo__Output, self: boolean): string {
  const fingerprint = m.leaf?.fingerprint ?? '';
  if (!fingerprint) return '-';
  const short = fingerprint.replace(/^sha256:/, '').slice(0, 12);
  const verified = m.verifiedLeafFingerprint;
  return self || !verified || verified === fingerprint ? short : `${short}*`;
}
