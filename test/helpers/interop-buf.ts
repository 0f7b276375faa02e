import path from 'node:path';
import { exec, REPO_ROOT, type ExecResult } from './interop-exec';

/** npm's buf (devDependency @bufbuild/buf). */
export const BUF = path.join(REPO_ROOT, 'node_modules', '.bin', 'buf');

export interface BufCurlOptions {
  /** PEM of the root to trust: the node CA (register port) or credentials' ca.pem (gossip port). */
  caFile: string;
  /** Client certificate and key for mutual TLS; omit both to present no certificate. */
  certFile?: string;
  keyFile?: string;
  /** Request message (JSON); buf curl sends an empty message when omitted. */
  data?: object;
  /**
   * A buf module or workspace to take the schema from instead of reflection. Needed where
   * reflection itself would fail (no client certificate): buf then reports the RPC's real error
   * instead of "failed to find service".
   */
  schema?: string;
  /** Further `buf curl` flags, e.g. ['--list-services'] or ['--reflect-protocol', 'grpc-v1alpha']. */
  args?: string[];
  /** BUF_CACHE_DIR: keeps runs independent of (and out of) the developer's ~/.cache/buf. */
  cacheDir: string;
  timeoutMs?: number;
}

/**
 * `buf curl --protocol grpc` (buf curl speaks Connect unless told otherwise). Bounded twice: by
 * buf's own --timeout/--connect-timeout and by killing its process group after `timeoutMs`.
 */
export function bufCurl(url: string, o: BufCurlOptions): Promise<ExecResult> {
  const args = ['curl', '--protocol', 'grpc', '--timeout', '20s', '--connect-timeout', '10', '--cacert', o.caFile];
  if (o.certFile) args.push('--cert', o.certFile);
  if (o.keyFile) args.push('--key', o.keyFile);
  if (o.schema) args.push('--schema', o.schema);
  if (o.data) args.push('--data', JSON.stringify(o.data));
  args.push(...(o.args ?? []), url);
  const env = { ...process.env, BUF_CACHE_DIR: o.cacheDir, NO_COLOR: '1', BUF_LOG_FORMAT: 'text' };
  return exec(BUF, args, { env, cwd: REPO_ROOT, timeoutMs: o.timeoutMs ?? 30_000 });
}

/** The lines of a `--list-services`/`--list-methods` answer. */
export function lines(r: ExecResult): string[] {
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** The JSON response message of a successful call. */
export function responseJson<T = Record<string, unknown>>(r: ExecResult): T {
  return JSON.parse(r.stdout) as T;
}

/** The status of a failed call, which buf curl prints to stderr as `{"code": "...", "message": "..."}`. */
export function errorJson(r: ExecResult): { code?: string; message?: string } {
  const start = r.stderr.indexOf('{');
  const end = r.stderr.lastIndexOf('}');
  if (start < 0 || end < start) return {};
  try {
    return JSON.parse(r.stderr.slice(start, end + 1)) as { code?: string; message?: string };
  } catch {
    return {};
  }
}
