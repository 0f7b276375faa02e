import { execFile } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { G2gError } from '../../errors';
import { PROTO_DIR } from '../../proto/protos';
import { readManifest } from '../manifest';

/** `g2g plugin gen` could not generate the types (the generator's message says why). */
export class PluginGenError extends G2gError {
  readonly code = 'ERR_PLUGIN_GEN';
}

/** Where generated types go, relative to the plugin folder. */
export const GENERATED_DIR = path.join('src', 'generated');

/**
 * The generator's options, matching what the host's loader hands a plugin (src/proto/protos.ts
 * LOADER_OPTIONS: longs as Number, enums as String, defaults filled in, oneof names set), so the
 * `__Output` types say exactly what a handler receives: every scalar field present (proto3
 * default when unset: '' / 0 / false), a message field `null` when unset, repeated fields `[]`.
 *
 * Why proto-loader-gen-types (from @grpc/proto-loader, already a g2g dependency): it types the
 * very objects grpc-js and proto-loader produce at run time in the host (ts-proto and
 * protobuf-es generate their own runtime classes and codecs, which the host does not use, so
 * their types would describe objects a plugin never gets).
 */
export const GEN_ARGS = ['--longs=Number', '--enums=String', '--defaults', '--oneofs', '--includeComments', '--grpcLib=@grpc/grpc-js'];

/**
 * Generates request/reply/client/handler types for the protos of the plugin in `dir` into
 * `<dir>/src/generated`. The include roots are the host's (the plugin folder, then g2g's own
 * `proto/`), so a proto that `plugins check` accepts — one importing `g2g/v1/node.proto`, say —
 * also generates.
 */
export async function generatePluginTypes(dir: string): Promise<{ outDir: string; protos: string[] }> {
  dir = path.resolve(dir);
  const manifest = readManifest(dir);
  const outDir = path.join(dir, GENERATED_DIR);
  const bin = require.resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js');
  // Stale files of a renamed message would otherwise linger and still compile.
  await rm(outDir, { recursive: true, force: true });
  try {
    await promisify(execFile)(process.execPath, [bin, ...GEN_ARGS, '-I', dir, '-I', PROTO_DIR, '-O', outDir, ...manifest.protos], { cwd: dir, timeout: 60_000 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new PluginGenError(`proto-loader-gen-types failed for ${manifest.protos.join(', ')}: ${(e.stderr || e.message).trim()}`);
  }
  await relativiseOriginPaths(outDir, [dir, PROTO_DIR]);
  return { outDir, protos: manifest.protos };
}

/**
 * The generator heads each file with `// Original file: <absolute path of the proto>`. Generated
 * types are committed, so an absolute path would leak the author's home folder and make every
 * checkout's regeneration differ: rewrite it to the path relative to its include root (the form
 * an `import` statement names it by).
 */
async function relativiseOriginPaths(outDir: string, roots: string[]): Promise<void> {
  const files = (await readdir(outDir, { recursive: true })).map(String).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const full = path.join(outDir, file);
    const text = await readFile(full, 'utf8');
    const fixed = text.replace(/^\/\/ Original file: (.+)$/gm, (line, origin: string) => {
      const root = roots.find((r) => path.isAbsolute(origin) && !path.relative(r, origin).startsWith('..'));
      return root === undefined ? line : `// Original file: ${path.relative(root, origin).split(path.sep).join('/')}`;
    });
    if (fixed !== text) await writeFile(full, fixed);
  }
}
