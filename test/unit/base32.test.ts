import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE32_ALPHABET, base32Digits, base32Encode } from '../../src/util/base32';
import { nodeIdFromPublicKey } from '../../src/identity/node-id';
import { SimAuthority } from '../../src/testing/sim-authenticator';
import { SeededRandom } from '../../src/testing/seeded-random';
import { formatToken, generateTokenId, generateTokenSecret, parseToken } from '../../src/tokens/token-format';

test('base32Encode gives the RFC 4648 test vectors, lowercase and unpadded', () => {
  const vectors: Array<[string, string]> = [
    ['', ''],
    ['f', 'my'],
    ['fo', 'mzxq'],
    ['foo', 'mzxw6'],
    ['foob', 'mzxw6yq'],
    ['fooba', 'mzxw6ytb'],
    ['foobar', 'mzxw6ytboi'],
  ];
  for (const [input, encoded] of vectors) assert.equal(base32Encode(Buffer.from(input)), encoded, input);
  assert.equal(base32Encode(new Uint8Array(20).fill(0xff)), '7'.repeat(32));
});

test('base32Digits maps each value by its low 5 bits', () => {
  assert.equal(base32Digits([0, 1, 25, 26, 31, 32, 255]), 'abz27a7');
  assert.equal(base32Digits([...Array(32).keys()]), BASE32_ALPHABET);
});

// Values computed by the three copies this module replaced: ids and tokens already issued must not change.
const FIXED_KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAESvLErexg8CTjmh6inrafkYslVJU3
ML+944H/jLS+wlJ0lR1gD9fCPM9uyYUMuM817orW++LmibFLTM4Jb2MpYw==
-----END PUBLIC KEY-----
`;

test('a node id is the same as before the shared base32', () => {
  assert.equal(nodeIdFromPublicKey(FIXED_KEY), 'h26khwwotnqjzyutczurku6p3e7gz5kj');
});

test('simulated identities of a seed are the same as before the shared base32', () => {
  const authority = new SimAuthority(new SeededRandom(42));
  assert.equal(authority.createIdentity().nodeId, 'hscgo235o7hxl7n73jqzbzigismb75lj');
  assert.equal(authority.createIdentity().nodeId, 'vakh2vhhmo2nuiklxcxwhlgs5hcb4xor');
});

test('tokens keep their grammar and round-trip through parse and format', () => {
  const issued = 'abcdefgh27.mzxw6ytboimzxw6ytboimzxw6ytboimz';
  assert.equal(formatToken(parseToken(issued)), issued);
  for (let i = 0; i < 50; i++) {
    const parts = { id: generateTokenId(), secret: generateTokenSecret() };
    assert.match(parts.id, /^[a-z2-7]{10}$/);
    assert.match(parts.secret, /^[a-z2-7]{32}$/);
    assert.deepEqual(parseToken(formatToken(parts)), parts);
  }
});
