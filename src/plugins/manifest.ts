import { readFileSync } from 'node:fs';
import path from 'node:path';
// The three functions, not semver's index: the index loads all of semver (~45 modules), which then
// sits in the heap of every node.
import validVersion from 'semver/functions/valid';
import validRange from 'semver/ranges/valid';
import satisfies from 'semver/functions/satisfies';
import type { PluginManifest } from './contract';
import { PluginHostVersionError, PluginManifestError } from './errors';

/** The manifest's file name inside a plugin folder. */
export const MANIFEST_FILE = 'g2g-plugin.json';

/** Plugin names: also the config section, the env var infix and the topic prefix. */
export const PLUGIN_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** A fully-qualified gRPC service: a package and a service name (`echo.v1.Echo`). */
const SERVICE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;

const KEYS = new Set(['name', 'version', 'host', 'entry', 'protos', 'services', 'config', 'description']);

/**
 * Reads and checks `<dir>/g2g-plugin.json` (no plugin code runs). Every problem of the manifest
 * is listed in one {@link PluginManifestError}, named after the plugin when its name is usable
 * and after the folder otherwise. File existence, protos and the config schema are checked later
 * (plugin-validation.ts); this is the shape.
 */
export function readManifest(dir: string): PluginManifest {
  const file = path.join(dir, MANIFEST_FILE);
  const folder = path.basename(dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PluginManifestError(folder, `cannot read ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new PluginManifestError(folder, `${file} is not valid JSON: ${(error as Error).message}`);
  }
  return checkManifest(raw, folder, file);
}

/** Checks a parsed manifest; `folder` names the plugin in errors when the name itself is bad. */
export function checkManifest(raw: unknown, folder: string, file = MANIFEST_FILE): PluginManifest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PluginManifestError(folder, `${file} must hold a JSON object`);
  }
  const m = raw as Record<string, unknown>;
  const label = typeof m.name === 'string' && PLUGIN_NAME.test(m.name) ? m.name : folder;
  const problems: string[] = [];
  for (const key of Object.keys(m)) if (!KEYS.has(key)) problems.push(`unknown key "${key}"`);

  if (typeof m.name !== 'string' || !PLUGIN_NAME.test(m.name)) {
    problems.push(`name must match ${PLUGIN_NAME.source} (lower-case letters, digits, hyphens; 1-63), got ${shown(m.name)}`);
  }
  if (typeof m.version !== 'string' || validVersion(m.version) !== m.version) {
    problems.push(`version must be a semantic version such as 1.0.0, got ${shown(m.version)}`);
  }
  if (typeof m.host !== 'string' || m.host.trim() === '' || validRange(m.host) === null) {
    problems.push(`host must be a semver range of g2g versions such as ^0.1.0, got ${shown(m.host)}`);
  }
  if (!isRelativeInside(m.entry)) {
    problems.push(`entry must be a relative path inside the plugin folder (the compiled module, e.g. index.js), got ${shown(m.entry)}`);
  }
  if (!Array.isArray(m.protos) || m.protos.length === 0) {
    problems.push(`protos must be a non-empty array of .proto paths relative to the plugin folder, got ${shown(m.protos)}`);
  } else {
    for (const p of m.protos) {
      if (!isRelativeInside(p) || !(p as string).endsWith('.proto')) problems.push(`protos: ${shown(p)} is not a relative .proto path inside the plugin folder`);
    }
  }
  if (!Array.isArray(m.services) || m.services.length === 0) {
    problems.push(`services must be a non-empty array of fully-qualified service names (package.Service), got ${shown(m.services)}`);
  } else {
    const seen = new Set<unknown>();
    for (const s of m.services) {
      if (typeof s !== 'string' || !SERVICE_NAME.test(s)) problems.push(`services: ${shown(s)} is not a fully-qualified service name (package.Service)`);
      else if (seen.has(s)) problems.push(`services: ${s} is listed twice`);
      seen.add(s);
    }
  }
  if (m.config !== undefined && (typeof m.config !== 'object' || m.config === null || Array.isArray(m.config))) {
    problems.push(`config must be an object (a convict schema), got ${shown(m.config)}`);
  }
  if (m.description !== undefined && typeof m.description !== 'string') {
    problems.push(`description must be a string, got ${shown(m.description)}`);
  }
  if (problems.length > 0) throw new PluginManifestError(label, `${file}: ${problems.join('; ')}`);
  return m as unknown as PluginManifest;
}

/** Throws unless `hostVersion` satisfies the manifest's `host` range (pre-releases included). */
export function checkHostVersion(manifest: PluginManifest, hostVersion: string): void {
  if (!satisfies(hostVersion, manifest.host, { includePrerelease: true })) {
    throw new PluginHostVersionError(manifest.name, `needs g2g ${manifest.host}, this is g2g ${hostVersion}`);
  }
}

function isRelativeInside(p: unknown): boolean {
  if (typeof p !== 'string' || p === '' || p.includes('\0') || path.isAbsolute(p) || path.win32.isAbsolute(p)) return false;
  const normal = path.normalize(p);
  return normal !== '..' && !normal.startsWith(`..${path.sep}`);
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
