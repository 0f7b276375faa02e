import type http from 'node:http';
import type { LiveViewSource } from './live-view-source';

/** How often a fresh snapshot follows the events (last heard, latency groups and traffic move without events). */
export const SNAPSHOT_INTERVAL_MS = 2000;
/** Bytes a slow page may have waiting before its stream is closed (it reconnects and resumes). */
const MAX_BUFFERED = 4 * 1024 * 1024;

/**
 * Server-sent events for the live page: `snapshot` at once and every SNAPSHOT_INTERVAL_MS, and
 * each cluster event as `event` with its sequence number as the SSE id, so a browser that
 * reconnects (EventSource sends Last-Event-ID) gets the backlog it missed.
 */
export function serveEventStream(req: http.IncomingMessage, res: http.ServerResponse, source: LiveViewSource): void {
  const lastId = Number(req.headers['last-event-id'] ?? 0);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  const send = (type: string, data: unknown, id?: number): void => {
    if (res.writableLength > MAX_BUFFERED) {
      res.destroy();
      return;
    }
    res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  send('snapshot', source.snapshot());
  const unfollow = source.follow((event) => send('event', event, event.seq), Number.isFinite(lastId) && lastId > 0 ? lastId : 0);
  const timer = setInterval(() => send('snapshot', source.snapshot()), SNAPSHOT_INTERVAL_MS);
  const close = () => {
    clearInterval(timer);
    unfollow();
  };
  res.on('close', close);
}
