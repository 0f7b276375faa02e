import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { scaffoldFiles } from '../../src/plugins/scaffold/templates';
import { REPO_ROOT } from '../helpers/interop-exec';
import { removeDir, tempDir } from '../helpers/node-process';

const BUF = path.join(REPO_ROOT, 'node_modules', '.bin', 'buf');

let root = '';
before(async () => {
  root = await tempDir('g2g-plugin-scaffold-');
});
after(async () => {
  await removeDir(root);
});

test("the scaffold's buf.yaml lints with the project's own rules (buf.yaml's lint section), scoped to proto/", async () => {
  const project = parse(await readFile(path.join(REPO_ROOT, 'buf.yaml'), 'utf8')) as { lint: unknown };
  const scaffold = parse(scaffoldFiles({ name: 'hello-world', g2gSpec: 'file:/x' })['buf.yaml']!) as { lint: unknown; modules: unknown };
  assert.deepEqual(scaffold.lint, project.lint);
  assert.deepEqual(scaffold.modules, [{ path: 'proto' }]);
});

test("a scaffolded project's proto passes buf lint with its buf.yaml, and lint is an npm script", { timeout: 60_000 }, async () => {
  const files = scaffoldFiles({ name: 'lint-me', g2gSpec: 'file:/x' });
  const dir = path.join(root, 'lint-me');
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  const pkg = JSON.parse(files['package.json']!) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
  assert.equal(pkg.scripts.lint, 'buf lint');
  assert.ok(pkg.devDependencies['@bufbuild/buf'], 'buf is a devDependency, so `npx @bufbuild/buf lint` runs the local copy');
  const result = await new Promise<{ code: number; out: string }>((resolve) =>
    execFile(BUF, ['lint'], { cwd: dir, timeout: 50_000 }, (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` })),
  );
  assert.equal(result.code, 0, result.out);
});
