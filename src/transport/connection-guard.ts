import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '../util/clock';

/**
 * Incoming connections both ports hold together, against one budget kept below the process's
 * descriptor limit (descriptor-limit.ts): a flood on one port cannot take the descriptors the
 * node needs for its files, its peers and the other port.
 */
export class ConnectionBudget {
  private inUse = 0;

  constructor(readonly total: number) {}

  get held(): number {
    return this.inUse;
  }

  tryTake(): boolean {
    if (this.inUse >= this.total) return false;
    this.inUse += 1;
    return true;
  }

  release(): void {
    this.inUse = Math.max(0, this.inUse - 1);
  }
}

export interface PortConnectionLimits {
  /** Connections one source IP may hold on this port. */
  perSource: number;
  /** Connections this port may hold (it also needs room in the shared budget). */
  portMax: number;
  /**
   * A connection that has not had a useful call (one the node answered with a message) this long
   * after it was accepted is closed: it covers TLS handshakes that never finish and HTTP/2
   * sessions that never ask for anything. 0 disables it.
   */
  unusedTimeoutMs: number;
  /**
   * Every connection is closed this long after it was accepted; 0: never. grpc-js's own idle and
   * age limits only send GOAWAY and then destroy the HTTP/2 session, which does not close a
   * connection whose client ignores the GOAWAY (seen with grpc-js 1.14 on Node 20: the
   * descriptor stays open); this is the bound that does not rely on the client.
   */
  maxLifetimeMs?: number;
  /**
   * A connection with no call in progress this long is closed; 0 or absent: never. grpc-js's
   * grpc.max_connection_idle_ms only sends a GOAWAY, which a hostile client can ignore, and a
   * connection that once had a useful call would then live to `maxLifetimeMs`: set this to the
   * idle timeout plus a grace, so the GOAWAY comes first and this is the bound that does not rely
   * on the client. Calls are counted by the port's interceptor (`callStarted`).
   */
  idleCloseMs?: number;
}

/** What a port's guard counted since start (the observability layer reads it). */
export interface ConnectionCounters {
  accepted: number;
  /** Refused because the source already held `perSource` connections. */
  refusedPerSource: number;
  /** Refused because the port held `portMax`. */
  refusedPortLimit: number;
  /** Refused because both ports together held the whole budget. */
  refusedBudget: number;
  /** Closed because no useful call came within `unusedTimeoutMs`. */
  closedUnused: number;
  /** Closed at `maxLifetimeMs`. */
  closedLifetime: number;
  /** Closed after `idleCloseMs` with no call in progress. */
  closedIdle: number;
}

interface Tracked {
  source: string;
  timer: TimerHandle | undefined;
}

/** An admitted connection's calls in progress, for the idle bound. */
interface Activity {
  socket: Socket;
  calls: number;
  idle: TimerHandle | undefined;
}

/**
 * Closes an admitted connection for good: its TCP socket and descriptor, whatever TLS and HTTP/2
 * on top of it are doing. Destroying the TLS socket or the HTTP/2 session is not enough (the raw
 * socket stays open while a client keeps its end); a reset is not safe either: libuv refuses it
 * (EINVAL) while a shutdown is under way on the socket — TLS starts one when a session ends — and
 * Node then marks the handle closing without closing it, so no 'close' ever comes, the descriptor
 * and the guard's slot leak, and the process spins at 100 % of a core when it exits (Node 20.20,
 * libuv 1.46; test/integration/guarded-port-close.test.ts). destroy() closes the raw handle in
 * every state: the peer gets a FIN, or an RST when input is left unread.
 */
export function closeForGood(socket: Socket): void {
  if (!socket.destroyed) socket.destroy();
}

/**
 * Admission of one port's raw TCP connections, before TLS: a refusal is a reset of a socket
 * nothing was spent on. grpc-js has no connection hook, so the port's listener (guarded-port.ts)
 * asks here for every socket it accepts, and the port's interceptor reports useful calls.
 */
export class ConnectionGuard {
  private readonly bySource = new Map<string, number>();
  /** Connections still waiting for their first useful call, by grpc-js's peer string. */
  private readonly unused = new Map<string, Tracked>();
  /** Calls in progress per connection (by grpc-js's peer string), when `idleCloseMs` is set. */
  private readonly activity = new Map<string, Activity>();
  private open = 0;
  private readonly stats: ConnectionCounters = { accepted: 0, refusedPerSource: 0, refusedPortLimit: 0, refusedBudget: 0, closedUnused: 0, closedLifetime: 0, closedIdle: 0 };

