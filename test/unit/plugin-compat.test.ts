/**
 * The plugin contract is only extended: a plugin written against today's package keeps compiling
 * and passing its kit test. test/fixtures/compat-plugin is such a plugin, frozen (it imports only
 * 'g2g' and 'g2g/testing'); this test compiles it as a plugin project would — against the
 * package's built declaration files, resolved through package.json (`exports` under node16,
 * `typesVersions` under classic node resolution) — and runs it on the kit.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import ts from 'typescript';
import { runCompat } from '../fixtures/compat-plugin/run-compat';
import { REPO_ROOT } from '../helpers/interop-exec';
import { removeDir, tempDir } from '../helpers/node-process';

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'compat-plugin');
const SOURCES = ['index.ts', 'run-compat.ts'];

let project = '';
before(async () => {
  // A plugin project: its sources, and the g2g package (this checkout, built) in node_modules.
  project = await tempDir('g2g-plugin-compat-');
  mkdirSync(path.join(project, 'src'));
  for (const file of SOURCES) copyFileSync(path.join(FIXTURE, file), path.join(project, 'src', file));
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'compat-plugin', private: true, type: 'commonjs' }));
  mkdirSync(path.join(project, 'node_modules'));
  symlinkSync(REPO_ROOT, path.join(project, 'node_modules', 'g2g'), 'dir');
});
after(async () => {
  if (project) await removeDir(project);
});

/** tsc's diagnostics for the frozen plugin compiled in the project with `options`. */
function compile(options: ts.CompilerOptions): string[] {
  const program = ts.createProgram(
    SOURCES.map((f) => path.join(project, 'src', f)),
    { target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true, types: ['node'], typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')], ...options },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.relative(project, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
    return `${where}TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

const BROKE = 'The frozen plugin (test/fixtures/compat-plugin) no longer compiles against the package: a change removed or narrowed part of the plugin contract. Make the change additive (docs/plugin-guide.md, "Compatibility"); do not edit the fixture.';

test('the frozen plugin compiles against the built package under moduleResolution node16 (package exports)', { timeout: 120_000 }, () => {
  assert.deepEqual(compile({ module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }), [], BROKE);
});

test('the frozen plugin compiles against the built package under classic moduleResolution node (typesVersions)', { timeout: 120_000 }, () => {
  assert.deepEqual(compile({ module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }), [], BROKE);
});

test('the frozen plugin passes its kit test: lifecycle, handlers, pool, fan-out, streams, channel, signatures, clock, health, metrics', { timeout: 60_000 }, async () => {
  await runCompat(FIXTURE);
});
