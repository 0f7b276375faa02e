import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import { argsOf, envOf, readDockerfile, stage } from '../helpers/dockerfile';
import { eventually } from '../helpers/eventually';
import { exec, REPO_ROOT } from '../helpers/interop-exec';
import { cleanEnv, removeDir, tempDir } from '../helpers/node-process';
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * The container image's recipe, exercised without a container runtime (none on CI machines):
 * the Dockerfile's own steps are read from it and run in a clean temp directory that stands for
 * the image's file system — `npm pack` of the checkout (the build stage's step; `npm ci` and the
 * build itself are what `npm test` just did), the deps stage's RUN verbatim (unpack, `npm ci
 * --omit=dev` from the lock file), then the final stage's ENTRYPOINT + CMD with its ENV, and its
 * HEALTHCHECK command until it says healthy. Paths under /opt/g2g and the data dir are mapped
 * into the temp directory; ports are left to the OS (other tests share the machine).
 */

const dirs: string[] = [];
let node: ChildProcess | undefined;

after(async () => {
  node?.kill('SIGKILL');
  for (const dir of dirs) await removeDir(dir);
});

test('the Dockerfile: multi-stage, non-root, data dir a volume, HEALTHCHECK with g2g health, no secrets, no dev dependencies', async () => {
  const stages = await readDockerfile(path.join(REPO_ROOT, 'Dockerfile'));
  assert.ok(stages.length >= 2, 'multi-stage');
  const build = stage(stages, 'build');
  assert.ok(argsOf(build, 'RUN').includes('npm ci'), 'the build installs from the lock file');
  assert.ok(argsOf(build, 'RUN').includes('npm run build'), 'and compiles with tsc');
  const final = stages[stages.length - 1]!;
  assert.match(final.from, /^node:20(\.\d+)*-slim$/);
  const user = argsOf(final, 'USER').at(-1);
  assert.ok(user && user !== 'root' && user !== '0', `runs as a non-root user (${user})`);
  const env = envOf(final);
  assert.ok(argsOf(final, 'VOLUME').some((v) => v.includes(env.G2G_DATA_DIR!)), 'the data dir is a volume');
  assert.match(argsOf(final, 'HEALTHCHECK').join(' '), /CMD .*main\.js health/);
  for (const s of stages) {
    for (const key of Object.keys(envOf(s))) assert.ok(!/TOKEN|JOIN|SECRET|KEY/.test(key), `no secret baked in (${key})`);
  }
  const ignore = await readFile(path.join(REPO_ROOT, '.dockerignore'), 'utf8');
  for (const entry of ['node_modules', 'dist', '.git', '.g2g']) assert.ok(ignore.split('\n').includes(entry), `.dockerignore keeps ${entry} out of the context`);
});

test('the image steps in a clean directory: pack, production install, start with the entrypoint, healthy by the HEALTHCHECK', async () => {
  const stages = await readDockerfile(path.join(REPO_ROOT, 'Dockerfile'));
  const root = await tempDir('g2g-image-');
  dirs.push(root);
  const env = { ...cleanEnv(), npm_config_cache: path.join(root, 'npm-cache'), npm_config_update_notifier: 'false' };
  // "/" of the image is `root`.
  const inImage = (p: string) => p.replace(/(^|[\s"'=])\/(opt|pkg|src|var)(?=\/|\s|$)/g, (_m, lead: string, top: string) => `${lead}${root}/${top}`);

  // Build stage: the pack step, run in the checkout (built by `npm test`).
  const pack = argsOf(stage(stages, 'build'), 'RUN').find((r) => r.includes('npm pack'));
  assert.ok(pack, 'the build stage packs the package');
  await mkdir(path.join(root, 'pkg'), { recursive: true });
  const packed = await exec('sh', ['-c', inImage(pack)], { cwd: REPO_ROOT, env, timeoutMs: 120_000 });
  assert.equal(packed.code, 0, packed.stderr);

  // Deps stage: its COPY --from=build, then its RUN verbatim in its WORKDIR.
  const deps = stage(stages, 'deps');
  const workdir = inImage(argsOf(deps, 'WORKDIR')[0]!);
  await mkdir(workdir, { recursive: true });
  const copy = argsOf(deps, 'COPY').find((c) => c.startsWith('--from=build'))!.split(/\s+/).slice(1);
  for (const from of copy.slice(0, -1)) {
    const source = from.startsWith('/src/') ? path.join(REPO_ROOT, from.slice('/src/'.length)) : inImage(from);
    await copyFile(source, path.join(workdir, path.basename(from)));
  }
  for (const run of argsOf(deps, 'RUN')) {
    const result = await exec('sh', ['-c', run], { cwd: workdir, env, timeoutMs: 300_000 });
    assert.equal(result.code, 0, `${run}: ${result.stderr}`);
  }
  const modules = await readdir(path.join(workdir, 'node_modules'));
  assert.ok(modules.includes('@grpc'), 'production dependencies installed');
  for (const dev of ['typescript', '@bufbuild', 'kubernetes-models', 'yaml']) assert.ok(!modules.includes(dev), `no dev dependency (${dev})`);
  assert.ok(!existsSync(path.join(workdir, 'dist', 'test')), 'no tests in the package');

  // Final stage: ENTRYPOINT + CMD with the stage's ENV (data dir mapped, ports chosen by the OS).
  const final = stages[stages.length - 1]!;
  const imageEnv = envOf(final);
  const dataDir = inImage(`${imageEnv.G2G_DATA_DIR}/`).replace(/\/$/, '');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const runEnv = { ...env, ...imageEnv, G2G_DATA_DIR: dataDir, G2G_HEALTH_PORT: '0', G2G_REGISTER_PORT: '0', G2G_GOSSIP_PORT: '0', G2G_HOST: '127.0.0.1', G2G_LOG_LEVEL: 'warn' };
  const entrypoint = JSON.parse(argsOf(final, 'ENTRYPOINT')[0]!) as string[];
  const cmd = JSON.parse(argsOf(final, 'CMD')[0]!) as string[];
  const [file, ...args] = [...entrypoint, ...cmd].map(inImage);
  assert.equal(file, 'node');
  node = spawn(process.execPath, args, { env: runEnv, cwd: dataDir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  node.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));

  // The HEALTHCHECK's command, as Docker runs it (sh -c), until it exits 0.
  const check = inImage(argsOf(final, 'HEALTHCHECK')[0]!.replace(/^.*?\bCMD\s+/, '')).replace(/^node /, `${process.execPath} `);
  let last = { code: null as number | null, stderr: '' };
  await eventually('the HEALTHCHECK command reports the started node healthy', async () => {
    assert.equal(node!.exitCode, null, `the node exited: ${stderr}`);
    last = await exec('sh', ['-c', check], { env: runEnv, timeoutMs: 10_000 });
    return last.code === 0;
  }, 60_000, 500);
  node.kill('SIGTERM');
  await new Promise((r) => node!.once('exit', r));
  const down = await exec('sh', ['-c', check], { env: runEnv, timeoutMs: 10_000 });
  assert.equal(down.code, 1, 'a stopped node is unhealthy (exit 1, as Docker wants)');
});
