import assert from 'node:assert/strict';
import type { PeerCertificate } from 'node:tls';
import { test } from 'node:test';
import { certificateIdentity, describeCaller, identifyCaller, operatorLifetimeRefusal } from '../../src/transport/caller-identity';
import { parsePeerAddress } from '../../src/transport/peer-address';
import { checkPeerIdentity } from '../../src/transport/peer-channel';

const A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const NOW = Date.parse('2026-11-21T12:00:00Z');

function cert(over: Partial<PeerCertificate>): PeerCertificate {
  return {
    raw: Buffer.from([1]),
    issuer: { CN: `${A} CA`, O: 'g2g' },
    subject: { CN: A, O: 'g2g' },
    subjectaltname: `DNS:${A}, DNS:localhost, IP Address:127.0.0.1`,
    valid_from: 'Nov 21 10:00:00 2026 GMT',
    valid_to: 'Nov 21 14:00:00 2026 GMT',
    ext_key_usage: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
    ...over,
  } as PeerCertificate;
}

test('a member leaf identifies its node', () => {
  assert.deepEqual(identifyCaller(cert({}), NOW), { ok: true, caller: { kind: 'member', nodeId: A } });
});

test('an operator certificate identifies the operator and the issuing node', () => {
  const result = identifyCaller(cert({ subject: { CN: 'alice', OU: 'g2g-operator', O: 'g2g' } as PeerCertificate['subject'], subjectaltname: 'URI:g2g-operator://x/alice', ext_key_usage: ['1.3.6.1.5.5.7.3.2'] }), NOW);
  assert.deepEqual(result, { ok: true, caller: { kind: 'operator', name: 'alice', nodeId: A } });
  assert.equal(describeCaller(result.ok ? result.caller : undefined), `operator:alice@${A}`);
});

test('refusals: no certificate, foreign issuer, expired, not yet valid, no clientAuth, a leaf for another id', () => {
  const reasons = [
    identifyCaller(undefined, NOW),
    identifyCaller({ raw: Buffer.alloc(0) } as PeerCertificate, NOW),
    identifyCaller(cert({ issuer: { CN: 'Some Other CA' } as PeerCertificate['issuer'] }), NOW),
    identifyCaller(cert({ valid_to: 'Nov 21 11:00:00 2026 GMT' }), NOW),
    identifyCaller(cert({ valid_from: 'Nov 21 13:00:00 2026 GMT' }), NOW),
    identifyCaller(cert({ ext_key_usage: ['1.3.6.1.5.5.7.3.1'] }), NOW),
    identifyCaller(cert({ subjectaltname: `DNS:${B}` }), NOW),
  ];
  for (const r of reasons) assert.equal(r.ok, false);
  assert.match((reasons[6] as { reason: string }).reason, new RegExp(`names "${B}" but was issued by the CA of ${A}`));
  assert.match((reasons[3] as { reason: string }).reason, /expired/);
});

test('a peer leaf must name the expected node and come from its CA', () => {
  assert.equal(checkPeerIdentity(A, cert({})), undefined);
  assert.match(checkPeerIdentity(B, cert({}))!.message, /expected node/);
  assert.match(checkPeerIdentity(A, cert({ issuer: { CN: `${B} CA` } as PeerCertificate['issuer'] }))!.message, /issued by/);
});

test('peer addresses as grpc-js reports them', () => {
  assert.deepEqual(parsePeerAddress('127.0.0.1:5000'), { address: '127.0.0.1', port: 5000 });
  assert.deepEqual(parsePeerAddress('ipv4:10.1.2.3:80'), { address: '10.1.2.3', port: 80 });
  assert.deepEqual(parsePeerAddress('[::1]:443'), { address: '::1', port: 443 });
  assert.deepEqual(parsePeerAddress('[::ffff:127.0.0.1]:9'), { address: '127.0.0.1', port: 9 });
  assert.deepEqual(parsePeerAddress('ipv6:[2001:db8::1]:7'), { address: '2001:db8::1', port: 7 });
  assert.deepEqual(parsePeerAddress('2001:db8::1'), { address: '2001:db8::1', port: 0 });
});

test('operator certificate lifetime: longer than the cap (plus the 5 min skew backdate) is refused with the reason; members are not concerned', () => {
  const operator = (validFrom: string, validTo: string) =>
    certificateIdentity(cert({ subject: { CN: 'alice', OU: 'g2g-operator', O: 'g2g' } as PeerCertificate['subject'], subjectaltname: 'URI:g2g-operator://x/alice', ext_key_usage: ['1.3.6.1.5.5.7.3.2'], valid_from: validFrom, valid_to: validTo }));
  const day = 24 * 3600_000;
  assert.equal(operatorLifetimeRefusal(operator('Nov 21 11:55:00 2026 GMT', 'Nov 22 12:00:00 2026 GMT'), day), undefined, '24 h issued with a 5 min backdate');
  const refusal = operatorLifetimeRefusal(operator('Nov 21 12:00:00 2026 GMT', 'Nov 22 12:10:00 2026 GMT'), day);
  assert.match(refusal ?? '', /operator certificate "alice" is valid for 24\.17 h .*operatorCertMaxLifetime of 24 h/);
  assert.ok(operatorLifetimeRefusal(operator('Nov 21 12:00:00 2026 GMT', 'Nov 21 12:00:00 2300 GMT'), day));
  assert.equal(operatorLifetimeRefusal(operator('Nov 21 12:00:00 2026 GMT', 'Nov 21 12:00:00 2300 GMT'), 300 * 365 * day), undefined, 'a larger cap admits it');
  const member = certificateIdentity(cert({ valid_from: 'Nov 21 12:00:00 2026 GMT', valid_to: 'Nov 21 12:00:00 2300 GMT' }));
  assert.equal(operatorLifetimeRefusal(member, day), undefined, 'member leaves have their own lifetime rules');
});
