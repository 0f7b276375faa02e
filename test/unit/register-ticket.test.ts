import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertTicketFresh, formatTicket, parseTicket, redactTicket, type JoinTicket } from '../../src/tokens/join-ticket';

const SECRET = 'abcdefghijklmnopqrstuvwxyz234567';
const TOKEN = `k7p2qz4mxa.${SECRET}`;
const CA = `sha256:${'0123456789abcdef'.repeat(4)}`;

test('format and parse round-trip every field, several addresses, IPv6 and DNS hosts', () => {
  const ticket: JoinTicket = {
    token: { id: 'k7p2qz4mxa', secret: SECRET },
    addresses: [{ host: '10.0.0.1', port: 7946 }, { host: '::1', port: 7000 }, { host: 'seed.example.com', port: 443 }],
    mode: 'server',
    caFingerprint: CA,
    cluster: 'prod-eu',
    expiresAt: 1_800_000_000_000,
  };
  const text = formatTicket(ticket);
  assert.equal(text, `g2g://${TOKEN}@10.0.0.1:7946,[::1]:7000,seed.example.com:443?mode=server&ca=${CA}&cluster=prod-eu&exp=1800000000`);
  assert.deepEqual(parseTicket(text), ticket);
});

test('optional parameters may be omitted; only mode is required', () => {
  const parsed = parseTicket(`g2g://${TOKEN}@127.0.0.1:1?mode=client`);
  assert.deepEqual(parsed, { token: { id: 'k7p2qz4mxa', secret: SECRET }, addresses: [{ host: '127.0.0.1', port: 1 }], mode: 'client' });
  assert.equal(formatTicket(parsed), `g2g://${TOKEN}@127.0.0.1:1?mode=client`);
});

test('exp is whole seconds: a millisecond expiry is floored', () => {
  const text = formatTicket({ token: { id: 'k7p2qz4mxa', secret: SECRET }, addresses: [{ host: 'h', port: 1 }], mode: 'server', expiresAt: 1_800_000_000_999 });
  assert.equal(parseTicket(text).expiresAt, 1_800_000_000_000);
});

const MALFORMED: Array<[string, unknown, string]> = [
  ['not a string', 42, 'scheme'],
  ['wrong scheme', `https://${TOKEN}@h:1?mode=server`, 'scheme'],
  ['too long', `g2g://${TOKEN}@${'h'.repeat(5000)}:1?mode=server`, 'too-long'],
  ['whitespace', `g2g://${TOKEN}@h:1?mode=server\n`, 'whitespace'],
  ['no @', `g2g://${TOKEN}?mode=server`, 'token'],
  ['no secret', 'g2g://k7p2qz4mxa@h:1?mode=server', 'token'],
  ['short secret', 'g2g://k7p2qz4mxa.abc@h:1?mode=server', 'token'],
  ['bad id', `g2g://K7P2.${SECRET}@h:1?mode=server`, 'token'],
  ['no address', `g2g://${TOKEN}@?mode=server`, 'address'],
  ['no port', `g2g://${TOKEN}@host?mode=server`, 'address'],
  ['port 0', `g2g://${TOKEN}@host:0?mode=server`, 'address'],
  ['port too big', `g2g://${TOKEN}@host:65536?mode=server`, 'address'],
  ['port not a number', `g2g://${TOKEN}@host:http?mode=server`, 'address'],
  ['empty host', `g2g://${TOKEN}@:80?mode=server`, 'address'],
  ['bad host', `g2g://${TOKEN}@bad_host!:80?mode=server`, 'address'],
  ['unbracketed IPv6', `g2g://${TOKEN}@::1:80?mode=server`, 'address'],
  ['bracketed IPv4', `g2g://${TOKEN}@[127.0.0.1]:80?mode=server`, 'address'],
  ['empty address in list', `g2g://${TOKEN}@h:1,,h:2?mode=server`, 'address'],
  ['too many addresses', `g2g://${TOKEN}@${Array.from({ length: 17 }, (_, i) => `h:${i + 1}`).join(',')}?mode=server`, 'address'],
  ['no query', `g2g://${TOKEN}@h:1`, 'query'],
  ['parameter without value', `g2g://${TOKEN}@h:1?mode`, 'query'],
  ['missing mode', `g2g://${TOKEN}@h:1?cluster=x`, 'mode'],
  ['bad mode', `g2g://${TOKEN}@h:1?mode=admin`, 'mode'],
  ['bad ca', `g2g://${TOKEN}@h:1?mode=server&ca=md5:abc`, 'ca'],
  ['uppercase ca', `g2g://${TOKEN}@h:1?mode=server&ca=${CA.toUpperCase()}`, 'ca'],
  ['bad cluster', `g2g://${TOKEN}@h:1?mode=server&cluster=Prod_EU`, 'cluster'],
  ['bad exp', `g2g://${TOKEN}@h:1?mode=server&exp=tomorrow`, 'exp'],
  ['negative exp', `g2g://${TOKEN}@h:1?mode=server&exp=-5`, 'exp'],
  ['unknown parameter', `g2g://${TOKEN}@h:1?mode=server&insecure=1`, 'unknown-parameter'],
  ['duplicate parameter', `g2g://${TOKEN}@h:1?mode=server&mode=client`, 'duplicate-parameter'],
];

for (const [name, ticket, problem] of MALFORMED) {
  test(`malformed ticket (${name}) → ERR_INVALID_TICKET/${problem}, and the secret is never in the message`, () => {
    assert.throws(() => parseTicket(ticket), (e: Error & { code?: string; problem?: string }) => {
      assert.equal(e.code, 'ERR_INVALID_TICKET');
      assert.equal(e.problem, problem);
      assert.ok(!e.message.includes(SECRET), `secret leaked in: ${e.message}`);
      return true;
    });
  });
}

test('formatTicket refuses what parseTicket would refuse', () => {
  const base = { token: { id: 'k7p2qz4mxa', secret: SECRET }, mode: 'server' as const };
  assert.throws(() => formatTicket({ ...base, addresses: [] }), { code: 'ERR_INVALID_TICKET' });
  assert.throws(() => formatTicket({ ...base, addresses: [{ host: 'h', port: 1 }], cluster: 'Bad' }), { code: 'ERR_INVALID_TICKET' });
});

test('an expired ticket is refused before dialling', () => {
  const ticket = parseTicket(`g2g://${TOKEN}@h:1?mode=server&exp=1000`);
  assertTicketFresh(ticket, 999_999);
  assert.throws(() => assertTicketFresh(ticket, 1_000_000), { code: 'ERR_TICKET_EXPIRED' });
});

test('redactTicket hides the secret', () => {
  assert.equal(redactTicket(`g2g://${TOKEN}@h:1?mode=server`), 'g2g://k7p2qz4mxa.***@h:1?mode=server');
});
