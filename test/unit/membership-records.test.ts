import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import protobuf from 'protobufjs';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import { createNodeCa, type NodeCa } from '../../src/identity/node-ca';
import { claimSize, digestSize, heartbeatSize, recordSize, removalSize } from '../../src/membership/message-size';
import { recordToWire } from '../../src/transport/gossip-wire';
import { compareVersions, heartbeatOf, isNewer, PROTOCOL_VERSION, recordSigningBytes, withHeartbeat, type NodeRecord, type RecordBody } from '../../src/membership/node-record';
import { CaRecordAuthenticator } from '../../src/membership/record-authenticator';

const T0 = Date.UTC(2025, 0, 1);
let ca: NodeCa;
let other: NodeCa;
before(async () => {
  const [a, b] = await Promise.all([generateRsaKeyPair(1024), generateRsaKeyPair(1024)]);
  ca = createNodeCa({ keyPair: a, now: new Date(T0), lifetimeMs: 365 * 86_400_000 });
  other = createNodeCa({ keyPair: b, now: new Date(T0), lifetimeMs: 365 * 86_400_000 });
});

function body(owner: NodeCa, changes: Partial<RecordBody> = {}): RecordBody {
  return {
    nodeId: owner.nodeId,
    cluster: 'prod',
    mode: 'server',
    addresses: ['10.0.0.1', 'node-1.example'],
    registerPort: 7946,
    gossipPort: 7947,
    caCertPem: owner.certPem,
    leaf: { fingerprint: `sha256:${'ab'.repeat(32)}`, notAfterMs: T0 + 3600_000 },
    version: 3,
    services: ['g2g.example:7946'],
    tags: [{ key: 'zone', value: 'a' }],
    protocolVersion: PROTOCOL_VERSION,
    left: false,
    ...changes,
  };
}

function signed(auth: CaRecordAuthenticator, b: RecordBody, heartbeat = 17): NodeRecord {
  return { ...b, heartbeat, signature: auth.signBody(b), heartbeatSignature: auth.signHeartbeat(b.nodeId, b.version, heartbeat) };
}

test('merge order is (version, heartbeat): a version bump beats any heartbeat', () => {
  assert.ok(compareVersions(2, 0, 1, 999) > 0);
  assert.ok(compareVersions(1, 5, 1, 4) > 0);
  assert.equal(compareVersions(1, 5, 1, 5), 0);
  assert.ok(isNewer({ version: 3, heartbeat: 1 }, { version: 2, heartbeat: 50 }));
  assert.ok(!isNewer({ version: 2, heartbeat: 50 }, { version: 2, heartbeat: 50 }));
});

