import type * as grpc from '@grpc/grpc-js';
import type { FanOutCancel, PluginPool, Clock } from 'g2g';

export interface PeerResult<T> {
  nodeId: string;
  value: T;
  latencyMs: number;
  /** Position of the peer in the query order of this fan-out. */
  position: number;
}

export interface PeerFailure {
  nodeId: string;
  error: unknown;
}

export interface BoundedFanOut<T> {
  results: PeerResult<T>[];
  errors: PeerFailure[];
  /** Whether `k` peers answered before the overall deadline. */
  complete: boolean;
}

/** The error recorded for a peer still being asked when the overall deadline passed. */
export class OverallDeadlineError extends Error {
  readonly code = 'ERR_QUERY_DEADLINE';
  constructor() {
    super('no answer before the overall deadline');
  }
}

/**
 * `pool.fanOut` with an overall deadline on top of the per-peer one: answers are collected as
 * they arrive, and when `totalMs` passes the call returns what it has, listing the peers still
 * being asked as errors (the pool alone would keep trying further peers in order). It also
 * returns as soon as `k` answers are in, without waiting for slower peers still being asked
 * (they are not listed). Each call's own deadline is cut to the overall one, so nothing is left
 * running for long afterwards.
 */
export function fanOutWithin<T, C extends grpc.Client = grpc.Client>(
  pool: Pick<PluginPool, 'fanOut'>,
  clock: Clock,
  k: number,
  call: (client: C, nodeId: string, deadline: Date, cancel: FanOutCancel) => Promise<T>,
  options: { perPeerMs: number; totalMs: number; service?: string; now?: () => number },
): Promise<BoundedFanOut<T>> {
  const now = options.now ?? (() => Date.now());
  const started = now();
  const endsAt = started + options.totalMs;
  const out: BoundedFanOut<T> = { results: [], errors: [], complete: false };
  const inFlight = new Set<string>();
  let position = 0;
  let closed = false;

  return new Promise((resolve) => {
    const finish = (): void => {
      if (closed) return;
      closed = true;
      timer.cancel();
      for (const nodeId of inFlight) out.errors.push({ nodeId, error: new OverallDeadlineError() });
      out.complete = out.results.length >= k;
      resolve(out);
    };
    const timer = clock.setTimeout(finish, options.totalMs);
    pool
      .fanOut<T, C>(
        k,
        async (client, nodeId, deadline, cancel) => {
          if (closed || now() >= endsAt) throw new OverallDeadlineError();
          const mine = position++;
          inFlight.add(nodeId);
          const sent = now();
          try {
            const value = await call(client, nodeId, new Date(Math.min(deadline.getTime(), endsAt)), cancel);
            if (!closed) {
              out.results.push({ nodeId, value, latencyMs: now() - sent, position: mine });
              // k answers are enough: peers still being asked are not needed (nor errors).
              if (out.results.length >= k) {
                inFlight.delete(nodeId);
                inFlight.clear();
                finish();
              }
            }
            return value;
          } catch (error) {
            if (!closed) out.errors.push({ nodeId, error });
            throw error;
          } finally {
            inFlight.delete(nodeId);
          }
        },
        { deadlineMs: options.perPeerMs, service: options.service },
      )
      .then(finish, finish);
  });
}
