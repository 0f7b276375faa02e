import { Option, type Command } from 'commander';
import type { RemoveResponse__Output } from '../../proto/generated/g2g/v1/RemoveResponse';
import { unary } from '../admin-client';
import { addTargetOptions, printJson, withAdmin, type TargetOptions } from './common';

export function removeCommand(program: Command): void {
  addTargetOptions(
    program
      .command('remove')
      .argument('<node-id>', 'the member to remove')
      .description('remove a member from the network (Admin.Remove): gossiped, its CA untrusted and its calls refused everywhere; it can rejoin only with a new ticket'),
  )
    .addOption(new Option('--reason <text>', 'why (kept in the node log)'))
    .action(async (nodeId: string, options: TargetOptions & { reason?: string }) => {
      await withAdmin(options, async (client, timeoutMs) => {
        const result = await unary<object, RemoveResponse__Output>(client, client.Remove, { nodeId, reason: options.reason ?? '' }, timeoutMs);
        if (options.json) printJson(result);
        else process.stdout.write(`removed ${result.nodeId} (signed by ${result.removedBy}${result.wasKnown ? '' : '; it was not in this node\'s table'})\n`);
      });
    });
}
