import * as grpc from '@grpc/grpc-js';

type Call = ReturnType<grpc.ChannelInterface['createCall']>;
type InterceptingListener = Parameters<Call['start']>[1];

/**
 * A peer's pooled channel as lent to a typed client (a plugin's, or the pool's own): the pool
 * owns the channel, so `close()` here does nothing (a grpc-js `Client.close()` closes its channel,
 * even one passed as `channelOverride`, which would cut every other user of the peer off). Calls
 * go to the peer's *current* channel, so a client kept across the peer's leaf change or address
 * failover (both replace the channel) keeps working; once the peer has left the pool, calls fail
 * with UNAVAILABLE instead of throwing "Channel has been shut down".
 */
export class BorrowedChannel implements grpc.ChannelInterface {
  private last: grpc.ChannelInterface;

  /** `current()` is the peer's channel now, or undefined once it has left; `initial` is its channel at lending time. */
  constructor(private readonly nodeId: string, initial: grpc.ChannelInterface, private readonly current: () => grpc.ChannelInterface | undefined) {
    this.last = initial;
  }

  private channel(): grpc.ChannelInterface | undefined {
    const channel = this.current();
    if (channel) this.last = channel;
    return channel;
  }

  close(): void {
    // The pool closes the channel when the peer leaves; a borrower must not.
  }

  getTarget(): string {
    return this.last.getTarget();
  }

  getConnectivityState(tryToConnect: boolean): grpc.connectivityState {
    return this.channel()?.getConnectivityState(tryToConnect) ?? grpc.connectivityState.SHUTDOWN;
  }

  watchConnectivityState(currentState: grpc.connectivityState, deadline: Date | number, callback: (error?: Error) => void): void {
    const channel = this.channel();
    if (channel) channel.watchConnectivityState(currentState, deadline, callback);
    else process.nextTick(() => callback(new Error(`peer ${this.nodeId} has left the pool`)));
  }

  getChannelzRef(): ReturnType<grpc.ChannelInterface['getChannelzRef']> {
    return this.last.getChannelzRef();
  }

  createCall(...args: Parameters<grpc.ChannelInterface['createCall']>): Call {
    const channel = this.channel();
    return channel ? channel.createCall(...args) : refusedCall(`peer ${this.nodeId} has left the pool`);
  }
}

/** A call that ends with UNAVAILABLE as soon as it starts, without touching the network. */
function refusedCall(details: string): Call {
  let cancelled: { code: grpc.status; details: string } | undefined;
  return {
    cancelWithStatus(code, why) {
      cancelled = { code, details: why };
    },
    getPeer: () => '',
    start(_metadata, listener: InterceptingListener) {
      const status = cancelled ?? { code: grpc.status.UNAVAILABLE, details };
      process.nextTick(() => listener.onReceiveStatus({ ...status, metadata: new grpc.Metadata() }));
    },
    sendMessageWithContext(context) {
      context.callback?.();
    },
    startRead() {},
    halfClose() {},
    getCallNumber: () => 0,
    setCredentials() {},
    getAuthContext: () => null,
  };
}
