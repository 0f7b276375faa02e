import { Option, type Command } from 'commander';
import { formatTags, labelsOf } from '../../config/node-tags';
import type { MemberInfo__Output } from '../../proto/generated/g2g/v1/MemberInfo';
import type { MembersResponse__Output } from '../../proto/generated/g2g/v1/MembersResponse';
import { unary } from '../admin-client';
import { renderTable, shortSpan } from '../table';
import { addTargetOptions, printJson, withAdmin, type TargetOptions } from './common';
import { modeFromWire, modeName } from '../../transport/node-mode-wire';

export interface MembersOptions extends TargetOptions {
  wide?: boolean;
  clients?: boolean;
}

export function membersCommand(program: Command): void {
  addTargetOptions(
    program
      .command('members')
      .description('list the members a node knows: name, id, state, address, last heard, software version (--wide: everything; --clients: client-mode identities)'),
  )
    .addOption(new Option('--wide', 'every column: full id, all addresses, tags, record version, leaf, suspicion'))
    .addOption(new Option('--clients', 'client-mode identities (tools enrolled with `g2g enroll`, `--mode client` nodes) instead of the members that serve'))
    .action(async (options: MembersOptions) => {
      await withAdmin(options, async (client, timeoutMs) => {
        const response = await unary(client, 'Members', {}, timeoutMs);
        if (options.json) printJson(response);
        else process.stdout.write(formatMembers(response, Date.now(), options));
      });
    });
}

const ID_WIDTH = 12;
/**
 * Caps of the default view's columns, so that every row fits 100 columns with the two-space
 * gaps (6 gaps: 12 + 88 = 100): a 16-character name, a bracketed IPv6 address with its port
 * (shortened in the middle, port kept), `999d23h ago`, a 12-character version.
 */
const DEFAULT_CAPS = { name: 16, id: ID_WIDTH, mode: 6, state: 7, address: 24, heard: 11, version: 12 } as const;
/** Names in the --clients view. */
const NAME_WIDTH = 20;

/**
 * Whether a member belongs in the default view. Client-mode identities serve nothing: an
 * enrolled tool never heartbeats, so it was listed as a `dead` peer at `:0` for hours.
 * Client-mode nodes that run (alive or suspect) stay in view; the rest are under --clients.
 */
function served(m: MemberInfo__Output): boolean {
  if (modeFromWire(m.mode) !== 'client') return true;
  return !labelsOf(m.tags).enrolled && (m.state === 'MEMBER_STATE_ALIVE' || m.state === 'MEMBER_STATE_SUSPECT');
}

