/**
 * One call's registration for cancellation in a fan-out: the call hands over what cancels it
 * (a grpc-js call, or anything with `cancel()`), and the fan-out abandons it when it stops
 * waiting — enough answers came, or the call passed its deadline. A call that registers after
 * that is cancelled at once. Shared by the pool's fan-out and the plugin testing kit's.
 */
export class CallCancellation {
  private abandoned = false;
  private cancellable: { cancel(): void } | undefined;

  /** A property, not a method, so that `({ cancelOnEnd }) => …` works. */
  readonly cancelOnEnd = (call: { cancel(): void }): void => {
    if (this.abandoned) call.cancel();
    else this.cancellable = call;
  };

  /** The fan-out no longer waits for this call: cancel what it registered, and what it registers later. */
  abandon(): void {
    this.abandoned = true;
    const call = this.cancellable;
    this.cancellable = undefined;
    call?.cancel();
  }
}
