import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import * as protobuf from 'protobufjs';
import { decodeEntry, encodeEntry, entryFromWire } from '../../plugins/kv/entry-codec';
import type { KvEntry } from '../../plugins/kv/entry';

/** The source proto (tests run from dist/test/unit). */
const KV_PROTO = path.resolve(__dirname, '../../../plugins/kv/kv.proto');

test('the channel encoding is g2g.kv.v1.Entry as kv.proto defines it', () => {
  const Entry = protobuf.loadSync(KV_PROTO).lookupType('g2g.kv.v1.Entry');
  const entry: KvEntry = { key: 'k/ü', value: Buffer.from([0, 1, 255]), deleted: false, version: { wallMs: 1_700_000_000_123, counter: 7, nodeId: 'abcdefgh' }, signature: new Uint8Array(0) };
  const ours = encodeEntry(entry);
  const theirs = Entry.encode(Entry.fromObject({ key: entry.key, value: entry.value, deleted: false, version: { wallMs: entry.version.wallMs, counter: 7, nodeId: 'abcdefgh' }, signature: new Uint8Array(0) })).finish();
  assert.deepEqual(Buffer.from(ours), Buffer.from(theirs));
  assert.deepEqual(decodeEntry(theirs), { ...entry, value: new Uint8Array(entry.value) });
  const tomb: KvEntry = { key: 'gone', value: new Uint8Array(0), deleted: true, version: { wallMs: 5, counter: 0, nodeId: 'n' }, signature: new Uint8Array(0) };
  assert.deepEqual(decodeEntry(encodeEntry(tomb)), tomb);
});

test('malformed entries are refused (no key, no version, impossible numbers)', () => {
  assert.throws(() => entryFromWire({ key: '', version: { wallMs: 1, counter: 0, nodeId: 'n' }, signature: new Uint8Array(0) }), /no key/);
  assert.throws(() => entryFromWire({ key: 'k' }), /version/);
  assert.throws(() => entryFromWire({ key: 'k', version: { wallMs: -1, counter: 0, nodeId: 'n' }, signature: new Uint8Array(0) }), /version/);
  assert.throws(() => entryFromWire({ key: 'k', version: { wallMs: 1, counter: -1, nodeId: 'n' }, signature: new Uint8Array(0) }), /version/);
  assert.throws(() => entryFromWire({ key: 'k', version: { wallMs: 1, counter: 0, nodeId: '' }, signature: new Uint8Array(0) }), /version/);
  assert.throws(() => decodeEntry(Buffer.from([0xff, 0xff, 0xff])));
  assert.equal(entryFromWire({ key: 'k', value: Buffer.from('ignored'), deleted: true, version: { wallMs: '12', counter: 0, nodeId: 'n' }, signature: new Uint8Array(0) }).value.length, 0);
});
