import { fork, type ChildProcess } from 'node:child_process';

/**
 * A benchmark's other side in a child process (so each side gets one of the two cores): forks
 * `modulePath`, which answers `{ ready: T }` over IPC when it is serving, and stops on 'stop'.
 */
export async function forkReady<T>(modulePath: string, what: string, timeoutMs = 60_000): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(modulePath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} were not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('message', (message: { ready: T }) => {
      clearTimeout(timer);
      resolve(message.ready);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}`));
    });
  });
  return { child, ready };
}

/** Asks the child to stop, SIGKILL after 10 s. */
export async function stopForked(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