test('canonical bytes cover every body field and exclude the heartbeat', () => {
  const b = body(ca);
  const base = recordSigningBytes(b);
  const variants: Partial<RecordBody>[] = [
    { cluster: 'other' }, { mode: 'client' }, { addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.1node-1.example'] }, { registerPort: 1 }, { gossipPort: 1 },
    { caCertPem: other.certPem }, { leaf: { fingerprint: 'sha256:00', notAfterMs: T0 } }, { leaf: { ...b.leaf, notAfterMs: T0 + 1 } }, { version: 4 },
    { services: [] }, { tags: [{ key: 'zone', value: 'b' }] }, { tags: [{ key: 'zonea', value: '' }] }, { protocolVersion: 2 }, { left: true },
  ];
  for (const v of variants) assert.notDeepEqual(recordSigningBytes({ ...b, ...v }), base, `changing ${Object.keys(v).join()} must change the signed bytes`);
  assert.deepEqual(recordSigningBytes({ ...b, heartbeat: 99 } as RecordBody), base);
});

test('RSA authenticator: the owner signs, anyone verifies; forged, tampered and mis-bound records fail', () => {
  const mine = new CaRecordAuthenticator(ca.keyPem);
  const theirs = new CaRecordAuthenticator(other.keyPem);
  const verifier = new CaRecordAuthenticator();
  const record = signed(mine, body(ca));
  assert.ok(verifier.verifyRecord(record));
  assert.ok(verifier.verifyHeartbeat(ca.certPem, heartbeatOf(record)));

  // Another node signs in our name, with our CA: wrong key.
  assert.ok(!verifier.verifyRecord(signed(theirs, body(ca))));
  // Another node's CA with our id: the id is not derived from that CA's key.
  assert.ok(!verifier.verifyRecord(signed(theirs, body(ca, { caCertPem: other.certPem }))));
  // Tampered body, tampered heartbeat, heartbeat signature moved to another version.
  assert.ok(!verifier.verifyRecord({ ...record, addresses: ['203.0.113.9'] }));
  assert.ok(!verifier.verifyRecord({ ...record, heartbeat: record.heartbeat + 1 }));
  assert.ok(!verifier.verifyHeartbeat(ca.certPem, { ...heartbeatOf(record), version: record.version + 1 }));
  assert.ok(!verifier.verifyHeartbeat(other.certPem, heartbeatOf(record)));
  // Garbage does not throw.
  assert.ok(!verifier.verifyRecord({ ...record, caCertPem: 'not a pem' }));
  assert.ok(!verifier.verifyRecord({ ...record, signature: new Uint8Array(3) }));
  assert.throws(() => verifier.signBody(body(ca)), TypeError);

  // A later heartbeat of the same version, signed by the owner, attaches to the record.
  const beat = { nodeId: ca.nodeId, version: record.version, heartbeat: 18, signature: mine.signHeartbeat(ca.nodeId, record.version, 18) };
  assert.ok(verifier.verifyRecord(withHeartbeat(record, beat)));
  assert.throws(() => withHeartbeat(record, { ...beat, version: 9 }), RangeError);
});

test('message sizes match protobuf encoding (proto/g2g/v1)', () => {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.resolve(__dirname, '../../../proto', target);
  root.loadSync(['g2g/v1/node.proto', 'g2g/v1/gossip.proto'], { keepCase: false });
  const NodeRecordT = root.lookupType('g2g.v1.NodeRecord');
  const HeartbeatT = root.lookupType('g2g.v1.Heartbeat');
  const DigestT = root.lookupType('g2g.v1.RecordDigest');
  const ClaimT = root.lookupType('g2g.v1.MemberClaim');
  const auth = new CaRecordAuthenticator(ca.keyPem);
  for (const r of [signed(auth, body(ca)), signed(auth, body(ca, { left: true, version: 300, tags: [], services: [], addresses: [] }), 123_456)]) {
    // protobufjs writes a field that is present even at its default (left: false); a proto3
    // encoder omits it, as recordSize does, so defaults are dropped before encoding.
    const plain: Record<string, unknown> = { ...r, mode: r.mode === 'server' ? 1 : 2, leaf: { fingerprint: r.leaf.fingerprint, notAfterUnixMs: r.leaf.notAfterMs }, signature: Buffer.from(r.signature), heartbeatSignature: Buffer.from(r.heartbeatSignature) };
    if (!r.left) delete plain.left;
    const wire = NodeRecordT.encode(NodeRecordT.fromObject(plain)).finish();
    assert.equal(recordSize(r), wire.length);
    const hb = heartbeatOf(r);
    assert.equal(heartbeatSize(hb), HeartbeatT.encode(HeartbeatT.fromObject({ ...hb, signature: Buffer.from(hb.signature) })).finish().length);
  }
  const digest = { nodeId: ca.nodeId, version: 70_000, heartbeat: 3, state: 'suspect' as const };
  assert.equal(digestSize(digest), DigestT.encode(DigestT.fromObject({ ...digest, state: 2 })).finish().length);
  const claim = { nodeId: ca.nodeId, version: 5, state: 'dead' as const, from: other.nodeId };
  assert.equal(claimSize(claim), ClaimT.encode(ClaimT.fromObject({ ...claim, state: 3 })).finish().length);
  const RemovalT = root.lookupType('g2g.v1.Removal');
  const remover = signed(auth, body(ca));
  for (const reinstated of [false, true]) {
    const removal = { nodeId: other.nodeId, remover, issuedAtMs: 1_750_000_000_123, reinstated, signature: new Uint8Array(256) };
    const wireRemover = { ...recordToWire(remover), mode: 1 } as Record<string, unknown>;
    delete wireRemover.left;
    const plain: Record<string, unknown> = { nodeId: removal.nodeId, remover: wireRemover, issuedAtUnixMs: removal.issuedAtMs, signature: Buffer.from(removal.signature) };
    if (reinstated) plain.reinstated = true;
    assert.equal(removalSize(removal), RemovalT.encode(RemovalT.fromObject(plain)).finish().length);
  }
});
