import 'reflect-metadata';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PluginSettings } from '../../src/config/schema';
import { checkManifest } from '../../src/plugins/manifest';
import { pluginConfigKeys } from '../../src/plugins/plugin-config';
import { validatePlugins, type ValidatedPlugin } from '../../src/plugins/plugin-validation';
import { discoverPluginFolders } from '../../src/plugins/discovery';
import { g2gPackageDefinition, healthPackageDefinition, SERVICE_NAMES } from '../../src/proto/protos';
import { REFLECTION_SERVICES } from '../../src/transport/reflection';
import { removeDir, tempDir } from '../helpers/node-process';
import { defaultEntry, defaultProto, packageOf, writePlugin } from '../helpers/plugin-folders';

const NO_SETTINGS: PluginSettings = { file: {}, env: {}, flags: {} };
let root = '';

before(async () => {
  root = await tempDir('g2g-plugin-validation-');
});
after(async () => {
  await removeDir(root);
});

/** Validates the given folders (under a fresh directory) and returns the outcome by name. */
async function validate(
  plugins: Record<string, Parameters<typeof writePlugin>[2]>,
  options: { enabled?: string[]; disabled?: string[]; settings?: PluginSettings; hostVersion?: string } = {},
): Promise<Map<string, ValidatedPlugin[]>> {
  const dir = await mkdtemp(path.join(root, 'case-'));
  for (const [folder, opts] of Object.entries(plugins)) await writePlugin(dir, folder, opts);
  const result = validatePlugins({
    folders: discoverPluginFolders([dir], path.join(dir, 'no-package-plugins')),
    enabled: options.enabled ?? [],
    disabled: options.disabled ?? [],
    hostVersion: options.hostVersion ?? '0.1.0',
    hostServices: [...Object.values(SERVICE_NAMES), ...REFLECTION_SERVICES],
    hostDefinitions: [g2gPackageDefinition(), healthPackageDefinition()],
    settings: options.settings ?? NO_SETTINGS,
  });
  const byName = new Map<string, ValidatedPlugin[]>();
  for (const p of result.plugins) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  return byName;
}

/** Asserts that the one plugin named `name` is invalid with `code`, and returns the message. */
function invalidWith(result: Map<string, ValidatedPlugin[]>, name: string, code: string): string {
  const [p] = result.get(name) ?? [];
  assert.ok(p, `no outcome for ${name} (have ${[...result.keys()].join(', ')})`);
  assert.equal(p.status, 'invalid', `${name} should be invalid`);
  assert.equal(p.status === 'invalid' && p.error.code, code, p.status === 'invalid' ? p.error.message : '');
  assert.equal(p.status === 'invalid' && p.error.plugin, name, 'the error names the plugin');
  return p.status === 'invalid' ? p.error.message : '';
}

