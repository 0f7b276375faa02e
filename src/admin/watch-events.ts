import type * as grpc from '@grpc/grpc-js';
import type { ClusterEvent } from '../events/cluster-event';
import type { ClusterEvent as WireEvent } from '../proto/generated/g2g/v1/ClusterEvent';
import type { WatchEventsRequest__Output } from '../proto/generated/g2g/v1/WatchEventsRequest';
import type { AdminHandlers } from '../proto/generated/g2g/v1/Admin';

/** What WatchEvents reads: the node's event journal (events/event-journal.ts). */
export interface EventSource {
  follow(listener: (event: ClusterEvent) => void, afterSeq?: number): () => void;
}

/** Bytes a slow watcher may have waiting before its stream is ended (it can resume by after_seq). */
const MAX_BUFFERED = 4 * 1024 * 1024;

export interface WatchEventsService {
  handlers: Pick<AdminHandlers, 'WatchEvents'>;
  /** Ends every open watch (the node is stopping: an open stream would hold the server's drain). */
  endAll(): void;
}

/**
 * Admin.WatchEvents: the backlog after `after_seq` (unless `no_backlog`), then every new event,
 * until the caller cancels or the node stops (`endAll`).
 */
export function watchEventsService(source: EventSource): WatchEventsService {
  const open = new Set<() => void>();
  const handlers: Pick<AdminHandlers, 'WatchEvents'> = {
    WatchEvents(call: grpc.ServerWritableStream<WatchEventsRequest__Output, WireEvent>) {
      const { afterSeq, noBacklog } = call.request;
      let unfollow: (() => void) | undefined;
      const end = () => {
        unfollow?.();
        unfollow = undefined;
        open.delete(finish);
      };
      const finish = () => {
        end();
        call.end();
      };
      open.add(finish);
      call.on('cancelled', end);
      call.on('close', end);
      call.on('error', end);
      unfollow = source.follow((event) => {
        if (call.cancelled || call.destroyed) return end();
        if (call.writableLength > MAX_BUFFERED) {
          end();
          call.end();
          return;
        }
        call.write(toWire(event));
      }, noBacklog ? undefined : afterSeq);
    },
  };
  return {
    handlers,
    endAll: () => {
      for (const finish of [...open]) finish();
    },
  };
}

export function toWire(e: ClusterEvent): WireEvent {
  return {
    seq: e.seq,
    atUnixMs: e.atMs,
    type: e.type,
    nodeId: e.nodeId,
    observer: e.observer,
    state: e.state ?? '',
    mode: e.mode ?? '',
    addresses: [...(e.addresses ?? [])],
    by: e.by ?? '',
    leafNotAfterUnixMs: e.leafNotAfterMs ?? 0,
    code: e.code ?? '',
    detail: e.detail ?? '',
  };
}