/** `g2g members`: the default view fits 100 columns; --wide has every column; --clients the client identities. */
export function formatMembers(response: MembersResponse__Output, now: number, options: { wide?: boolean; clients?: boolean } = {}): string {
  const self = response.self;
  const all = [self, ...response.members].filter((m): m is MemberInfo__Output => m !== null);
  const shown = all.filter((m) => (options.clients ? modeFromWire(m.mode) === 'client' : m === self || served(m)));
  const state = (m: MemberInfo__Output) => m.state.replace('MEMBER_STATE_', '').toLowerCase();
  const heard = (m: MemberInfo__Output) => (m === self ? '-' : Number(m.lastHeardUnixMs) > 0 ? `${shortSpan(Math.max(0, now - Number(m.lastHeardUnixMs)))} ago` : 'never');
  const name = (m: MemberInfo__Output, width: number) => {
    const n = labelsOf(m.tags).name || '-';
    return cut(m === self ? `${n}*` : n, width);
  };
  const version = (m: MemberInfo__Output) => labelsOf(m.tags).version || '?';
  let table: string;
  if (options.clients) {
    table = renderTable(
      ['NAME', 'ID', 'KIND', 'STATE', 'HEARD', 'VERSION', 'TAGS'],
      shown.map((m) => [name(m, NAME_WIDTH), m.nodeId.slice(0, ID_WIDTH), labelsOf(m.tags).enrolled ? 'enrolled tool' : 'client node', state(m), heard(m), version(m), formatTags(labelsOf(m.tags).tags) || '-']),
    );
  } else if (options.wide) {
    table = renderTable(
      ['NAME', 'ID', 'MODE', 'STATE', 'ADDRESSES', 'HEARD', 'VERSION', 'TAGS', 'RECORD', 'LEAF', 'LEAF EXPIRES', 'SUSPECTED BY'],
      shown.map((m) => [
        name(m, 63),
        m.nodeId,
        modeName(m.mode),
        state(m),
        m.gossipPort > 0 ? m.addresses.map((a) => `${hostText(a)}:${m.gossipPort}`).join(',') || '-' : '-',
        heard(m),
        version(m),
        formatTags(labelsOf(m.tags).tags) || '-',
        String(m.version),
        leafColumn(m, m === self),
        m.leaf ? new Date(Number(m.leaf.notAfterUnixMs)).toISOString() : '-',
        m.suspectedBy ? `${m.suspectedBy.slice(0, ID_WIDTH)} at ${new Date(Number(m.suspectedAtUnixMs)).toISOString()}` : '-',
      ]),
    );
  } else {
    table = renderTable(
      ['NAME', 'ID', 'MODE', 'STATE', 'ADDRESS', 'HEARD', 'VERSION'],
      shown.map((m) => {
        const c = DEFAULT_CAPS;
        return [name(m, c.name), m.nodeId.slice(0, c.id), cut(modeName(m.mode), c.mode), cut(state(m), c.state), fitAddress(m, c.address), cut(heard(m), c.heard), cut(version(m), c.version)];
      }),
    );
  }
  return `${table}${countLine(all, shown, self, options.clients === true)}\n`;
}

/** `4 members (3 alive, 1 dead); * is this node; 2 client identities not shown (--clients)`. */
function countLine(all: MemberInfo__Output[], shown: MemberInfo__Output[], self: MemberInfo__Output | null, clients: boolean): string {
  const byState = new Map<string, number>();
  for (const m of shown) {
    const s = m.state.replace('MEMBER_STATE_', '').toLowerCase();
    byState.set(s, (byState.get(s) ?? 0) + 1);
  }
  const states = [...byState].map(([s, n]) => `${n} ${s}`).join(', ');
  const noun = clients ? 'client identit' : 'member';
  const plural = clients ? (shown.length === 1 ? 'y' : 'ies') : shown.length === 1 ? '' : 's';
  let line = `${shown.length} ${noun}${plural}${states ? ` (${states})` : ''}`;
  if (!clients && self) line += '; * is this node';
  const hidden = all.length - shown.length;
  if (!clients && hidden > 0) line += `; ${hidden} client identit${hidden === 1 ? 'y' : 'ies'} not shown (--clients)`;
  return line;
}

/** `text`, or its first `width - 1` characters and `…`. */
function cut(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/**
 * The first gossip address in `width` characters, port kept: a long (IPv6) host loses its
 * middle, since its start names the network and its end the interface.
 */
function fitAddress(m: MemberInfo__Output, width: number): string {
  if (m.gossipPort <= 0 || m.addresses.length === 0) return '-';
  const host = m.addresses[0]!;
  const full = `${hostText(host)}:${m.gossipPort}`;
  if (full.length <= width) return full;
  const [open, close] = host.includes(':') ? ['[', ']'] : ['', ''];
  const room = width - open.length - close.length - `:${m.gossipPort}`.length - 1;
  const head = Math.ceil(room / 2);
  return `${open}${host.slice(0, head)}…${host.slice(host.length - (room - head))}${close}:${m.gossipPort}`;
}

function hostText(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The peer's current leaf (a fingerprint prefix, like git's short hashes), marked `*` while this
 * node's connection to it still runs on an older leaf it verified (recycling is on the way).
 */
function leafColumn(m: MemberInfo__Output, self: boolean): string {
  const fingerprint = m.leaf?.fingerprint ?? '';
  if (!fingerprint) return '-';
  const short = fingerprint.replace(/^sha256:/, '').slice(0, 12);
  const verified = m.verifiedLeafFingerprint;
  return self || !verified || verified === fingerprint ? short : `${short}*`;
}
