import { Option, type Command } from 'commander';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { MemberInfo__Output } from '../../proto/generated/g2g/v1/MemberInfo';
import { RemoteCallError } from '../../transport/call-errors';
import { unary } from '../admin-client';
import { TargetError } from '../cli-error';
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
        // Only a member this node holds can be removed: the node refuses other ids (a signed
        // removal nobody needs would be gossiped and kept for nothing, and a typo would look like success).
        const nodeId = resolveMember(target, members).nodeId;
        const result = await unary(client, 'Remove', { nodeId, reason: options.reason ?? '' }, timeoutMs).catch((error: unknown) => {
          // The member was dropped from the node's table between the two calls.
          if (error instanceof RemoteCallError && error.status === GrpcStatus.NOT_FOUND) throw new TargetError(`no member ${nodeId} is known to this node (see g2g members)`);
          throw error;
        });
        if (options.json) printJson(result);
        else process.stdout.write(`removed ${result.nodeId} (signed by ${result.removedBy}${result.wasKnown ? '' : '; it was not in this node\'s table'})\n`);
      });
    });
}
