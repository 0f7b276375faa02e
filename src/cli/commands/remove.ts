import { Option, type Command } from 'commander';
import type { MemberInfo__Output } from '../../proto/generated/g2g/v1/MemberInfo';
import { isNodeId } from '../../identity/node-id';
import { unary } from '../admin-client';
import { resolveMember } from '../target';
import { addTargetOptions, printJson, withAdmin, type TargetOptions } from './common';

export function removeCommand(program: Command): void {
  addTargetOptions(
    program
      .command('remove')
      .argument('<node>', 'the member to remove: its id, a unique id prefix (4+ characters), its name, or a key=value tag that one member has')
      .description('remove a member from the network (Admin.Remove): gossiped, its CA untrusted and its calls refused everywhere; it can rejoin only with a new ticket'),
  )
    .addOption(new Option('--reason <text>', 'why (kept in the node log)'))
    .action(async (target: string, options: TargetOptions & { reason?: string }) => {
      await withAdmin(options, async (client, timeoutMs) => {
        const view = await unary(client, 'Members', {}, timeoutMs);
        const members = view.members.filter((m): m is MemberInfo__Output => m !== null);
        // A full id the node does not hold can still be removed (a removal reaches members that hold it).
        const nodeId = isNodeId(target) && !members.some((m) => m.nodeId === target) ? target : resolveMember(target, members).nodeId;
        const result = await unary(client, 'Remove', { nodeId, reason: options.reason ?? '' }, timeoutMs);
        if (options.json) printJson(result);
        else process.stdout.write(`removed ${result.nodeId} (signed by ${result.removedBy}${result.wasKnown ? '' : '; it was not in this node\'s table'})\n`);
      });
    });
}
