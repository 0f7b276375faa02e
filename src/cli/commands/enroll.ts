import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { defaultNodeName, ENROLLED_TAG, recordTags } from '../../config/node-tags';
import { VERSION } from '../../version';
import { writeFileAtomic } from '../../identity/atomic-file';
import { loadOrCreateNodeCa } from '../../identity/identity-store';
import { issueLeaf } from '../../identity/leaf';
import { silentLogger } from '../../log/logger';
import { PROTOCOL_VERSION } from '../../membership/node-record';
import { CaRecordAuthenticator } from '../../membership/record-authenticator';
import { joinWithTicket } from '../../register/join-client';
import { caSigner } from '../../register/join-handshake';
import { parseTicket } from '../../tokens/join-ticket';
import { recordToWire } from '../../transport/gossip-wire';
import { modeFromWire } from '../../transport/node-mode-wire';
import { shellQuote } from '../invocation';
import { durationFlag, printJson } from './common';

/**
 * `g2g enroll TICKET --out DIR`: a client-mode identity for a tool or an application that does
 * not run a node (grpcurl, buf curl, a script). DIR gets its own node CA (kept, so enrolling
 * again re-uses the identity), a leaf (cert.pem, key.pem), and ca.pem: the node CAs of the
 * members it learnt, to verify any of them. Such an identity does not heartbeat: members keep
 * trusting it while they remember it (dead retention plus tombstone time, about a day on the
 * lan profile); an application that lives longer should run `g2g start --mode client`.
 */
export function enrollCommand(program: Command): void {
  program
    .command('enroll')
    .description('make a client-mode identity for a tool or application from a join ticket')
    .argument('<ticket>', 'a client (or server) join ticket from `g2g nominate --mode client`')
    .requiredOption('--out <dir>', 'directory for the identity: cert.pem, key.pem (0600), ca.pem, members.json')
    .addOption(new Option('--ttl <duration>', 'lifetime of the certificate').default('12h'))
    .addOption(new Option('--json', 'print JSON'))
    .action(async (ticketText: string, options: { out: string; ttl: string; json?: boolean }) => {
      const lifetimeMs = durationFlag('--ttl', options.ttl);
      const ticket = parseTicket(ticketText);
      // No log lines in a tool's human output (a refused ticket used to add a JSON line): a
      // failure is the one line main() prints from the error.
      const log = silentLogger();
      const { ca } = await loadOrCreateNodeCa(options.out, { now: new Date(), caLifetimeMs: 3650 * 24 * 3600_000, log });
      const leaf = await issueLeaf(ca, { now: new Date(), lifetimeMs, ips: [] });
      const auth = new CaRecordAuthenticator(ca.keyPem);
      const body = {
        nodeId: ca.nodeId,
        cluster: ticket.cluster ?? 'default',
        mode: 'client' as const,
        addresses: [],
        registerPort: 0,
        gossipPort: 0,
        caCertPem: ca.certPem,
        leaf: { fingerprint: leaf.fingerprint, notAfterMs: leaf.notAfter.getTime() },
        version: Date.now(),
        services: [],
        // The marker `g2g members` reads to keep this identity (it never heartbeats) out of the peers' view.
        tags: recordTags(defaultNodeName(), VERSION, [], [{ key: ENROLLED_TAG, value: 'tool' }]),
        protocolVersion: PROTOCOL_VERSION,
        left: false,
      };
      const record = { ...body, heartbeat: 0, signature: auth.signBody(body), heartbeatSignature: auth.signHeartbeat(ca.nodeId, body.version, 0) };
      const { welcome, address } = await joinWithTicket(ticket, { cluster: body.cluster, record: recordToWire(record), sign: caSigner(ca.keyPem), log });
      const members = [welcome.server, ...welcome.peers].filter((m) => modeFromWire(m.mode) === 'server');
      await writeFileAtomic(path.join(options.out, 'key.pem'), leaf.keyPem, 0o600);
      await writeFile(path.join(options.out, 'cert.pem'), leaf.certPem, { mode: 0o644 });
      await writeFile(path.join(options.out, 'ca.pem'), `${members.map((m) => m.caCertPem.trim()).join('\n')}\n`, { mode: 0o644 });
      const list = members.map((m) => ({ nodeId: m.nodeId, addresses: m.addresses, gossipPort: m.gossipPort, registerPort: m.registerPort }));
      await writeFile(path.join(options.out, 'members.json'), `${JSON.stringify(list, null, 2)}\n`, { mode: 0o644 });
      if (options.json) {
        printJson({ nodeId: ca.nodeId, via: address, notAfter: leaf.notAfter.toISOString(), members: list });
        return;
      }
      const first = list[0];
      process.stdout.write(
        [
          `enrolled ${ca.nodeId} (client mode) through ${address}; ${list.length} member(s) in ${path.join(options.out, 'members.json')}`,
          ...(first ? enrollUsage(options.out, first) : []),
          '',
        ].join('\n'),
      );
    });
}

/**
 * How to call a member with an enrolled identity: buf curl through its npm package name (a bare
 * `npx buf` outside this checkout is an unrelated package), grpcurl as the alternative.
 */
export function enrollUsage(dir: string, member: { nodeId: string; addresses: string[]; gossipPort: number }): string[] {
  const [ca, cert, key] = ['ca.pem', 'cert.pem', 'key.pem'].map((f) => shellQuote(path.join(dir, f)));
  const host = member.addresses[0] ?? '127.0.0.1';
  const target = `${host.includes(':') ? `[${host}]` : host}:${member.gossipPort}`;
  return [
    `use:  npx @bufbuild/buf curl --protocol grpc --cacert ${ca} --cert ${cert} --key ${key} https://${target}/g2g.v1.Admin/Status`,
    `  or: grpcurl -cacert ${ca} -cert ${cert} -key ${key} -servername ${member.nodeId} ${target} g2g.v1.Admin/Status`,
  ];
}
