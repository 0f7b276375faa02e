import * as grpc from '@grpc/grpc-js';
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config';
import { readRuntimeFacts } from '../../node/runtime-file';
import { healthPackageDefinition } from '../../proto/protos';
import { UsageError } from '../cli-error';
import { durationFlag } from './common';

/**
 * `g2g health`: a gRPC health check (grpc.health.v1.Health/Check) for Docker HEALTHCHECK, systemd
 * and scripts, with no grpcurl or grpc_health_probe in the image. Exit status:
 *   0  SERVING
 *   1  the node answered, but not SERVING (NOT_SERVING while it drains or while its leaf is
 *      withdrawn; SERVICE_UNKNOWN for a --service it does not serve)
 *   2  usage or configuration error
 *   3  no answer: not running, nothing listening, or no answer within --timeout
 * Docker reserves 2 and treats anything but 0 and 1 as undefined: its HEALTHCHECK should say
 * `g2g health ... || exit 1`.
 */
export const HEALTH_EXIT = { serving: 0, notServing: 1, noAnswer: 3 } as const;

interface HealthOptions {
  dataDir?: string;
  addr?: string;
  tls?: boolean;
  service: string;
  timeout: string;
}

export interface HealthTarget {
  address: string;
  /** TLS without verifying the server (the register port); false: plaintext (the health port). */
  tls: boolean;
}

export interface HealthAnswer {
  code: number;
  /** One line: the status, or why there is none. */
  line: string;
}

export function healthCommand(program: Command): void {
  program
    .command('health')
    .description('check a node\'s gRPC health (exit 0 SERVING, 1 not serving, 3 no answer); for HEALTHCHECK, systemd and scripts')
    .addOption(new Option('--data-dir <dir>', 'data directory of a node on this host: its plain health port if it has one, else its register port (TLS) [env G2G_DATA_DIR]'))
    .addOption(new Option('--addr <host:port>', 'a health port (plaintext) or, with --tls, a register port'))
    .addOption(new Option('--tls', 'with --addr: speak TLS (the register port) without verifying the server; a status is no secret'))
    .addOption(new Option('--service <name>', 'service to check; empty checks the whole node').default(''))
    .addOption(new Option('--timeout <duration>', 'deadline for the answer, with a unit (500ms, 3s)').default('3s'))
    .action(async (options: HealthOptions) => {
      const timeoutMs = durationFlag('--timeout', options.timeout);
      if (options.tls && !options.addr) throw new UsageError('--tls goes with --addr (with --data-dir the port decides)');
      const target = options.addr ? { address: options.addr, tls: options.tls === true } : await targetOfDataDir(options.dataDir);
      const answer = target ? await checkHealth(target, options.service, timeoutMs) : { code: HEALTH_EXIT.noAnswer, line: 'not running: no node runtime file in the data directory (stopped, or never started)' };
      (answer.code === HEALTH_EXIT.serving ? process.stdout : process.stderr).write(`${answer.line}\n`);
      process.exitCode = answer.code;
    });
}

/** Where a node on this host answers health checks: its plain health port, else its register port. */
async function targetOfDataDir(dataDir: string | undefined): Promise<HealthTarget | undefined> {
  const config = loadConfig({ flags: { 'data-dir': dataDir }, env: process.env, cwd: process.cwd() });
  const facts = await readRuntimeFacts(config.dataDir);
  if (!facts) return undefined;
  if (facts.healthPort) return { address: hostPort(facts.healthHost ?? '127.0.0.1', facts.healthPort), tls: false };
  return { address: hostPort(facts.host, facts.registerPort), tls: true };
}

/** A wildcard bind address is reached on loopback. */
function hostPort(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return reachable.includes(':') ? `[${reachable}]:${port}` : `${reachable}:${port}`;
}

type HealthClient = grpc.Client & {
  Check(request: { service: string }, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response?: { status: string }) => void): void;
};

/** One Health/Check at `target`. */
export function checkHealth(target: HealthTarget, service: string, timeoutMs: number): Promise<HealthAnswer> {
  const proto = grpc.loadPackageDefinition(healthPackageDefinition()) as unknown as { grpc: { health: { v1: { Health: new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => HealthClient } } } };
  const credentials = target.tls ? grpc.credentials.createSsl(null, null, null, { rejectUnauthorized: false }) : grpc.credentials.createInsecure();
  const client = new proto.grpc.health.v1.Health(target.address, credentials, target.tls ? { 'grpc.ssl_target_name_override': 'g2g-health' } : {});
  const what = service ? `service ${service}` : 'node';
  return new Promise((resolve) => {
    client.Check({ service }, { deadline: Date.now() + timeoutMs }, (error, response) => {
      client.close();
      if (error) {
        if (error.code === grpc.status.NOT_FOUND) return resolve({ code: HEALTH_EXIT.notServing, line: `SERVICE_UNKNOWN: ${target.address} does not serve ${service}` });
        return resolve({ code: HEALTH_EXIT.noAnswer, line: `no answer from ${target.address}: ${grpc.status[error.code]}: ${error.details}` });
      }
      const status = response?.status ?? 'UNKNOWN';
      if (status === 'SERVING') return resolve({ code: HEALTH_EXIT.serving, line: 'SERVING' });
      resolve({ code: HEALTH_EXIT.notServing, line: `${status}: the ${what} at ${target.address} is not serving (draining, or its leaf is withdrawn)` });
    });
  });
}
