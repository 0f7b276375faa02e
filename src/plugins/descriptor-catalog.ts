import type { PackageDefinition } from '@grpc/proto-loader';
import { DescriptorProto, EnumDescriptorProto, FileDescriptorProto, ServiceDescriptorProto } from 'protobufjs/ext/descriptor';

/**
 * The descriptors a port's reflection serves, merged across the host and every plugin.
 *
 * proto-loader (protobufjs) turns each load into one synthetic file per proto *package*
 * (`g2g_v1.proto`, `google_protobuf.proto`), holding only the types that load used, and
 * @grpc/reflection indexes files by name, first one wins. Two loads that touch the same package
 * — two plugins importing different well-known types, say — would each bring a
 * `google_protobuf.proto`, and reflection would serve the first, so Go clients could not resolve
 * the second plugin's types. So files of the same name are merged type by type, and a type
 * defined twice with different content is a clash (reflection could only ever show one of them).
 */
export class DescriptorCatalog {
  private readonly files = new Map<string, MergedFile>();
  /** Fully-qualified top-level type → owner and encoded descriptor. */
  private readonly types = new Map<string, { owner: string; bytes: Buffer }>();

  /**
   * The first type `definition` defines differently from what the catalog holds, with its owner;
   * undefined when it can be added.
   */
  clash(definition: PackageDefinition): { type: string; owner: string } | undefined {
    for (const file of decodeFiles(definition)) {
      for (const { fqn, bytes } of topLevelTypes(file)) {
        const known = this.types.get(fqn);
        if (known && !known.bytes.equals(bytes)) return { type: fqn, owner: known.owner };
      }
    }
    return undefined;
  }

  /** Adds a load's files (call `clash` first: a clashing type keeps its first definition). */
  add(owner: string, definition: PackageDefinition): void {
    for (const file of decodeFiles(definition)) {
      const name = file.name ?? '';
      let merged = this.files.get(name);
      if (!merged) {
        merged = { file: FileDescriptorProto.create({ ...file, messageType: [], enumType: [], service: [] }) as unknown as FileShape, names: new Set() };
        this.files.set(name, merged);
      }
      for (const type of topLevelTypes(file)) {
        if (!this.types.has(type.fqn)) this.types.set(type.fqn, { owner, bytes: type.bytes });
        if (merged.names.has(type.fqn)) continue;
        merged.names.add(type.fqn);
        merged.file[type.list].push(type.descriptor as never);
      }
    }
  }

  /**
   * A package-definition entry carrying the merged files. Put it before every other definition
   * handed to reflection: reflection keeps the first file of each name it meets.
   */
  reflectionEntry(): PackageDefinition {
    const fileDescriptorProtos = [...this.files.values()].map((m) => Buffer.from(FileDescriptorProto.encode(m.file as never).finish()));
    return { 'g2g.reflection.mergedFiles': { fileDescriptorProtos } } as unknown as PackageDefinition;
  }
}

interface FileShape {
  name?: string;
  package?: string;
  messageType: object[];
  enumType: object[];
  service: object[];
}

interface MergedFile {
  file: FileShape;
  names: Set<string>;
}

function decodeFiles(definition: PackageDefinition): FileShape[] {
  const buffers = new Set<Buffer>();
  for (const value of Object.values(definition)) {
    const list = (value as { fileDescriptorProtos?: Buffer[] }).fileDescriptorProtos;
    if (Array.isArray(list)) for (const b of list) buffers.add(b);
  }
  const byName = new Map<string, FileShape>();
  for (const b of buffers) {
    const file = FileDescriptorProto.decode(b) as unknown as FileShape;
    // Every entry of one load carries the same list; a file seen twice is one file.
    if (!byName.has(file.name ?? '')) byName.set(file.name ?? '', file);
  }
  return [...byName.values()];
}

function topLevelTypes(file: FileShape): { fqn: string; bytes: Buffer; list: 'messageType' | 'enumType' | 'service'; descriptor: object }[] {
  const prefix = file.package ? `${file.package}.` : '';
  const out: { fqn: string; bytes: Buffer; list: 'messageType' | 'enumType' | 'service'; descriptor: object }[] = [];
  const named = (d: object) => (d as { name?: string }).name ?? '';
  for (const d of file.messageType ?? []) out.push({ fqn: prefix + named(d), bytes: Buffer.from(DescriptorProto.encode(d as never).finish()), list: 'messageType', descriptor: d });
  for (const d of file.enumType ?? []) out.push({ fqn: prefix + named(d), bytes: Buffer.from(EnumDescriptorProto.encode(d as never).finish()), list: 'enumType', descriptor: d });
  for (const d of file.service ?? []) out.push({ fqn: prefix + named(d), bytes: Buffer.from(ServiceDescriptorProto.encode(d as never).finish()), list: 'service', descriptor: d });
  return out;
}
