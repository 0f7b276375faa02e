import type { PackageDefinition } from '@grpc/proto-loader';
import { FileDescriptorProto } from 'protobufjs/ext/descriptor';

/**
 * protobufjs (under proto-loader) names a map field's synthetic entry message after the field
 * ("Statuses") where protoc names it `<CamelCaseField>Entry` ("StatusesEntry"). Go's protodesc,
 * used by grpcurl and buf curl, rejects the whole file set over that, so reflection of any port
 * that serves such a proto (grpc.health.v1 has one) breaks for Go clients. We rename the entry
 * types in the serialized descriptors that reflection reads. Our own protos have no map fields.
 */
export function fixMapEntryDescriptors(definition: PackageDefinition): PackageDefinition {
  const fixed = new Map<Buffer, Buffer>();
  const fixBuffer = (bin: Buffer): Buffer => {
    let out = fixed.get(bin);
    if (!out) {
      const file = FileDescriptorProto.decode(bin) as unknown as FileDescriptor;
      out = renameMapEntries(file) ? Buffer.from(FileDescriptorProto.encode(file as never).finish()) : bin;
      fixed.set(bin, out);
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

interface FieldDescriptor {
  name: string;
  typeName?: string;
  label?: unknown;
}
interface MessageDescriptor {
  name: string;
  field: FieldDescriptor[];
  nestedType: MessageDescriptor[];
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

function lastSegment(typeName: string | undefined): string {
  return (typeName ?? '').split('.').pop() ?? '';
}
