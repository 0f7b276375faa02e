import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'g2g';
import type { KvEntry } from './entry';
import { entryToWire } from './entry-codec';
import { failStream, serverStreamHandler, unaryHandler } from 'g2g';
import { InvalidPageTokenError, KeyNotFoundError, WatchOverflowError, type KvError } from './errors';
import type { ChangeEvent } from './kv-state';
import type { Replica } from './replica';

export const KEY_VALUE_SERVICE = 'g2g.kv.v1.KeyValue';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

export interface KeyValueComponents {
  replica: Replica;
  log: Logger;
  /** Aborted when the plugin stops: open Watch streams end then (with OK). */
  signal: AbortSignal;
  /** Events a Watch may have queued for a slow reader before its stream is ended (RESOURCE_EXHAUSTED). */
  watchQueueLimit: number;
}

/** Handlers of `g2g.kv.v1.KeyValue` (objects as grpc-js decodes them: camelCase, longs as numbers). */
export function keyValueHandlers(c: KeyValueComponents): grpc.UntypedServiceImplementation {
  const state = c.replica.state;
  const unary = <Req, Res>(fn: (request: Req) => Res | Promise<Res>): grpc.handleUnaryCall<Req, Res> =>
    unaryHandler<Req, Res>(c.log, KEY_VALUE_SERVICE, (call) => fn(call.request));

  return {
    Put: unary(async (req: { key: string; value: Uint8Array }) => {
      const entry = await c.replica.put(req.key, req.value);
      return { version: entry.version };
    }),
    Get: unary((req: { key: string }) => {
      const entry = state.get(req.key);
      if (!entry || entry.deleted) throw new KeyNotFoundError(`no value for key "${truncate(req.key)}" on this node`);
      return { entry: entryToWire(entry) };
    }),
    Delete: unary(async (req: { key: string }) => {
      const { entry, existed } = await c.replica.delete(req.key);
      return { version: entry.version, existed };
    }),
    List: unary((req: { prefix: string; pageSize: number; pageToken: string }) => {
      const size = req.pageSize > 0 ? Math.min(req.pageSize, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
      const after = req.pageToken ? decodePageToken(req.pageToken) : undefined;
      const page = state.list(req.prefix ?? '', after, size + 1);
      const more = page.length > size;
      const entries = page.slice(0, size);
      return { entries: entries.map(entryToWire), nextPageToken: more ? encodePageToken(entries[entries.length - 1]!.key) : '' };
    }),
    Watch: serverStreamHandler(c.log, 'KeyValue.Watch', (call: grpc.ServerWritableStream<{ prefix: string; sendInitial: boolean }, unknown>) => watch(call, c)),
  };
}

function watch(call: grpc.ServerWritableStream<{ prefix: string; sendInitial: boolean }, unknown>, c: KeyValueComponents): void {
  const prefix = call.request.prefix ?? '';
  const queue: unknown[] = [];
  let blocked = false;
  let done = false;

  const finish = (error?: KvError): void => {
    if (done) return;
    done = true;
    unsubscribe();
    c.signal.removeEventListener('abort', onAbort);
    queue.length = 0;
    if (error) failStream(call, error, c.log, 'KeyValue.Watch');
    else call.end();
  };
  const send = (message: unknown): void => {
    if (done) return;
    if (blocked) {
      queue.push(message);
      if (queue.length > c.watchQueueLimit) {
        finish(new WatchOverflowError(`watcher fell more than ${c.watchQueueLimit} events behind`));
      }
      return;
    }
    if (!call.write(message)) blocked = true;
  };
  const onAbort = (): void => finish();
  const unsubscribe = c.replica.state.onChange((event: ChangeEvent) => {
    if (event.entry.key.startsWith(prefix)) send(toEvent(event.entry));
  });

  call.on('drain', () => {
    blocked = false;
    while (!blocked && queue.length > 0) if (!call.write(queue.shift())) blocked = true;
  });
  call.on('cancelled', () => finish());
  call.on('close', () => finish());
  if (c.signal.aborted) return finish();
  c.signal.addEventListener('abort', onAbort, { once: true });

  if (call.request.sendInitial) {
    for (const entry of c.replica.state.list(prefix, undefined, Number.MAX_SAFE_INTEGER)) send(toEvent(entry));
  }
}

function toEvent(entry: KvEntry): { type: string; entry: ReturnType<typeof entryToWire> } {
  return { type: entry.deleted ? 'EVENT_TYPE_DELETE' : 'EVENT_TYPE_PUT', entry: entryToWire(entry) };
}

/** Page tokens are the last key of the page, base64url (opaque to callers, checked on return). */
export function encodePageToken(lastKey: string): string {
  return Buffer.from(`k:${lastKey}`, 'utf8').toString('base64url');
}

export function decodePageToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith('k:') || encodePageToken(text.slice(2)) !== token) throw new InvalidPageTokenError('page token was not issued by this service');
  return text.slice(2);
}

function truncate(key: string): string {
  return key.length > 64 ? `${key.slice(0, 64)}…` : key;
}
