/**
 * The plugin contract is only extended: a plugin written against today's package keeps compiling
 * and passing its kit test. test/fixtures/compat-plugin is such a plugin, frozen (it imports only
 * 'g2g' and 'g2g/testing'); this test compiles it as a plugin project would — against the packed
 * package (`npm pack` of this checkout, built), resolved through its package.json (`exports`
 * under node16, `typesVersions` under classic node resolution) — and runs it on the kit, both
 * as compiled against the packed package and as compiled in this checkout.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import ts from 'typescript';
import { runCompat } from '../fixtures/compat-plugin/run-compat';
import { REPO_ROOT } from '../helpers/interop-exec';
import { removeDir, tempDir } from '../helpers/node-process';

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'compat-plugin');
const SOURCES = ['index.ts', 'run-compat.ts'];

let project = '';
before(async () => {
  // A plugin project: its sources, and the packed g2g in node_modules with g2g's dependencies
  // beside it (linked to this checkout's copies, as `npm install` of the tarball would place them).
  project = await tempDir('g2g-plugin-compat-');
  mkdirSync(path.join(project, 'src'));
  for (const file of SOURCES) copyFileSync(path.join(FIXTURE, file), path.join(project, 'src', file));
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'compat-plugin', private: true, type: 'commonjs' }));
  const packed = await promisify(execFile)('npm', ['pack', '--pack-destination', project, '--silent'], { cwd: REPO_ROOT, timeout: 60_000 });
  const tarball = path.join(project, packed.stdout.trim().split('\n').pop()!);
  const g2g = path.join(project, 'node_modules', 'g2g');
  mkdirSync(g2g, { recursive: true });
  await promisify(execFile)('tar', ['-xzf', tarball, '--strip-components=1', '-C', g2g], { timeout: 30_000 });
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; peerDependencies: Record<string, string> };
  for (const dep of new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)])) {
    mkdirSync(path.dirname(path.join(project, 'node_modules', dep)), { recursive: true });
    symlinkSync(path.join(REPO_ROOT, 'node_modules', dep), path.join(project, 'node_modules', dep), 'dir');
  }
}, { timeout: 120_000 });
after(async () => {
  if (project) await removeDir(project);
});

/** The frozen plugin compiled in the project with `options`: tsc's diagnostics, and the program. */
function compile(options: ts.CompilerOptions): { diagnostics: string[]; program: ts.Program } {
  const program = ts.createProgram(
    SOURCES.map((f) => path.join(project, 'src', f)),
    { target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true, types: ['node'], typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')], ...options },
  );
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.relative(project, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
    return `${where}TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  return { diagnostics, program };
}

const BROKE = 'The frozen plugin (test/fixtures/compat-plugin) no longer compiles against the package: a change removed or narrowed part of the plugin contract. Make the change additive (docs/plugin-guide.md, "Compatibility"); do not edit the fixture.';

test('the frozen plugin compiles against the packed package under moduleResolution node16 (package exports), and passes its kit test from there', { timeout: 120_000 }, async () => {
  const { diagnostics, program } = compile({ module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, noEmit: false, outDir: path.join(project, 'dist') });
  assert.deepEqual(diagnostics, [], BROKE);
  const g2gFiles = program.getSourceFiles().map((f) => f.fileName).filter((f) => f.includes('/node_modules/g2g/'));
  assert.ok(g2gFiles.some((f) => f.endsWith('dist/src/plugins/testing.d.ts')), 'the types came from the packed package');
  assert.equal(program.emit().emitSkipped, false);
  // Loaded from the project, so g2g/testing is the packed package's kit.
  const compiled = require(path.join(project, 'dist', 'run-compat.js')) as { runCompat(pluginDir: string): Promise<void> };
  await compiled.runCompat(FIXTURE);
});

test('the frozen plugin compiles against the packed package under classic moduleResolution node (typesVersions)', { timeout: 120_000 }, () => {
  assert.deepEqual(compile({ module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }).diagnostics, [], BROKE);
});

test('the frozen plugin passes its kit test as compiled in this checkout: lifecycle, handlers, pool, fan-out, streams, channel, signatures, clock, health, metrics', { timeout: 60_000 }, async () => {
  await runCompat(FIXTURE);
});
