import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log/logger';
import { toServiceError } from '../transport/status-mapping';

/** What the guard asks of the plugin it serves. */
export interface GuardTarget {
  name: string;
  /** True while calls may reach the plugin (it started and is not stopping or failed). */
  serving(): boolean;
  /** Why not, for the status message (e.g. "stopping"). */
  state(): string;
  log: Logger;
}

type Handler = (...args: never[]) => unknown;

/**
 * Wraps a plugin's handlers for the gossip server:
 *
 * * while the plugin is not running (starting, failed, stopped) a call gets UNAVAILABLE at
 *   once, without reaching plugin code;
 * * a handler that throws, or returns a promise that rejects, ends the call through the node's
 *   one status mapping (status-mapping.ts) instead of crashing the node with an uncaught
 *   exception or an unhandled rejection: a G2gError keeps its own status and code, anything
 *   else answers INTERNAL and is logged with the plugin's name (nothing of it goes on the wire);
 * * streaming calls are tracked, so that {@link CallTracker.endAll} can end whatever the plugin
 *   left open when it stopped, with a status, before the server shuts down (grpc-js would
 *   otherwise hold the shutdown for the drain time and then cut them).
 *
 * Unary calls are not tracked: they finish on their own and the server's drain covers them.
 */
export function guardHandlers(
  target: GuardTarget,
  definition: grpc.ServiceDefinition,
  implementation: grpc.UntypedServiceImplementation,
  tracker: CallTracker,
): grpc.UntypedServiceImplementation {
  const guarded: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    const fn = (implementation[name] ?? (method.originalName ? implementation[method.originalName] : undefined)) as Handler | undefined;
    if (typeof fn !== 'function') continue;
    const handler = fn.bind(implementation) as (...args: unknown[]) => unknown;
    const what = `${method.path} of plugin ${target.name}`;
    if (!method.requestStream && !method.responseStream) {
      guarded[name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        if (!target.serving()) return callback(unavailable(target));
        let answered = false;
        const once: grpc.sendUnaryData<unknown> = (error, value, trailer, flags) => {
          if (answered) return;
          answered = true;
          callback(error, value, trailer, flags);
        };
        invoke(() => handler(call, once), target, what, (status) => once(status));
      };
    } else if (method.requestStream && !method.responseStream) {
      guarded[name] = (call: grpc.ServerReadableStream<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        if (!target.serving()) return callback(unavailable(target));
        let answered = false;
        const entry = {
          end: (status: Partial<grpc.StatusObject>) => {
            if (answered) return false;
            once(status as grpc.ServiceError);
            return true;
          },
        };
        const once: grpc.sendUnaryData<unknown> = (error, value, trailer, flags) => {
          if (answered) return;
          answered = true;
          tracker.delete(entry);
          callback(error, value, trailer, flags);
        };
        tracker.add(entry);
        call.once('cancelled', () => tracker.delete(entry));
        invoke(() => handler(call, once), target, what, (status) => once(status));
      };
    } else {
      guarded[name] = (call: grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>) => {
        if (!target.serving()) {
          call.emit('error', unavailable(target));
          return;
        }
        let ended = false;
        const entry = {
          end: (status: Partial<grpc.StatusObject>) => {
            // A stream the plugin ended itself (call.end() in its stop) is closed already: grpc-js
            // emits 'finish' only a tick after end(), so ask the stream rather than wait for it.
            if (ended || call.writableEnded || call.destroyed) return false;
            ended = true;
            // grpc-js sends a stream's status from an 'error' event carrying { code, details }.
            call.emit('error', status);
            return true;
          },
        };
        const forget = () => {
          ended = true;
          tracker.delete(entry);
        };
        tracker.add(entry);
        call.once('finish', forget);
        call.once('close', forget);
        call.once('cancelled', forget);
        invoke(() => handler(call), target, what, (status) => entry.end(status));
      };
    }
  }
  return guarded;
}

/** A tracked streaming call: `end` ends it with `status` and says whether it was still open. */
interface TrackedCall {
  end(status: Partial<grpc.StatusObject>): boolean;
}

/** The open streaming calls of one plugin. */
export class CallTracker {
  private readonly open = new Set<TrackedCall>();

  add(entry: TrackedCall): void {
    this.open.add(entry);
  }

  delete(entry: TrackedCall): void {
    this.open.delete(entry);
  }

  size(): number {
    return this.open.size;
  }

  /** Ends every call still open with `status`; returns how many were (ones the plugin ended itself do not count). */
  endAll(status: Partial<grpc.StatusObject>): number {
    const entries = [...this.open];
    this.open.clear();
    let ended = 0;
    for (const entry of entries) if (entry.end(status)) ended++;
    return ended;
  }
}

/**
 * Runs a plugin handler; what it throws (or rejects with) ends the call through the node's one
 * mapping: a G2gError the plugin defined answers with its own status and code, anything else
 * INTERNAL plus one log line (on the plugin's logger, naming the method).
 */
function invoke(run: () => unknown, target: GuardTarget, what: string, fail: (status: grpc.StatusObject) => void): void {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    fail(toServiceError(error, target.log, what));
    return;
  }
  if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
    (result as Promise<unknown>).then(undefined, (error: unknown) => fail(toServiceError(error, target.log, what)));
  }
}

function unavailable(target: GuardTarget): grpc.ServiceError {
  return status(grpc.status.UNAVAILABLE, `plugin ${target.name} is ${target.state()}`);
}

function status(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}
