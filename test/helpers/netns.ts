import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Several hosts on one machine: network namespaces joined by a bridge in the root namespace,
 * each with its own address in 198.18.<subnet>.0/24 (RFC 2544 benchmarking space, reserved for
 * tests). Test files run concurrently, so each file takes its own subnet: two bridges on one
 * subnet would route each other's packets to the wrong hosts.
 * Needs root and iproute2; `netnsUnavailable()` says why not when it cannot run.
 */
export interface TestHosts {
  hosts: TestHost[];
  /** Removes every namespace, veth and the bridge (idempotent). */
  destroy(): Promise<void>;
}

export interface TestHost {
  name: string;
  address: string;
  /** Runs `argv` inside this host's namespace. */
  spawn(argv: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  exec(argv: string[], timeoutMs?: number): Promise<{ stdout: string; stderr: string }>;
}

const PREFIX = 'g2gt';

export async function netnsUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    await run('ip', ['netns', 'list']);
  } catch (error) {
    return `iproute2 is not usable: ${(error as Error).message}`;
  }
  return undefined;
}

async function ip(...args: string[]): Promise<void> {
  await run('ip', args, { timeout: 10_000 });
}

/**
 * Creates `count` hosts named `<PREFIX>s<subnet>h<i>` with addresses 198.18.<subnet>.(10 + i).
 * Names follow from the subnet, so what a killed run left behind is removed first.
 */
export async function createHosts(count: number, subnet: number): Promise<TestHosts> {
  if (!Number.isInteger(subnet) || subnet < 1 || subnet > 254) throw new Error(`subnet ${subnet}: expected 1..254`);
  const tag = `s${subnet}`;
  const bridge = `${PREFIX}br${tag}`;
  const names = Array.from({ length: count }, (_, i) => `${PREFIX}${tag}h${i + 1}`);
  // Deleting what does not exist fails harmlessly, so one destroy serves before and after.
  const destroy = async () => {
    for (const name of names) await ip('netns', 'del', name).catch(() => undefined);
    await ip('link', 'del', bridge).catch(() => undefined);
  };
  await destroy();
  try {
    await ip('link', 'add', bridge, 'type', 'bridge');
    await ip('addr', 'add', `198.18.${subnet}.1/24`, 'dev', bridge);
    await ip('link', 'set', bridge, 'up');
    const hosts: TestHost[] = [];
    for (const [index, name] of names.entries()) {
      const i = index + 1;
      const outer = `${PREFIX}${tag}v${i}`;
      const address = `198.18.${subnet}.${10 + i}`;
      await ip('netns', 'add', name);
      await ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name);
      await ip('link', 'set', outer, 'master', bridge);
      await ip('link', 'set', outer, 'up');
      await ip('-n', name, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
      await ip('-n', name, 'link', 'set', 'eth0', 'up');
      await ip('-n', name, 'link', 'set', 'lo', 'up');
      hosts.push({
        name,
        address,
        spawn: (argv, env) => spawn('ip', ['netns', 'exec', name, ...argv], { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] }),
        exec: (argv, timeoutMs = 30_000) => run('ip', ['netns', 'exec', name, ...argv], { timeout: timeoutMs }),
      });
    }
    return { hosts, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}
