import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config';
import { formatDuration, parseDuration } from '../../config/formats';
import { readNodeCaFiles } from '../../identity/identity-store';
import { issueOperatorCertificate } from '../../identity/leaf';
import { writeFileAtomic } from '../../identity/atomic-file';
import { readRuntimeFacts } from '../../node/runtime-file';
import { UsageError } from '../cli-error';
import { cliInvocation, shellQuote } from '../invocation';
import { networkCaBundle } from '../network-ca-bundle';
import { printJson } from './common';

interface CredentialsOptions {
  name?: string;
  out: string;
  ttl: string;
  refresh?: boolean;
  dataDir?: string;
  json?: boolean;
}

/**
 * `g2g credentials`: an operator certificate issued by this node's CA, and a `ca.pem` holding
 * every current member's CA (with this node's CA alone, `--addr` and grpcurl/buf curl
 * reached only this node). `--refresh` rewrites ca.pem for members that joined (or rotated their
 * CA) since, keeping the certificate.
 */
export function credentialsCommand(program: Command): void {
  program
    .command('credentials')
    .description("issue a short-lived operator certificate from this node's CA, and the CAs of every member (for grpcurl, buf curl, --addr)")
    .option('--name <who>', 'who the certificate is for (calls are authorised as operator WHO); required unless --refresh')
    .requiredOption('--out <dir>', 'directory to write cert.pem, key.pem (mode 0600) and ca.pem')
    .addOption(new Option('--ttl <duration>', 'lifetime, e.g. 1h, 12h; at most operatorCertMaxLifetime (default 24h)').default('12h'))
    .addOption(new Option('--refresh', "rewrite ca.pem with every current member's CA; with --name also issue a new certificate"))
    .addOption(new Option('--data-dir <dir>', 'data directory of the node on this host [env G2G_DATA_DIR]'))
    .addOption(new Option('--json', 'print JSON'))
    .action(async (options: CredentialsOptions) => {
      const config = loadConfig({ flags: { 'data-dir': options.dataDir }, env: process.env, cwd: process.cwd() });
      const dataDir = config.dataDir;
      const files = { cert: path.join(options.out, 'cert.pem'), key: path.join(options.out, 'key.pem'), ca: path.join(options.out, 'ca.pem') };
      if (options.name === undefined && !options.refresh) throw new UsageError('--name <who> is required (or --refresh to update ca.pem of an existing directory)');
      if (options.name === undefined && !(await exists(files.cert))) throw new UsageError(`--refresh: ${files.cert} does not exist; make the directory with --name <who> first`);
      const lifetimeMs = parseDuration(options.ttl);
      if (lifetimeMs === undefined || lifetimeMs <= 0) throw new UsageError(`--ttl: not a duration: "${options.ttl}" (e.g. 30m, 12h)`);
      if (lifetimeMs > config.operatorCertMaxLifetime) {
        throw new UsageError(
          `--ttl ${options.ttl} is longer than operatorCertMaxLifetime (${formatDuration(config.operatorCertMaxLifetime)}): an operator certificate cannot be revoked, so its life is capped; raise the cap with G2G_OPERATOR_CERT_MAX_LIFETIME or the config file if you must`,
        );
      }
      const ca = await readNodeCaFiles(dataDir);
      const bundle = await networkCaBundle(dataDir);
      await mkdir(options.out, { recursive: true, mode: 0o700 });
      let issued: { notAfter: Date; fingerprint: string } | undefined;
      if (options.name !== undefined) {
        const cert = await issueOperatorCertificate(ca, { name: options.name, now: new Date(), lifetimeMs });
        await writeFileAtomic(files.key, cert.keyPem, 0o600);
        await writeFile(files.cert, cert.certPem, { mode: 0o644 });
        issued = cert;
      }
      await writeFileAtomic(files.ca, bundle.pem, 0o644);
      const facts = await readRuntimeFacts(dataDir);
      const target = facts ? `127.0.0.1:${facts.gossipPort}` : '127.0.0.1:<gossip-port>';
      if (options.json) {
        printJson({
          ...files,
          nodeId: ca.nodeId,
          // Every node whose CA ca.pem holds (this one first).
          members: bundle.nodeIds,
          ...(issued ? { name: options.name, notAfter: issued.notAfter.toISOString(), fingerprint: issued.fingerprint } : {}),
        });
        return;
      }
      process.stdout.write(
        [
          issued
            ? `wrote ${files.cert}, ${files.key}, ${files.ca} (operator "${options.name}", expires ${issued.notAfter.toISOString()})`
            : `wrote ${files.ca}`,
          `ca.pem trusts ${bundle.nodeIds.length} member(s); after members join, run again with --refresh`,
          ...credentialsUsage({ ca: files.ca, cert: files.cert, key: files.key, dir: options.out, nodeId: ca.nodeId, target }),
          '',
        ].join('\n'),
      );
    });
}

/**
 * The commands printed after writing credentials, each working as printed: buf curl through its
 * npm package name (a bare `npx buf` outside this checkout is an unrelated package), grpcurl as
 * the alternative, and this CLI as it is installed here (`g2g` is not on PATH after `npm install`).
 */
export function credentialsUsage(o: { ca: string; cert: string; key: string; dir: string; nodeId: string; target: string }): string[] {
  const [ca, cert, key] = [o.ca, o.cert, o.key].map(shellQuote);
  return [
    `use:  npx @bufbuild/buf curl --protocol grpc --cacert ${ca} --cert ${cert} --key ${key} https://${o.target}/g2g.v1.Admin/Status`,
    `  or: grpcurl -cacert ${ca} -cert ${cert} -key ${key} -servername ${o.nodeId} ${o.target} g2g.v1.Admin/Status`,
    `      ${cliInvocation()} status --credentials ${shellQuote(o.dir)} --addr ${o.target}   (--addr: any member's host:gossip-port)`,
  ];
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
