import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { Membership } from '../../src/membership/membership';
import type { Transport } from '../../src/membership/transport';
import { KNOWN_PEERS_FILE, readKnownPeers, writeKnownPeers } from '../../src/node/known-peers';
import { ManualClock } from '../../src/testing/manual-clock';
import { SeededRandom } from '../../src/testing/seeded-random';
import { SimAuthority } from '../../src/testing/sim-authenticator';
import { removeDir, tempDir } from '../helpers/node-process';

const offline: Transport = {
  exchange: () => Promise.reject(new Error('offline')),
  ping: () => Promise.reject(new Error('offline')),
  pingVia: () => Promise.reject(new Error('offline')),
};

test('removals survive a restart through the known-peers file and are verified again when read back', async () => {
  const authority = new SimAuthority(new SeededRandom(9));
  const clock = new ManualClock(1_000_000);
  const [a, b] = [authority.createIdentity(), authority.createIdentity()];
  const make = () =>
    new Membership(
      { clock, random: new SeededRandom(1), transport: offline, authenticator: a.authenticator },
      { nodeId: a.nodeId, cluster: 'c', mode: 'server', addresses: ['10.0.0.1'], registerPort: 1, gossipPort: 2, caCertPem: a.caCertPem, leaf: { fingerprint: 'sha256:00', notAfterMs: 0 } },
    );
  const before = make();
  before.start();
  const removal = before.remove(b.nodeId);
  before.stop();
  const dir = await tempDir();
  try {
    await writeKnownPeers(dir, { version: 3, peers: [], removals: before.removals() });
    const read = await readKnownPeers(dir);
    assert.equal(read.version, 3);
    assert.equal(read.removals?.length, 1);
    const after = make();
    after.restoreRemovals(read.removals!);
    assert.deepEqual({ ...after.removalOf(b.nodeId)!, signature: [...after.removalOf(b.nodeId)!.signature] }, { ...removal, signature: [...removal.signature] });
    assert.equal(after.isTombstoned(b.nodeId, 1_000), true);

    // A tampered file loses the removal, not the rest of the file.
    const text = JSON.parse(await (await import('node:fs/promises')).readFile(path.join(dir, KNOWN_PEERS_FILE), 'utf8')) as { removals: { issuedAtMs: number }[] };
    text.removals[0]!.issuedAtMs += 1;
    await writeFile(path.join(dir, KNOWN_PEERS_FILE), JSON.stringify(text));
    const tampered = make();
    tampered.restoreRemovals((await readKnownPeers(dir)).removals!);
    assert.equal(tampered.removalOf(b.nodeId), undefined, 'a removal whose signature no longer verifies is dropped');
  } finally {
    await removeDir(dir);
  }
});
