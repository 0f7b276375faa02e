import type { PackageDefinition } from '@grpc/proto-loader';
import { FileDescriptorProto } from 'protobufjs/ext/descriptor';

/**
 * Repairs the serialized descriptors protobufjs (under proto-loader) produces, which reflection
 * hands to clients. Go's protodesc, used by grpcurl and buf curl, rejects the whole file set over
 * either of these, so reflection of a port breaks for Go clients:
 *
 * 1. A map field's synthetic entry message is named after the field ("Statuses") where protoc
 *    names it `<CamelCaseField>Entry` ("StatusesEntry"). grpc.health.v1 has one; ours have none.
 * 2. A message's `reserved` ranges are written with an inclusive end; descriptor.proto's
 *    DescriptorProto.ReservedRange.end is exclusive (`reserved 4` must be start 4, end 5).
 *
 * Idempotent: buffers this function produced are recognised and left alone.
 */
export function fixMapEntryDescriptors(definition: PackageDefinition): PackageDefinition {
  const fixed = new Map<Buffer, Buffer>();
  const fixBuffer = (bin: Buffer): Buffer => {
    if (repaired.has(bin)) return bin;
    let out = fixed.get(bin);
    if (!out) {
      const file = FileDescriptorProto.decode(bin) as unknown as FileDescriptor;
      const renamed = renameMapEntries(file);
      const widened = makeReservedEndsExclusive(file);
      out = renamed || widened ? Buffer.from(FileDescriptorProto.encode(file as never).finish()) : bin;
      fixed.set(bin, out);
      repaired.add(out);
    }
    return out;
  };
  for (const value of Object.values(definition)) {
    const holder = value as { fileDescriptorProtos?: Buffer[] };
    if (Array.isArray(holder.fileDescriptorProtos)) {
      holder.fileDescriptorProtos = holder.fileDescriptorProtos.map(fixBuffer);
    }
  }
  return definition;
}

const repaired = new WeakSet<Buffer>();

interface FieldDescriptor {
  name: string;
  typeName?: string;
  label?: unknown;
}
interface MessageDescriptor {
  name: string;
  field: FieldDescriptor[];
  nestedType: MessageDescriptor[];
  reservedRange?: { start?: number; end?: number }[];
  options?: { mapEntry?: boolean } | null;
}
interface FileDescriptor {
  messageType: MessageDescriptor[];
}

/** protoc's rule: `foo_bar` → `FooBarEntry`. */
export function mapEntryName(fieldName: string): string {
  const camel = fieldName.replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
  return `${camel.charAt(0).toUpperCase()}${camel.slice(1)}Entry`;
}

function renameMapEntries(file: FileDescriptor): boolean {
  let changed = false;
  const visit = (message: MessageDescriptor): void => {
    for (const nested of message.nestedType ?? []) visit(nested);
    for (const nested of message.nestedType ?? []) {
      if (!nested.options?.mapEntry) continue;
      const field = (message.field ?? []).find((f) => lastSegment(f.typeName) === nested.name);
      if (!field) continue;
      const wanted = mapEntryName(field.name);
      if (nested.name === wanted) continue;
      const prefix = (field.typeName ?? '').slice(0, -nested.name.length);
      nested.name = wanted;
      field.typeName = prefix + wanted;
      changed = true;
    }
  };
  for (const message of file.messageType ?? []) visit(message);
  return changed;
}

function makeReservedEndsExclusive(file: FileDescriptor): boolean {
  let changed = false;
  const visit = (message: MessageDescriptor): void => {
    for (const range of message.reservedRange ?? []) {
      range.end = (range.end ?? range.start ?? 0) + 1;
      changed = true;
    }
    for (const nested of message.nestedType ?? []) visit(nested);
  };
  for (const message of file.messageType ?? []) visit(message);
  return changed;
}

function lastSegment(typeName: string | undefined): string {
  return (typeName ?? '').split('.').pop() ?? '';
}
