import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveMember } from '../../src/cli/target';
import { resolveTokenId } from '../../src/cli/commands/tokens';
import { formatMembers } from '../../src/cli/commands/members';
import { enrollUsage } from '../../src/cli/commands/enroll';
import type { MemberInfo__Output } from '../../src/proto/generated/g2g/v1/MemberInfo';
import type { TokenInfo__Output } from '../../src/proto/generated/g2g/v1/TokenInfo';

function member(nodeId: string, name: string, tags: Record<string, string> = {}, extra: Partial<MemberInfo__Output> = {}): MemberInfo__Output {
  return {
    nodeId,
    mode: 'NODE_MODE_SERVER',
    addresses: ['10.0.0.1'],
    state: 'MEMBER_STATE_ALIVE',
    lastHeardUnixMs: 1_000,
    version: 3,
    heartbeat: 9,
    leaf: null,
    suspectedBy: '',
    suspectedAtUnixMs: 0,
    limitMs: 0,
    registerPort: 7400,
    gossipPort: 7401,
    services: [],
    verifiedLeafFingerprint: '',
    caFingerprint: '',
    previousCaFingerprint: '',
    tags: [{ key: 'g2g.name', value: name }, { key: 'g2g.version', value: '0.1.0' }, ...Object.entries(tags).map(([key, value]) => ({ key, value }))],
    ...extra,
  };
}

const members = [
  member('abcdefghijklmnopqrstuvwxyz234567', 'web-1', { zone: 'eu-1' }),
  member('abcdzzzzzzzzzzzzzzzzzzzzzzzzzzzz', 'web-2', { zone: 'eu-1' }),
  member('qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq', 'db', { zone: 'us-1' }),
];

test('a member is named by full id, unique prefix (4+), name or one key=value tag; anything else is ERR_TARGET', () => {
  assert.equal(resolveMember('qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq', members).nodeId, members[2]!.nodeId);
  assert.equal(resolveMember('abcde', members).nodeId, members[0]!.nodeId);
  assert.equal(resolveMember('web-2', members).nodeId, members[1]!.nodeId);
  assert.equal(resolveMember('zone=us-1', members).nodeId, members[2]!.nodeId);
  assert.throws(() => resolveMember('abcd', members), (e: Error & { code?: string }) => e.code === 'ERR_TARGET' && /matches 2 members/.test(e.message));
  assert.throws(() => resolveMember('zone=eu-1', members), { code: 'ERR_TARGET' });
  assert.throws(() => resolveMember('qq', members), (e: Error) => /at least 4 characters/.test(e.message));
  assert.throws(() => resolveMember('nobody', members), (e: Error) => /no member matches/.test(e.message));
});

test('token ids take unique prefixes too; an unknown id is passed on for the node to refuse', () => {
  const tokens = [{ id: 'aaaabbbb' }, { id: 'aaaacccc' }, { id: 'zzzzyyyy' }] as TokenInfo__Output[];
  assert.equal(resolveTokenId('zzzz', tokens), 'zzzzyyyy');
  assert.equal(resolveTokenId('aaaabbbb', tokens), 'aaaabbbb');
  assert.equal(resolveTokenId('nosuchtoken', tokens), 'nosuchtoken');
  assert.throws(() => resolveTokenId('aaaa', tokens), { code: 'ERR_TARGET' });
});

test('members: the default view fits 100 columns even with long names and IPv6 addresses; enrolled tools are counted, not listed', () => {
  const self = member('s'.repeat(32), 'a-very-long-node-name-that-goes-on-and-on', {}, { addresses: ['fd00:1234:5678:9abc:def0:1234:5678:9abc'] });
  const tool = member('t'.repeat(32), 'laptop', {}, { mode: 'NODE_MODE_CLIENT', state: 'MEMBER_STATE_DEAD', gossipPort: 0, addresses: [], tags: [{ key: 'g2g.enrolled', value: 'tool' }] });
  const out = formatMembers({ self, members: [...members, tool] }, 5_000);
  for (const line of out.trimEnd().split('\n')) assert.ok(line.length <= 100, `${line.length}: ${line}`);
  assert.doesNotMatch(out, /tttttttttttt/);
  assert.match(out, /^4 members \(4 alive\); \* is this node; 1 client identity not shown \(--clients\)$/m);
  assert.match(formatMembers({ self, members: [...members, tool] }, 5_000, { clients: true }), /^- +tttttttttttt +enrolled tool +dead +4s ago +\? +-$/m);
  assert.match(formatMembers({ self, members }, 5_000, { wide: true }), /zone=eu-1/);
});

test('members: the default view fits 100 columns in the worst case, and a shortened IPv6 address keeps its port', () => {
  const now = 1_000 * 86_400_000;
  const self = member('s'.repeat(32), 'a-very-long-node-name-that-goes-on-and-on', {}, { addresses: ['fd00:1234:5678:9abc:def0:1234:5678:9abc'], gossipPort: 65535 });
  const worst = member('w'.repeat(32), 'another-very-long-node-name', {}, {
    addresses: ['fd00:1234:5678:9abc:def0:1234:5678:9abd'],
    gossipPort: 65535,
    state: 'MEMBER_STATE_SUSPECT',
    // 999 days, 23 hours: `999d23h ago`.
    lastHeardUnixMs: now - (999 * 86_400_000 + 23 * 3_600_000),
    tags: [{ key: 'g2g.name', value: 'another-very-long-node-name' }, { key: 'g2g.version', value: '10.20.30-beta.12+build.345' }],
  });
  const out = formatMembers({ self, members: [worst, member('x'.repeat(32), 'x', {}, { lastHeardUnixMs: now - (13 * 86_400_000 + 23 * 3_600_000) })] }, now);
  const lines = out.trimEnd().split('\n');
  for (const line of lines) assert.ok(line.length <= 100, `${line.length}: ${line}`);
  const row = lines.find((l) => l.includes('wwwwwwwwwwww'))!;
  assert.match(row, / \[fd00:\S*…\S*9abd\]:65535 /, 'the address keeps its start, its end and its port');
  assert.match(row, / 999d23h ago /);
  assert.match(lines.find((l) => l.includes('xxxxxxxxxxxx'))!, / 13d23h ago /);
  assert.match(row, / suspect /);
  assert.match(row, / 10\.20\.30-be…$/);
});

test('enroll prints buf curl (by its npm package name) first and grpcurl as the alternative', () => {
  const [buf, grpcurl] = enrollUsage('/tmp/my tool', { nodeId: 'n'.repeat(32), addresses: ['fd00::1'], gossipPort: 7401 });
  assert.match(buf!, /^use: +npx @bufbuild\/buf curl --protocol grpc --cacert '\/tmp\/my tool\/ca\.pem' .* https:\/\/\[fd00::1\]:7401\/g2g\.v1\.Admin\/Status$/);
  assert.match(grpcurl!, /^ +or: +grpcurl -cacert '\/tmp\/my tool\/ca\.pem' .* -servername n{32} \[fd00::1\]:7401 g2g\.v1\.Admin\/Status$/);
});