  constructor(
    private readonly budget: ConnectionBudget,
    readonly limits: PortConnectionLimits,
    private readonly clock: Clock,
  ) {}

  /** Counts `socket` against its source, the port and the budget; false: the caller must drop it. */
  admit(socket: Socket): boolean {
    const source = sourceOf(socket);
    const fromSource = this.bySource.get(source) ?? 0;
    if (fromSource >= this.limits.perSource) {
      this.stats.refusedPerSource += 1;
      return false;
    }
    if (this.open >= this.limits.portMax) {
      this.stats.refusedPortLimit += 1;
      return false;
    }
    if (!this.budget.tryTake()) {
      this.stats.refusedBudget += 1;
      return false;
    }
    this.stats.accepted += 1;
    this.open += 1;
    this.bySource.set(source, fromSource + 1);
    // The same string grpc-js's call.getPeer() gives for this connection.
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const tracked: Tracked = { source, timer: undefined };
    if (this.limits.unusedTimeoutMs > 0) {
      tracked.timer = this.clock.setTimeout(() => {
        if (this.unused.get(peer) !== tracked) return;
        this.stats.closedUnused += 1;
        closeForGood(socket);
      }, this.limits.unusedTimeoutMs);
      this.unused.set(peer, tracked);
    }
    const lifetime = this.limits.maxLifetimeMs
      ? this.clock.setTimeout(() => {
          this.stats.closedLifetime += 1;
          closeForGood(socket);
        }, this.limits.maxLifetimeMs)
      : undefined;
    const activity: Activity | undefined = this.limits.idleCloseMs ? { socket, calls: 0, idle: this.idleTimer(socket, this.limits.idleCloseMs) } : undefined;
    if (activity) this.activity.set(peer, activity);
    socket.once('close', () => {
      tracked.timer?.cancel();
      lifetime?.cancel();
      activity?.idle?.cancel();
      if (activity && this.activity.get(peer) === activity) this.activity.delete(peer);
      if (this.unused.get(peer) === tracked) this.unused.delete(peer);
      this.open -= 1;
      this.budget.release();
      const left = (this.bySource.get(source) ?? 1) - 1;
      if (left > 0) this.bySource.set(source, left);
      else this.bySource.delete(source);
    });
    return true;
  }

  /** The connection `peer` (grpc-js's `call.getPeer()`) had a useful call: it may now stay idle. */
  markUseful(peer: string): void {
    if (this.unused.size === 0) return;
    const tracked = this.unused.get(peer);
    if (!tracked) return;
    tracked.timer?.cancel();
    this.unused.delete(peer);
  }

  /**
   * A call began on connection `peer` (grpc-js's `call.getPeer()`): the connection is not idle
   * until the returned function (call it once, when the call ends) has been called.
   */
  callStarted(peer: string): () => void {
    const activity = this.activity.get(peer);
    if (!activity) return () => undefined;
    activity.calls += 1;
    activity.idle?.cancel();
    activity.idle = undefined;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      activity.calls -= 1;
      if (activity.calls === 0 && this.activity.get(peer) === activity) activity.idle = this.idleTimer(activity.socket, this.limits.idleCloseMs ?? 0);
    };
  }

  private idleTimer(socket: Socket, ms: number): TimerHandle {
    return this.clock.setTimeout(() => {
      this.stats.closedIdle += 1;
      closeForGood(socket);
    }, ms);
  }

  /** Connections held now, on this port and by `source`. */
  held(source?: string): number {
    return source === undefined ? this.open : (this.bySource.get(source) ?? 0);
  }

  /** Connections held now by the source holding most, for reports. */
  largestSource(): { source: string; held: number } | undefined {
    let best: { source: string; held: number } | undefined;
    for (const [source, held] of this.bySource) if (!best || held > best.held) best = { source, held };
    return best;
  }

  get counters(): Readonly<ConnectionCounters> {
    return { ...this.stats };
  }
}

/** The source IP of a socket, IPv4-mapped IPv6 written as IPv4 (one source, one count). */
export function sourceOf(socket: Pick<Socket, 'remoteAddress'>): string {
  const address = socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
