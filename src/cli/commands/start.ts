import path from 'node:path';
import type { Command } from 'commander';
import { createLogger } from '../../log/logger';
import { G2gNode } from '../../node/g2g-node';
import { addConfigOptions, configFromOptions } from './common';

export function startCommand(program: Command): void {
  addConfigOptions(program.command('start').description('start a node (identity is created in the data dir on first run)')).action(
    async (options: Record<string, unknown>, command: Command) => {
      const config = configFromOptions(options, command.args);
      const log = createLogger(config.logLevel);
      const node = new G2gNode({ config, log });
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) {
          log.warn({ signal }, 'second signal: exiting now');
          process.exit(1);
        }
        stopping = true;
        log.info({ signal }, 'shutting down');
        node.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
      await node.start();
      const ports = node.boundPorts;
      const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
      const caFile = path.join(config.dataDir, 'identity', 'node-ca.pem');
      process.stdout.write(
        [
          `g2g node ${node.nodeId} serving (cluster ${config.cluster}, ${config.mode} mode)`,
          `  register port ${config.host}:${ports.register} (TLS)   gossip port ${config.host}:${ports.gossip} (mutual TLS)`,
          ports.health !== null ? `  plain health port ${config.healthHost}:${ports.health}` : undefined,
          ports.metrics !== null ? `  metrics http://${config.metricsHost}:${ports.metrics}/metrics` : undefined,
          `check it: npx buf curl --protocol grpc --cacert ${caFile} https://${host}:${ports.register}/grpc.health.v1.Health/Check`,
          `      or: grpcurl -cacert ${caFile} ${host}:${ports.register} list`,
          `  status: g2g status --data-dir ${config.dataDir}`,
          '',
        ]
          .filter((line) => line !== undefined)
          .join('\n'),
      );
      await new Promise<never>(() => undefined);
    },
  );
}
