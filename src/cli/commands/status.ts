import type { Command } from 'commander';
import { formatTags, labelsOf } from '../../config/node-tags';
import type { StatusResponse__Output } from '../../proto/generated/g2g/v1/StatusResponse';
import { unary } from '../admin-client';
import { addTargetOptions, printJson, withAdmin, type TargetOptions } from './common';

export function statusCommand(program: Command): void {
  addTargetOptions(program.command('status').description("print a node's status (Admin.Status)")).action(async (options: TargetOptions) => {
    await withAdmin(options, async (client, timeoutMs) => {
      const status = await unary(client, 'Status', {}, timeoutMs);
      if (options.json) printJson(status);
      else process.stdout.write(formatStatus(status));
    });
  });
}

export function formatStatus(s: StatusResponse__Output): string {
  const expires = s.leaf ? new Date(s.leaf.notAfterUnixMs).toISOString() : 'none';
  const labels = labelsOf(s.tags);
  return [
    ...(s.removedBy
      ? [`REMOVED    this node was removed from the network by ${s.removedBy} at ${new Date(Number(s.removedAtUnixMs)).toISOString()}; health is NOT_SERVING; it needs a new ticket to rejoin`]
      : []),
    `node       ${s.nodeId}`,
    `name       ${labels.name || '-'}`,
    ...(labels.tags.length > 0 ? [`tags       ${formatTags(labels.tags)}`] : []),
    `cluster    ${s.cluster}`,
    `mode       ${s.mode.replace('NODE_MODE_', '').toLowerCase()}`,
    `version    ${s.version}`,
    `uptime     ${Math.round(s.uptimeMs / 1000)}s`,
    `addresses  ${s.addresses.join(', ')}`,
    `ports      register ${s.registerPort}, gossip ${s.gossipPort}${s.healthPort ? `, health ${s.healthPort}` : ''}${s.metricsPort ? `, metrics ${s.metricsPort}` : ''}`,
    `node CA    ${s.caFingerprint}`,
    `leaf       ${s.leaf?.fingerprint ?? 'none'} (expires ${expires})`,
    `rotations  ${s.rotations} (${s.rotationFailures} failed${s.lastRotationError ? `: ${s.lastRotationError}` : ''})`,
    ...(s.consecutiveRotationFailures > 0 ? [`renewal    FAILING (${s.consecutiveRotationFailures} in a row; next try ${new Date(Number(s.nextRenewalUnixMs)).toISOString()})`] : []),
    ...(s.leafExpiring ? [`serving    NOT_SERVING: the leaf expires within ${Math.round(Number(s.expiryMarginMs) / 1000)}s and was withdrawn`] : []),
    `services   ${s.services.join(', ')}`,
    `you are    ${s.caller}`,
    '',
  ].join('\n');
}
