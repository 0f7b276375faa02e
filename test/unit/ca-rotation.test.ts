import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { before, test } from 'node:test';
import { endorse, lineageValid, verifyLineage, type CaEndorsement } from '../../src/identity/ca-lineage';
import { lineagePaths } from '../../src/identity/ca-rotation-store';
import { CaRotator } from '../../src/identity/ca-rotator';
import { loadOrCreateNodeCa, readNodeCaFiles } from '../../src/identity/identity-store';
import { generateRsaKeyPair } from '../../src/identity/keygen';
import { issueLeaf, validateLeaf } from '../../src/identity/leaf';
import { createNodeCa, type NodeCa } from '../../src/identity/node-ca';
import { silentLogger } from '../../src/log/logger';
import { CaRecordAuthenticator } from '../../src/membership/record-authenticator';
import { ManualClock } from '../../src/testing/manual-clock';
import { removeDir, tempDir } from '../helpers/node-process';
import { recordBody, signBody } from '../helpers/records';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
let origin: NodeCa;
let stranger: NodeCa;
let strangerKeys: Awaited<ReturnType<typeof generateRsaKeyPair>>;

before(async () => {
  const [a, b] = await Promise.all([generateRsaKeyPair(1024), generateRsaKeyPair(1024)]);
  strangerKeys = b;
  origin = createNodeCa({ keyPair: a, now: new Date(T0), lifetimeMs: 365 * DAY });
  stranger = createNodeCa({ keyPair: b, now: new Date(T0), lifetimeMs: 365 * DAY });
});

async function rotated(from: NodeCa, generation = 2): Promise<NodeCa> {
  const made = createNodeCa({ keyPair: await generateRsaKeyPair(1024), now: new Date(T0), lifetimeMs: 365 * DAY, nodeId: from.nodeId, generation });
  const lineage = [...(from.lineage ?? [{ caCertPem: from.certPem, signature: new Uint8Array(0) }]), endorse(from.nodeId, made.certPem, from.keyPem)];
  return { ...made, nodeId: from.nodeId, lineage };
}

test('a lineage proves a rotated CA for the original node id, twice over; the node id never changes', async () => {
  const second = await rotated(origin);
  const third = await rotated(second, 3);
  assert.notEqual(second.certPem, origin.certPem);
  verifyLineage(origin.nodeId, second.certPem, second.lineage!);
  verifyLineage(origin.nodeId, third.certPem, third.lineage!, second.certPem);
  assert.equal(third.lineage!.length, 3);
  // A leaf of the rotated CA names the same id and validates against it.
  const leaf = await issueLeaf(third, { now: new Date(T0 + 1000), lifetimeMs: 3600_000, ips: [], keyBits: 1024 });
  validateLeaf(third, leaf, new Date(T0 + 2000));
  // The rotated CA's subject differs from the original's (no shadowing in a bundle), its CN does not.
  assert.match(second.certPem, /CERTIFICATE/);
});

test('an endorsement signed by the wrong key, a CA named for another node, or a cut lineage is refused', async () => {
  const second = await rotated(origin);
  // The new CA endorsed by a stranger's key instead of the original's.
  const wrongKey: CaEndorsement[] = [second.lineage![0]!, endorse(origin.nodeId, second.certPem, stranger.keyPem)];
  assert.throws(() => verifyLineage(origin.nodeId, second.certPem, wrongKey), /not endorsed by the key of the CA before it/);
  // The stranger's own CA appended, endorsed by the right key but named for another node.
  const foreign: CaEndorsement[] = [second.lineage![0]!, endorse(origin.nodeId, stranger.certPem, origin.keyPem)];
  assert.throws(() => verifyLineage(origin.nodeId, stranger.certPem, foreign), /is named/);
  // A lineage that does not start from the id's own key.
  assert.throws(() => verifyLineage(origin.nodeId, second.certPem, [{ caCertPem: stranger.certPem, signature: new Uint8Array(0) }, ...second.lineage!.slice(1)]));
  // An unrotated CA whose key is another node's, and a previous CA that is not the endorser.
  assert.equal(lineageValid(origin.nodeId, stranger.certPem, []), false);
  assert.equal(lineageValid(origin.nodeId, second.certPem, second.lineage!, stranger.certPem), false);
  assert.equal(lineageValid(origin.nodeId, second.certPem, second.lineage!, origin.certPem), true);
});

