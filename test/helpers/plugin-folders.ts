import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './interop-exec';

/** The fixture plugin (compiled by the root tsc into dist/test/fixtures/plugins/echo). */
export const FIXTURE_PLUGINS_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'plugins');
export const ECHO_SERVICE = 'echo.v1.Echo';

/** The services of the plugins shipped in the package's plugins/ (kv, query), which every node runs. */
export const SHIPPED_PLUGIN_SERVICES = ['g2g.kv.v1.KeyValue', 'g2g.kv.v1.KeyValueSync', 'g2g.query.v1.Query'];
/** The shipped plugins, in discovery order. */
export const SHIPPED_PLUGINS = ['kv', 'query'];

export interface PluginFolderOptions {
  /** Manifest fields to change (undefined deletes the field). */
  manifest?: Record<string, unknown>;
  /** The whole manifest text instead (e.g. broken JSON). */
  manifestText?: string;
  /** The entry module (CommonJS); default: a class serving Ping. `null`: no entry file. */
  entry?: string | null;
  /** The entry's file name; default index.js. */
  entryFile?: string;
  /** Proto text; default: package `<pkg>.v1`, service Svc with Ping. `null`: no proto file. */
  proto?: string | null;
  /** Extra files (relative path → content). */
  files?: Record<string, string>;
}

/** `<folder>` → `folder_name.v1`, the default proto package of a generated plugin. */
export function packageOf(folder: string): string {
  return `${folder.replace(/-/g, '_')}.v1`;
}

export function defaultProto(pkg: string): string {
  return `syntax = "proto3";
package ${pkg};
service Svc {
  rpc Ping(PingRequest) returns (PingResponse);
}
message PingRequest { string text = 1; }
message PingResponse { string text = 1; string node_id = 2; }
`;
}

/** A plugin class serving Ping that records its life in `globalThis.__pluginEvents`. */
export function defaultEntry(service: string, extra = ''): string {
  return `'use strict';
const events = { push: (e) => (globalThis.__pluginEvents ??= []).push(e) };
module.exports = class {
  constructor(ctx) { this.ctx = ctx; events.push(ctx.name + ':construct'); ${extra} }
  register(server) {
    events.push(this.ctx.name + ':register');
    server.addService(${JSON.stringify(service)}, { Ping: (call, cb) => cb(null, { text: call.request.text, nodeId: this.ctx.nodeId }) });
  }
  start() { events.push(this.ctx.name + ':start'); }
  stop() { events.push(this.ctx.name + ':stop'); }
};
`;
}

/**
 * Writes a plugin folder `<root>/<folder>` that validates unless told otherwise: manifest named
 * after the folder, one proto, one service, a CommonJS entry.
 */
export async function writePlugin(root: string, folder: string, options: PluginFolderOptions = {}): Promise<string> {
  const dir = path.join(root, folder);
  const pkg = packageOf(folder);
  const protoFile = `${pkg.replace(/\./g, '/')}/svc.proto`;
  const manifest: Record<string, unknown> = {
    name: folder,
    version: '1.0.0',
    host: '>=0.1.0',
    entry: options.entryFile ?? 'index.js',
    protos: [protoFile],
    services: [`${pkg}.Svc`],
    ...options.manifest,
  };
  for (const [key, value] of Object.entries(options.manifest ?? {})) if (value === undefined) delete manifest[key];
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'g2g-plugin.json'), options.manifestText ?? JSON.stringify(manifest, null, 2));
  if (options.proto !== null) {
    await mkdir(path.join(dir, path.dirname(protoFile)), { recursive: true });
    await writeFile(path.join(dir, protoFile), options.proto ?? defaultProto(pkg));
  }
  if (options.entry !== null) await writeFile(path.join(dir, options.entryFile ?? 'index.js'), options.entry ?? defaultEntry(`${pkg}.Svc`));
  for (const [file, content] of Object.entries(options.files ?? {})) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

/** The lifecycle events the default entry recorded, and a reset. */
export function pluginEvents(): string[] {
  return ((globalThis as { __pluginEvents?: string[] }).__pluginEvents ??= []);
}

export function resetPluginEvents(): void {
  pluginEvents().length = 0;
}
