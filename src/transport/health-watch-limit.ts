import * as grpc from '@grpc/grpc-js';
import { parsePeerAddress } from './peer-address';

export interface HealthWatchLimits {
  /** Open Health.Watch streams on the port. */
  perPort: number;
  /** Open Health.Watch streams one source IP may hold on the port. */
  perSource: number;
}

/**
 * Health.Watch streams stay open for as long as the caller likes and cost a watcher each (and a
 * map entry per service name asked for, known or not), so a port holds a bounded number of them
 * and one source only a few; the others are refused with RESOURCE_EXHAUSTED (a client may use
 * Check instead). `refused` counts the refusals.
 */
export class HealthWatchLimiter {
  private open = 0;
  private readonly bySource = new Map<string, number>();
  refused = 0;

  constructor(readonly limits: HealthWatchLimits) {}

  get held(): number {
    return this.open;
  }

  /** `watch` (grpc-health-check's handler) behind the limits. */
  wrap(watch: grpc.handleServerStreamingCall<unknown, unknown>): grpc.handleServerStreamingCall<unknown, unknown> {
    return (call) => {
      const source = parsePeerAddress(call.getPeer()).address;
      const fromSource = this.bySource.get(source) ?? 0;
      if (this.open >= this.limits.perPort || fromSource >= this.limits.perSource) {
        this.refused += 1;
        const which = this.open >= this.limits.perPort ? `${this.limits.perPort} on this port` : `${this.limits.perSource} per source`;
        call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details: `too many open Health.Watch streams (${which}); use Check or retry later` });
        return;
      }
      this.open += 1;
      this.bySource.set(source, fromSource + 1);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.open -= 1;
        const left = (this.bySource.get(source) ?? 1) - 1;
        if (left > 0) this.bySource.set(source, left);
        else this.bySource.delete(source);
      };
      for (const event of ['cancelled', 'close', 'finish', 'error']) call.once(event, release);
      watch(call);
    };
  }

  /** `server` as grpc-health-check sees it in addToServer: its `watch` handler goes behind the limits. */
  server(server: Pick<grpc.Server, 'addService'>): Pick<grpc.Server, 'addService'> {
    return {
      addService: (definition, implementation) => {
        const watch = implementation['watch'] ?? implementation['Watch'];
        const key = implementation['watch'] ? 'watch' : 'Watch';
        server.addService(definition, watch ? { ...implementation, [key]: this.wrap(watch as grpc.handleServerStreamingCall<unknown, unknown>) } : implementation);
      },
    };
  }
}
