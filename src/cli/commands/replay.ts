import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { UsageError } from '../cli-error';
import { MetricsServer } from '../../metrics/metrics-server';

interface ReplayOptions {
  host: string;
  port: string;
}

/**
 * `g2g replay FILE`: serves the cluster page with a timeline (play, pause, step, speed, jump to
 * an event) over a recording made by `g2g simulate --record`, until interrupted. The page is the
 * live view's, drawn by the same renderer.
 */
export function replayCommand(program: Command): void {
  program
    .command('replay')
    .description('serve the cluster page over a recording of `g2g simulate --record`, with a timeline')
    .argument('<file>', 'the recording')
    .addOption(new Option('--host <ip>', 'address to listen on').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port (0: chosen by the OS)').default('0'))
    .action(async (file: string, o: ReplayOptions) => {
      const recording = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`cannot read ${file}: ${error.code ?? error.message}`);
      });
      const first = recording.subarray(0, Math.max(0, recording.indexOf(10))).toString();
      let header: { format?: string } = {};
      try {
        header = JSON.parse(first) as { format?: string };
      } catch {
        // reported below
      }
      if (header.format !== 'g2g-recording') throw new UsageError(`${file} is not a g2g recording (g2g simulate --record makes them)`);
      const server = new MetricsServer(undefined, { recording });
      const port = await server.start(o.host, Number(o.port));
      process.stdout.write(`replaying ${file} at http://${o.host}:${port}/ (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.stop();
    });
}
