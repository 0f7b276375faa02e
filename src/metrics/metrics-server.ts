import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { serveEventStream } from './event-stream';
import type { LiveViewSource } from './live-view-source';
import { pageAsset } from './page-assets';

export interface ViewSources {
  /** A running node: the page follows its events (`/events`, `/snapshot`). */
  live?: LiveViewSource;
  /** A recorded run (`g2g replay`): the page plays it (`/recording`, JSON lines). */
  recording?: Buffer;
}

/**
 * The metrics port: `GET /metrics` in the Prometheus text format, and the cluster view: the page
 * at `/` with its script and style, and its data (`/events` and `/snapshot` for a live node,
 * `/recording` for a replay). Nothing else is served; nothing is writable.
 */
export class MetricsServer {
  private server: http.Server | undefined;

  constructor(
    private readonly registry: Registry | undefined,
    private readonly view: ViewSources = {},
  ) {}

  async start(host: string, port: number): Promise<number> {
    const server = http.createServer((req, res) => this.route(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const urlPath = (req.url ?? '').split('?')[0]!;
    if (req.method !== 'GET') {
      res.writeHead(405).end('method not allowed\n');
      return;
    }
    const { live, recording } = this.view;
    if (urlPath === '/metrics' && this.registry) {
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry!.contentType }).end(text),
        () => res.writeHead(500).end('metrics unavailable\n'),
      );
      return;
    }
    if (urlPath === '/events' && live) return serveEventStream(req, res, live);
    if (urlPath === '/snapshot' && live) return json(res, live.snapshot());
    if (urlPath === '/recording' && recording) {
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' }).end(recording);
      return;
    }
    if (urlPath === '/mode') return json(res, { mode: recording ? 'replay' : 'live' });
    const asset = (live || recording) && pageAsset(urlPath);
    if (asset) {
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache' }).end(asset.body);
      return;
    }
    res.writeHead(404).end('not found\n');
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function json(res: http.ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(value));
}
