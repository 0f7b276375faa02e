import path from 'node:path';
import type { Command } from 'commander';
import type { G2gConfig } from '../../config';
import { createLogger } from '../../log/logger';
import { G2gNode, type BoundPorts } from '../../node/g2g-node';
import { checkPluginSettings } from '../../plugins/plugin-settings-check';
import { EXIT } from '../cli-error';
import { cliInvocation, shellQuote } from '../invocation';
import { addConfigOptions, configFromOptions } from './common';

export function startCommand(program: Command): void {
  addConfigOptions(program.command('start').description('start a node (identity is created in the data dir on first run)')).action(
    async (options: Record<string, unknown>, command: Command) => {
      // The whole configuration, the join ticket included, is checked here: nothing has touched the data dir yet.
      const config = configFromOptions(options, command.args);
      checkPluginSettings(config);
      const log = createLogger(config.logLevel, undefined, { format: config.logFormat });
      let stopping = false;
      const stop = (signal: string, code: number = EXIT.OK) => {
        if (stopping) {
          log.warn({ signal }, 'second signal: exiting now');
          process.exit(EXIT.FAILURE);
        }
        stopping = true;
        log.info({ signal }, 'shutting down');
        node.stop().then(
          () => process.exit(code),
          (error: unknown) => {
            log.error({ err: error }, 'shutdown failed');
            process.exit(EXIT.FAILURE);
          },
        );
      };
      const node = new G2gNode({
        config,
        log,
        onRemoved: () => {
          if (config.stayAfterRemoval) return;
          // A distinct status, so a supervisor can tell "removed: do not restart" from a crash.
          setImmediate(() => stop('removed from the network', EXIT.REMOVED));
        },
      });
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
      await node.start();
      process.stdout.write(startBanner(config, node.nodeId, node.boundPorts));
      await new Promise<never>(() => undefined);
    },
  );
}

/**
 * What `g2g start` prints once serving: every command in it works as printed: the CLI
 * as it is installed here (`g2g` or `node …/main.js`), buf through its npm package name (a bare
 * `npx buf` outside this checkout is an unrelated package), grpcurl as the alternative.
 */
export function startBanner(config: G2gConfig, nodeId: string, ports: BoundPorts): string {
  const g2g = cliInvocation();
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const dataDir = shellQuote(config.dataDir);
  const caFile = shellQuote(path.join(config.dataDir, 'identity', 'node-ca.pem'));
  return [
    `g2g node ${config.nodeName} (${nodeId}) serving (cluster ${config.cluster}, ${config.mode} mode)`,
    `  register port ${config.host}:${ports.register} (TLS)   gossip port ${config.host}:${ports.gossip} (mutual TLS)`,
    ports.health !== null ? `  plain health port ${config.healthHost}:${ports.health}` : undefined,
    ports.metrics !== null ? `  metrics http://${config.metricsHost}:${ports.metrics}/metrics` : undefined,
    `check it: ${g2g} status --data-dir ${dataDir}`,
    `  members: ${g2g} members --data-dir ${dataDir}`,
    `   invite: ${g2g} nominate --print-join-command --data-dir ${dataDir}`,
    `   health: npx @bufbuild/buf curl --protocol grpc --cacert ${caFile} https://${host}:${ports.register}/grpc.health.v1.Health/Check`,
    `       or: grpcurl -cacert ${caFile} ${host}:${ports.register} grpc.health.v1.Health/Check`,
    '',
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}
