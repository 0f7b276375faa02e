import type * as grpc from '@grpc/grpc-js';

type Call = ReturnType<grpc.Channel['createCall']>;
type Listener = Parameters<Call['start']>[1];

interface Generation {
  channel: grpc.Channel;
  /** Calls started on it and not yet finished. */
  active: number;
  retired: boolean;
}

/**
 * One peer's channel that can be replaced under the clients that use it (grpc.Client's
 * `channelOverride`): `recycle()` makes every later call go through a fresh grpc.Channel — a new
 * TLS handshake, so the peer's new leaf (or CA) is verified promptly — while the calls already
 * running on the old one (long streams included) finish there; the old channel is closed when its
 * last call ends. Closing it at once would fail calls still waiting for a connection ("Channel
 * closed before call started"), and typed clients made on it would fail for good.
 */
export class RecyclingChannel implements grpc.ChannelInterface {
  private current: Generation;
  private readonly retired = new Set<Generation>();
  private closed = false;

  constructor(private readonly open: () => grpc.Channel) {
    this.current = { channel: open(), active: 0, retired: false };
  }

  /** Later calls use a new channel (made by `open`, which may pick another address or CA). */
  recycle(connectNow = false): void {
    if (this.closed) return;
    const old = this.current;
    const wasReady = old.channel.getConnectivityState(false) === 2; // READY
    this.current = { channel: this.open(), active: 0, retired: false };
    old.retired = true;
    if (old.active === 0) old.channel.close();
    else this.retired.add(old);
    if (connectNow || wasReady) this.current.channel.getConnectivityState(true);
  }

  /** Channels still draining calls made before a recycle (for tests). */
  draining(): number {
    return this.retired.size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.current.channel.close();
    for (const g of this.retired) g.channel.close();
    this.retired.clear();
  }

  /**
   * Like close, but calls still running finish first (a peer declared dead may have been a false
   * suspicion: its calls in progress are not failed by us). New calls are refused at once.
   */
  drain(): void {
    if (this.closed) return;
    this.closed = true;
    for (const g of [this.current, ...this.retired]) {
      g.retired = true;
      if (g.active > 0) {
        this.retired.add(g);
        continue;
      }
      g.channel.close();
      this.retired.delete(g);
    }
  }

  getTarget(): string {
    return this.current.channel.getTarget();
  }

  getConnectivityState(tryToConnect: boolean): grpc.connectivityState {
    return this.current.channel.getConnectivityState(tryToConnect);
  }

  watchConnectivityState(currentState: grpc.connectivityState, deadline: Date | number, callback: (error?: Error) => void): void {
    this.current.channel.watchConnectivityState(currentState, deadline, callback);
  }

  getChannelzRef(): ReturnType<grpc.Channel['getChannelzRef']> {
    return this.current.channel.getChannelzRef();
  }

  createCall(...args: Parameters<grpc.Channel['createCall']>): Call {
    if (this.closed && this.current.retired) throw new Error('Channel has been shut down');
    const generation = this.current;
    const call = generation.channel.createCall(...args);
    const start = call.start.bind(call);
    let counted = false;
    call.start = (metadata, listener: Listener) => {
      generation.active++;
      counted = true;
      start(metadata, {
        onReceiveMetadata: (m) => listener.onReceiveMetadata(m),
        onReceiveMessage: (m) => listener.onReceiveMessage(m),
        onReceiveStatus: (status) => {
          if (counted) {
            counted = false;
            this.finished(generation);
          }
          listener.onReceiveStatus(status);
        },
      });
    };
    return call;
  }

  private finished(generation: Generation): void {
    generation.active--;
    if (generation.retired && generation.active === 0 && this.retired.delete(generation)) generation.channel.close();
  }
}