test('records: a rotated node signs with its new key and verifies through its lineage; forged lineages are refused', async () => {
  const second = await rotated(origin);
  const verifier = new CaRecordAuthenticator();
  assert.ok(verifier.verifyRecord(signBody(recordBody(origin), origin.keyPem)));
  const good = signBody(recordBody(second, { previousCaCertPem: origin.certPem }), second.keyPem);
  assert.ok(verifier.verifyRecord(good), 'endorsed rotation');
  assert.ok(verifier.verifyHeartbeat(second.certPem, { nodeId: origin.nodeId, version: good.version, heartbeat: 0, signature: good.heartbeatSignature }));
  // The same new CA without its lineage, or with a wrong-key endorsement: refused.
  assert.equal(verifier.verifyRecord(signBody(recordBody({ ...second, lineage: undefined } as NodeCa), second.keyPem)), false);
  const forged = signBody(recordBody(second, { caLineage: [second.lineage![0]!, endorse(origin.nodeId, second.certPem, stranger.keyPem)] }), second.keyPem);
  assert.equal(new CaRecordAuthenticator().verifyRecord(forged), false);
  // A member's own key with a CA certificate named after another node is refused even unrotated.
  const impostorCa = createNodeCa({ keyPair: strangerKeys, now: new Date(T0), lifetimeMs: DAY, nodeId: origin.nodeId });
  assert.equal(verifier.verifyRecord(signBody({ ...recordBody(stranger), caCertPem: impostorCa.certPem }, stranger.keyPem)), false);
});

test('CA rotator: start (persisted, endorsed), leaves switch maxConnectionAge before the end, the previous CA retires; a restart resumes', async () => {
  const dir = await tempDir();
  try {
    const clock = new ManualClock(Date.now());
    const { ca } = await loadOrCreateNodeCa(dir, { now: new Date(clock.now()), caLifetimeMs: 365 * DAY, log: silentLogger(), keyBits: 1024 });
    const events: string[] = [];
    const make = (c: NodeCa, rotation?: ConstructorParameters<typeof CaRotator>[1]) =>
      new CaRotator(c, rotation, {
        dataDir: dir,
        clock,
        log: silentLogger(),
        caLifetimeMs: 365 * DAY,
        graceMs: 90_000,
        switchBeforeEndMs: 30_000,
        renewBeforeMs: 30 * DAY,
        keyBits: 1024,
        onStarted: (next, previous) => events.push(`started ${next.fingerprint === previous.fingerprint}`),
        onSwitched: () => events.push('switched'),
        onRetired: () => events.push('retired'),
      });
    const rotator = make(ca);
    rotator.start();
    const result = await rotator.rotate('test');
    assert.equal(result.previousFingerprint, ca.fingerprint);
    assert.equal(result.switchAtMs - clock.now(), 60_000);
    assert.deepEqual(events, ['started false']);
    assert.equal(rotator.current().nodeId, ca.nodeId, 'the node id does not change');
    assert.equal(rotator.issuing().fingerprint, ca.fingerprint, 'leaves stay on the previous CA until the switch');
    await assert.rejects(rotator.rotate('again'), /in progress/);
    assert.equal((await stat(lineagePaths(dir).previousKey)).mode & 0o777, 0o600);

    // A restart in the middle resumes the rotation from disk.
    const loaded = await loadOrCreateNodeCa(dir, { now: new Date(clock.now()), caLifetimeMs: 365 * DAY, log: silentLogger() });
    assert.equal(loaded.ca.nodeId, ca.nodeId);
    assert.equal(loaded.ca.fingerprint, result.fingerprint);
    assert.equal(loaded.rotation?.previous.certPem, ca.certPem);
    assert.equal((await readNodeCaFiles(dir)).nodeId, ca.nodeId, 'the CLI reads the rotated identity too');

    clock.advance(60_000);
    assert.deepEqual(events, ['started false', 'switched']);
    assert.equal(rotator.issuing().fingerprint, result.fingerprint);
    clock.advance(30_000);
    for (let i = 0; i < 500 && events.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(events, ['started false', 'switched', 'retired']);
    assert.equal(rotator.previousCertPem(), undefined);
    await assert.rejects(readFile(lineagePaths(dir).previousKey), { code: 'ENOENT' });
    const after = await loadOrCreateNodeCa(dir, { now: new Date(clock.now()), caLifetimeMs: 365 * DAY, log: silentLogger() });
    assert.equal(after.rotation, undefined);
    assert.equal(after.ca.lineage?.length, 2);
    rotator.stop();
  } finally {
    await removeDir(dir);
  }
});

test('CA rotator: rotates by itself once the CA has less than renewBeforeMs left', async () => {
  const dir = await tempDir();
  try {
    const clock = new ManualClock(Date.now());
    const { ca } = await loadOrCreateNodeCa(dir, { now: new Date(clock.now()), caLifetimeMs: 10 * DAY, log: silentLogger(), keyBits: 1024 });
    let started = false;
    const rotator = new CaRotator(ca, undefined, {
      dataDir: dir,
      clock,
      log: silentLogger(),
      caLifetimeMs: 10 * DAY,
      graceMs: 90_000,
      switchBeforeEndMs: 30_000,
      renewBeforeMs: DAY,
      keyBits: 1024,
      onStarted: () => (started = true),
      onSwitched: () => undefined,
      onRetired: () => undefined,
    });
    rotator.start();
    clock.advance(8 * DAY);
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(started, false);
    clock.advance(DAY + 5 * 60_000);
    for (let i = 0; i < 200 && !started; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(started, true, 'rotated before the CA expired');
    assert.equal(rotator.current().nodeId, ca.nodeId);
    rotator.stop();
  } finally {
    await removeDir(dir);
  }
});