describe('plugin validation: each problem has its code and names the plugin', () => {
  test('a valid plugin validates, with its config defaults', async () => {
    const result = await validate({ good: { manifest: { config: { greeting: { doc: 'what to say', default: 'hi', format: 'String' } } } } });
    const [p] = result.get('good')!;
    assert.equal(p!.status, 'valid');
    assert.deepEqual(p!.status === 'valid' && p!.config, { greeting: 'hi' });
  });

  test('ERR_PLUGIN_MANIFEST: unreadable JSON, missing or malformed fields, unknown keys', async () => {
    const cases: Record<string, Parameters<typeof writePlugin>[2] & { expect: RegExp }> = {
      'not-json': { manifestText: '{ "name": ', expect: /not valid JSON/ },
      'no-name': { manifest: { name: undefined }, expect: /name must match/ },
      'bad-name': { manifest: { name: 'Bad_Name' }, expect: /name must match/ },
      'bad-version': { manifest: { version: 'v1' }, expect: /version must be a semantic version/ },
      'bad-range': { manifest: { host: 'soon' }, expect: /host must be a semver range/ },
      'escaping-entry': { manifest: { entry: '../elsewhere/index.js' }, expect: /entry must be a relative path inside/ },
      'no-protos': { manifest: { protos: [] }, expect: /protos must be a non-empty array/ },
      'bad-service': { manifest: { services: ['NoPackage'] }, expect: /not a fully-qualified service name/ },
      'typo-key': { manifest: { servics: [] }, expect: /unknown key "servics"/ },
    };
    const result = await validate(cases);
    for (const [folder, { expect }] of Object.entries(cases)) {
      // A manifest without a usable name is named after its folder.
      assert.match(invalidWith(result, folder, 'ERR_PLUGIN_MANIFEST'), expect, folder);
    }
  });

  test('ERR_PLUGIN_MANIFEST: a config schema without docs, with host-assigned keys, or an unknown format', async () => {
    const result = await validate({
      undocumented: { manifest: { config: { size: { default: 1 } } } },
      'own-env': { manifest: { config: { size: { doc: 'd', default: 1, env: 'SIZE' } } } },
      'odd-format': { manifest: { config: { size: { doc: 'd', default: 1, format: 'no-such-format' } } } },
      'bad-key': { manifest: { config: { 'max-size': { doc: 'd', default: 1 } } } },
    });
    assert.match(invalidWith(result, 'undocumented', 'ERR_PLUGIN_MANIFEST'), /config\.size: needs a "doc"/);
    assert.match(invalidWith(result, 'own-env', 'ERR_PLUGIN_MANIFEST'), /"env" is assigned by the host/);
    assert.match(invalidWith(result, 'odd-format', 'ERR_PLUGIN_MANIFEST'), /no-such-format/);
    assert.match(invalidWith(result, 'bad-key', 'ERR_PLUGIN_MANIFEST'), /key names must be letters and digits/);
  });

  test('ERR_PLUGIN_FILE_MISSING: entry module or proto file absent', async () => {
    const result = await validate({ 'no-entry': { entry: null }, 'no-proto': { proto: null } });
    assert.match(invalidWith(result, 'no-entry', 'ERR_PLUGIN_FILE_MISSING'), /entry module index\.js not found/);
    assert.match(invalidWith(result, 'no-proto', 'ERR_PLUGIN_FILE_MISSING'), /proto file .* not found/);
  });

  test('ERR_PLUGIN_HOST_VERSION: the host range excludes this version', async () => {
    const result = await validate({ future: { manifest: { host: '>=2.0.0' } } }, { hostVersion: '0.1.0' });
    assert.match(invalidWith(result, 'future', 'ERR_PLUGIN_HOST_VERSION'), /needs g2g >=2\.0\.0, this is g2g 0\.1\.0/);
  });

  test('ERR_PLUGIN_DUPLICATE_NAME: two folders with one name: neither runs', async () => {
    const result = await validate({ one: { manifest: { name: 'twin' } }, two: { manifest: { name: 'twin' } } });
    const twins = result.get('twin')!;
    assert.equal(twins.length, 2);
    for (const t of twins) {
      assert.equal(t.status === 'invalid' && t.error.code, 'ERR_PLUGIN_DUPLICATE_NAME');
      assert.match(t.status === 'invalid' ? t.error.message : '', /declared by 2 folders/);
    }
  });

  test("ERR_PLUGIN_DUPLICATE_SERVICE: a host service, or another plugin's", async () => {
    const shared = { manifest: { services: ['shared.v1.Svc'], protos: ['shared.proto'] }, proto: null, files: { 'shared.proto': defaultProto('shared.v1') } };
    const result = await validate({
      'takes-admin': { manifest: { services: ['g2g.v1.Admin'] } },
      first: shared,
      second: shared,
    });
    assert.match(invalidWith(result, 'takes-admin', 'ERR_PLUGIN_DUPLICATE_SERVICE'), /g2g\.v1\.Admin is served by the host/);
    assert.match(invalidWith(result, 'first', 'ERR_PLUGIN_DUPLICATE_SERVICE'), /also declared by second/);
    assert.match(invalidWith(result, 'second', 'ERR_PLUGIN_DUPLICATE_SERVICE'), /also declared by first/);
  });

  test('ERR_PLUGIN_PROTO: a proto that does not parse', async () => {
    const result = await validate({ broken: { proto: 'syntax = "proto3";\nmessage {' } });
    assert.match(invalidWith(result, 'broken', 'ERR_PLUGIN_PROTO'), /protos do not parse/);
  });

  test('ERR_PLUGIN_SERVICE_UNDEFINED: a manifest service its protos do not define', async () => {
    const result = await validate({ ghost: { manifest: { services: ['ghost.v1.Other'] } } });
    assert.match(invalidWith(result, 'ghost', 'ERR_PLUGIN_SERVICE_UNDEFINED'), /ghost\.v1\.Other is not defined .*services defined: ghost\.v1\.Svc/);
  });

  test('ERR_PLUGIN_PROTO_CLASH: a type of the host or of another plugin redefined differently', async () => {
    const result = await validate({
      impostor: { proto: 'syntax = "proto3";\npackage g2g.v1;\nservice Svc2 { rpc Ping(NodeRecord) returns (NodeRecord); }\nmessage NodeRecord { string other = 1; }\n', manifest: { services: ['g2g.v1.Svc2'] } },
      alpha: { proto: defaultProto('common.v1').replace('service Svc', 'service Alpha'), manifest: { services: ['common.v1.Alpha'] } },
      beta: { proto: defaultProto('common.v1').replace('service Svc', 'service Beta').replace('string node_id = 2;', 'int64 node_id = 2;'), manifest: { services: ['common.v1.Beta'] } },
    });
    assert.match(invalidWith(result, 'impostor', 'ERR_PLUGIN_PROTO_CLASH'), /type g2g\.v1\.NodeRecord is also defined by the host/);
    assert.equal(result.get('alpha')![0]!.status, 'valid', 'the first definition stands');
    assert.match(invalidWith(result, 'beta', 'ERR_PLUGIN_PROTO_CLASH'), /type common\.v1\.PingResponse is also defined by plugin alpha/);
  });

  test('two plugins importing different well-known types do not clash, and reflection gets both', async () => {
    const wkt = (pkg: string, imp: string, type: string) =>
      `syntax = "proto3";\npackage ${pkg};\nimport "google/protobuf/${imp}.proto";\nservice Svc { rpc Ping(google.protobuf.${type}) returns (google.protobuf.${type}); }\n`;
    const dir = await mkdtemp(path.join(root, 'wkt-'));
    await writePlugin(dir, 'uses-empty', { proto: wkt(packageOf('uses-empty'), 'empty', 'Empty') });
    await writePlugin(dir, 'uses-time', { proto: wkt(packageOf('uses-time'), 'timestamp', 'Timestamp') });
    const result = validatePlugins({
      folders: discoverPluginFolders([dir], path.join(dir, 'none')),
      enabled: [],
      disabled: [],
      hostVersion: '0.1.0',
      hostServices: [],
      hostDefinitions: [],
      settings: NO_SETTINGS,
    });
    assert.deepEqual(result.plugins.map((p) => p.status), ['valid', 'valid']);
    const { FileDescriptorProto } = await import('protobufjs/ext/descriptor');
    const entry = Object.values(result.catalog.reflectionEntry())[0] as unknown as { fileDescriptorProtos: Buffer[] };
    const google = entry.fileDescriptorProtos.map((b) => FileDescriptorProto.decode(b) as unknown as { name: string; messageType: { name: string }[] }).find((f) => f.name === 'google_protobuf.proto');
    assert.deepEqual(google?.messageType.map((m) => m.name).sort(), ['Empty', 'Timestamp']);
  });

  test('ERR_PLUGIN_CONFIG: a bad value from the file, env or a flag, or an unknown key in the file', async () => {
    const config = { manifest: { config: { size: { doc: 'max size', default: 1, format: 'nat' } } } };
    const bad = async (settings: Partial<PluginSettings>) => {
      const result = await validate({ sized: config }, { settings: { ...NO_SETTINGS, ...settings } });
      return invalidWith(result, 'sized', 'ERR_PLUGIN_CONFIG');
    };
    assert.match(await bad({ file: { sized: { size: -4 } } }), /size: must be a positive integer/);
    assert.match(await bad({ file: { sized: { sise: 4 } } }), /sise/);
    assert.match(await bad({ env: { G2G_PLUGIN_SIZED_SIZE: 'many' } }), /size/);
    assert.match(await bad({ flags: { 'plugin-sized-size': '-1' } }), /size/);
    const good = await validate({ sized: config }, { settings: { file: { sized: { size: 2 } }, env: { G2G_PLUGIN_SIZED_SIZE: '3' }, flags: {} } });
    const [p] = good.get('sized')!;
    assert.deepEqual(p!.status === 'valid' && p!.config, { size: 3 }, 'env beats the file');
  });

  test('config keys: env var and flag names follow the plugin and key names', () => {
    const manifest = checkManifest(
      { name: 'my-kv', version: '1.0.0', host: '*', entry: 'index.js', protos: ['a.proto'], services: ['a.v1.A'], config: { maxValueBytes: { doc: 'd', default: 1 }, store: { path: { doc: 'd', default: '' } } } },
      'my-kv',
    );
    assert.deepEqual(
      pluginConfigKeys(manifest).map((k) => [k.path, k.env, k.flag]),
      [
        ['maxValueBytes', 'G2G_PLUGIN_MY_KV_MAX_VALUE_BYTES', 'plugin-my-kv-max-value-bytes'],
        ['store.path', 'G2G_PLUGIN_MY_KV_STORE_PATH', 'plugin-my-kv-store-path'],
      ],
    );
  });

  test('a --plugin-* flag that sets no key of any plugin fails the start (ERR_CONFIG)', async () => {
    await assert.rejects(
      validate({ sized: { manifest: { config: { size: { doc: 'd', default: 1 } } } } }, { settings: { ...NO_SETTINGS, flags: { 'plugin-sized-sise': '3' } } }),
      (error: Error & { code?: string }) => error.code === 'ERR_CONFIG' && /--plugin-sized-sise: not a setting of any plugin/.test(error.message),
    );
  });

  test('disabled plugins are not validated further; enabled is an allowlist; a missing enabled name is ERR_PLUGIN_NOT_FOUND', async () => {
    const result = await validate({ off: { entry: null }, on: {}, other: {} }, { disabled: ['off'], enabled: ['on', 'off', 'absent'] });
    assert.equal(result.get('off')![0]!.status, 'disabled', 'disabled wins, and its missing entry does not matter');
    assert.equal(result.get('on')![0]!.status, 'valid');
    assert.equal(result.get('other')![0]!.status, 'disabled', 'not in the allowlist');
    invalidWith(result, 'absent', 'ERR_PLUGIN_NOT_FOUND');
  });

  test('validation runs no plugin code', async () => {
    const marker = path.join(root, 'ran-marker');
    const entry = `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n${defaultEntry('x.v1.Svc')}`;
    await validate({ valid: { entry }, wrong: { entry, manifest: { host: '>=9.0.0' } } });
    assert.equal(existsSync(marker), false);
  });

  test('discovery: a folder of plugin folders, a plugin folder itself, a missing directory', async () => {
    const dir = await mkdtemp(path.join(root, 'disc-'));
    const a = await writePlugin(dir, 'a');
    await writePlugin(dir, 'b');
    await writeFile(path.join(dir, 'README.md'), 'not a plugin');
    assert.deepEqual(discoverPluginFolders([dir, a], path.join(dir, 'none')), [path.join(dir, 'a'), path.join(dir, 'b')], 'sorted, each once');
    assert.deepEqual(discoverPluginFolders([a], path.join(dir, 'none')), [a]);
    assert.throws(() => discoverPluginFolders([path.join(dir, 'nope')], path.join(dir, 'none')), { code: 'ERR_PLUGIN_DIR' });
  });
});
