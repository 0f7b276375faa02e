/**
 * Python's grpcio (gRPC C-core, BoringSSL) against one real node: a third TLS and HTTP/2 stack
 * besides grpc-js and grpc-go. Uses Debian's python3-grpcio, which is installed for the system
 * interpreter only (/usr/bin/python3), not for whatever `python3` comes first on PATH. Without it
 * every test here skips and says why; .ci/run installs it.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { describeResult, exec, REPO_ROOT, type ExecResult } from '../helpers/interop-exec';
import { startInteropNode, type ClientFiles, type InteropNode } from '../helpers/interop-node';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(REPO_ROOT, 'test', 'interop', 'python', 'health_check.py');
const TEST = { timeout: 60_000 };

/** Why the Python tests cannot run here, or undefined when they can. */
const missing = grpcioMissing();
let fixture: InteropNode | undefined;

before(async () => {
  if (missing) {
    console.log(`python-grpcio interop skipped: ${missing}`);
    return;
  }
  fixture = await startInteropNode('py-interop');
}, { timeout: 90_000 });

after(async () => {
  await fixture?.close();
}, { timeout: 30_000 });

function grpcioMissing(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import grpc'], { stdio: 'pipe', timeout: 20_000 });
    return undefined;
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim().split('\n').pop();
    return `${PYTHON} cannot import grpc (${stderr || (error as Error).message}); install python3-grpcio (apt-get install -y python3-grpcio, as .ci/run does)`;
  }
}

/** The node, or undefined after skipping `t` because grpcio is not installed. */
function nodeOrSkip(t: TestContext): InteropNode | undefined {
  if (missing) {
    t.skip(missing);
    return undefined;
  }
  assert.ok(fixture, 'the node did not start (see the before hook)');
  return fixture;
}

interface CheckResult {
  status?: string;
  grpcio?: string;
  error?: { code: string; details: string };
}

async function healthCheck(target: string, tls: { caFile: string; client?: Partial<ClientFiles>; serverName?: string }, service = ''): Promise<{ r: ExecResult; out: CheckResult }> {
  const args = [SCRIPT, '--target', target, '--ca', tls.caFile, '--service', service, '--timeout', '15'];
  if (tls.client?.certFile) args.push('--cert', tls.client.certFile);
  if (tls.client?.keyFile) args.push('--key', tls.client.keyFile);
  if (tls.serverName) args.push('--server-name', tls.serverName);
  // PYTHONNOUSERSITE: only the system's packages, so the result does not hang on a user install.
  const r = await exec(PYTHON, args, { env: { ...process.env, PYTHONNOUSERSITE: '1' }, timeoutMs: 30_000 });
  assert.equal(r.timedOut, false, describeResult(r));
  assert.ok(r.code === 0 || r.code === 2, `health_check.py did not run cleanly:\n${describeResult(r)}`);
  return { r, out: JSON.parse(r.stdout) as CheckResult };
}

test('python grpcio: register port (TLS, node CA as root) Health/Check is SERVING', TEST, async (t) => {
  const fx = nodeOrSkip(t);
  if (!fx) return;
  const target = `127.0.0.1:${fx.facts.registerPort}`;
  const server = await healthCheck(target, { caFile: fx.nodeCaFile });
  assert.equal(server.out.status, 'SERVING', describeResult(server.r));
  t.diagnostic(`grpcio ${server.out.grpcio}`);
  const register = await healthCheck(target, { caFile: fx.nodeCaFile }, 'g2g.v1.Register');
  assert.equal(register.out.status, 'SERVING', describeResult(register.r));
});

test('python grpcio: register port answers NOT_FOUND for an unknown service', TEST, async (t) => {
  const fx = nodeOrSkip(t);
  if (!fx) return;
  const { r, out } = await healthCheck(`127.0.0.1:${fx.facts.registerPort}`, { caFile: fx.nodeCaFile }, 'no.such.Service');
  assert.equal(out.error?.code, 'NOT_FOUND', describeResult(r));
});

test('python grpcio: the leaf verifies by nodeId (DNS SAN) and a wrong server name is refused', TEST, async (t) => {
  const fx = nodeOrSkip(t);
  if (!fx) return;
  const target = `127.0.0.1:${fx.facts.registerPort}`;
  const byId = await healthCheck(target, { caFile: fx.nodeCaFile, serverName: fx.facts.nodeId });
  assert.equal(byId.out.status, 'SERVING', describeResult(byId.r));
  const wrong = await healthCheck(target, { caFile: fx.nodeCaFile, serverName: 'not-this-node.example' });
  assert.equal(wrong.out.error?.code, 'UNAVAILABLE', describeResult(wrong.r));
});

test('python grpcio: gossip port (mutual TLS, operator credentials) Health/Check is SERVING', TEST, async (t) => {
  const fx = nodeOrSkip(t);
  if (!fx) return;
  const target = `127.0.0.1:${fx.facts.gossipPort}`;
  for (const service of ['', 'g2g.v1.Gossip', 'g2g.v1.Admin']) {
    const { r, out } = await healthCheck(target, { caFile: fx.operator.caFile, client: fx.operator }, service);
    assert.equal(out.status, 'SERVING', `service "${service}":\n${describeResult(r)}`);
  }
});

test('python grpcio: gossip port without a client certificate fails (UNAVAILABLE)', TEST, async (t) => {
  const fx = nodeOrSkip(t);
  if (!fx) return;
  const { r, out } = await healthCheck(`127.0.0.1:${fx.facts.gossipPort}`, { caFile: fx.operator.caFile });
  assert.equal(r.code, 2, describeResult(r));
  assert.equal(out.error?.code, 'UNAVAILABLE', describeResult(r));
});

test('python grpcio: gossip port with a certificate from no member CA fails (UNAVAILABLE)', TEST, async (t) => {
  const fx = nodeOrSkip(t);
  if (!fx) return;
  const { r, out } = await healthCheck(`127.0.0.1:${fx.facts.gossipPort}`, { caFile: fx.operator.caFile, client: fx.outsider });
  assert.equal(r.code, 2, describeResult(r));
  assert.equal(out.error?.code, 'UNAVAILABLE', describeResult(r));
});
