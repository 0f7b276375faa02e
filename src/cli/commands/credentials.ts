import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { parseDuration } from '../../config/formats';
import { readNodeCaFiles } from '../../identity/identity-store';
import { issueOperatorCertificate } from '../../identity/leaf';
import { writeFileAtomic } from '../../identity/atomic-file';
import { readRuntimeFacts } from '../../node/runtime-file';
import { UsageError } from '../cli-error';
import { printJson, targetFromOptions } from './common';

export function credentialsCommand(program: Command): void {
  program
    .command('credentials')
    .description("issue a short-lived operator certificate from this node's CA (for grpcurl, buf curl, scripts)")
    .requiredOption('--name <who>', 'who the certificate is for (calls are authorised as operator WHO)')
    .requiredOption('--out <dir>', 'directory to write cert.pem, key.pem (mode 0600) and ca.pem')
    .addOption(new Option('--ttl <duration>', 'lifetime, e.g. 1h, 12h, 7d').default('12h'))
    .addOption(new Option('--data-dir <dir>', 'data directory of the node on this host [env G2G_DATA_DIR]'))
    .addOption(new Option('--json', 'print JSON'))
    .action(async (options: { name: string; out: string; ttl: string; dataDir?: string; json?: boolean }) => {
      const lifetimeMs = parseDuration(options.ttl);
      if (lifetimeMs === undefined || lifetimeMs <= 0) throw new UsageError(`--ttl: not a duration: "${options.ttl}" (e.g. 30m, 12h, 7d)`);
      const { dataDir } = targetFromOptions({ dataDir: options.dataDir, timeout: '0' });
      const ca = await readNodeCaFiles(dataDir);
      const cert = await issueOperatorCertificate(ca, { name: options.name, now: new Date(), lifetimeMs });
      await mkdir(options.out, { recursive: true, mode: 0o700 });
      const files = { cert: path.join(options.out, 'cert.pem'), key: path.join(options.out, 'key.pem'), ca: path.join(options.out, 'ca.pem') };
      await writeFileAtomic(files.key, cert.keyPem, 0o600);
      await writeFile(files.cert, cert.certPem, { mode: 0o644 });
      await writeFile(files.ca, ca.certPem, { mode: 0o644 });
      const facts = await readRuntimeFacts(dataDir);
      const target = facts ? `127.0.0.1:${facts.gossipPort}` : '127.0.0.1:<gossip-port>';
      if (options.json) {
        printJson({ ...files, nodeId: ca.nodeId, name: options.name, notAfter: cert.notAfter.toISOString(), fingerprint: cert.fingerprint });
        return;
      }
      process.stdout.write(
        [
          `wrote ${files.cert}, ${files.key}, ${files.ca} (operator "${options.name}", expires ${cert.notAfter.toISOString()})`,
          `use:  grpcurl -cacert ${files.ca} -cert ${files.cert} -key ${files.key} -servername ${ca.nodeId} ${target} list`,
          `      npx buf curl --protocol grpc --cacert ${files.ca} --cert ${files.cert} --key ${files.key} --list-methods https://${target}`,
          '',
        ].join('\n'),
      );
    });
}
