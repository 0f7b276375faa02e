import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { FileDescriptorProto } from 'protobufjs/ext/descriptor';
import { fixMapEntryDescriptors, mapEntryName } from '../../src/proto/descriptor-fix';
import { g2gPackageDefinition, healthPackageDefinition } from '../../src/proto/protos';

interface Msg { name: string; field: { name: string; typeName?: string }[]; nestedType: Msg[]; options?: { mapEntry?: boolean } }

function listResponse(definition: protoLoader.PackageDefinition): Msg {
  const bins = (definition['grpc.health.v1.HealthListResponse'] as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos;
  for (const bin of bins) {
    const file = FileDescriptorProto.decode(bin) as unknown as { messageType: Msg[] };
    const message = file.messageType.find((m) => m.name === 'HealthListResponse');
    if (message) return message;
  }
  throw new Error('HealthListResponse not found');
}

test("protoc's map-entry naming rule", () => {
  assert.equal(mapEntryName('statuses'), 'StatusesEntry');
  assert.equal(mapEntryName('foo_bar'), 'FooBarEntry');
  assert.equal(mapEntryName('foo_bar_2'), 'FooBar2Entry');
});

test('proto-loader names the health map entry wrongly (the bug this module works around)', () => {
  const raw = listResponse(protoLoader.loadSync(healthProtoPath, { keepCase: true }));
  assert.equal(raw.nestedType[0]!.name, 'Statuses');
});

test('the fixed health descriptors name the entry StatusesEntry and the field points at it', () => {
  const fixed = listResponse(healthPackageDefinition());
  const entry = fixed.nestedType[0]!;
  assert.equal(entry.name, 'StatusesEntry');
  assert.equal(entry.options?.mapEntry, true);
  assert.match(fixed.field[0]!.typeName ?? '', /(^|\.)StatusesEntry$/);
});

test('fixing is idempotent and leaves protos without maps byte-identical', () => {
  const once = healthPackageDefinition();
  const bins = (once['grpc.health.v1.HealthListResponse'] as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos;
  const twice = fixMapEntryDescriptors(once);
  assert.deepEqual((twice['grpc.health.v1.HealthListResponse'] as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos, bins);
  const ours = protoLoader.loadSync(['g2g/v1/admin.proto'], { includeDirs: [require('node:path').resolve(__dirname, '../../../proto')] });
  const before = (ours['g2g.v1.StatusRequest'] as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos.map((b) => Buffer.from(b));
  const after = (fixMapEntryDescriptors(ours)['g2g.v1.StatusRequest'] as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos;
  assert.deepEqual(after, before);
});

test('our own protos declare no map fields (they break Go reflection clients)', () => {
  const definition = g2gPackageDefinition();
  for (const value of Object.values(definition)) {
    for (const bin of (value as { fileDescriptorProtos?: Buffer[] }).fileDescriptorProtos ?? []) {
      const file = FileDescriptorProto.decode(bin) as unknown as { name: string; messageType: Msg[] };
      const visit = (m: Msg) => {
        assert.ok(!m.options?.mapEntry, `${file.name}: ${m.name} is a map entry`);
        m.nestedType.forEach(visit);
      };
      file.messageType.forEach(visit);
    }
  }
});

test("reserved ranges get descriptor.proto's exclusive end (protobufjs writes it inclusive)", async () => {
  const { mkdtemp, writeFile } = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'g2g-proto-'));
  await writeFile(path.join(dir, 'r.proto'), 'syntax = "proto3"; package t; message M { reserved 4, 8 to 10; string a = 1; message N { reserved 2; } }');
  const raw = protoLoader.loadSync('r.proto', { includeDirs: [dir] });
  const fixed = fixMapEntryDescriptors(raw);
  const file = FileDescriptorProto.decode((fixed['t.M'] as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos[0]!) as unknown as {
    messageType: { reservedRange: { start: number; end: number }[]; nestedType: { reservedRange: { start: number; end: number }[] }[] }[];
  };
  assert.deepEqual(file.messageType[0]!.reservedRange.map((r) => [r.start, r.end]), [[4, 5], [8, 11]]);
  assert.deepEqual(file.messageType[0]!.nestedType[0]!.reservedRange.map((r) => [r.start, r.end]), [[2, 3]]);
  // Applying the repair again changes nothing.
  const again = fixMapEntryDescriptors(fixed);
  assert.deepEqual((again['t.M'] as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos, (fixed['t.M'] as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos);
});
