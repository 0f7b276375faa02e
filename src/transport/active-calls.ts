import * as grpc from '@grpc/grpc-js';

type End = (status: { code: grpc.status; details: string }) => void;

/**
 * The calls in progress on the gossip port, by the member whose certificate made them (an
 * operator's certificate counts for the member whose CA issued it). Authorisation is checked per
 * call, so a removed member's *next* call is refused; this is what ends the calls it already has
 * open — long streams above all — at once, with a status that says why.
 */
export class ActiveCalls {
  private readonly byNode = new Map<string, Set<End>>();

  /** Registers a call; the returned function forgets it (call it when the call ends). */
  track(nodeId: string, end: End): () => void {
    let calls = this.byNode.get(nodeId);
    if (!calls) this.byNode.set(nodeId, (calls = new Set()));
    calls.add(end);
    return () => {
      calls.delete(end);
      if (calls.size === 0 && this.byNode.get(nodeId) === calls) this.byNode.delete(nodeId);
    };
  }

  /** Ends every call of `nodeId` with UNAUTHENTICATED and `details`; returns how many. */
  end(nodeId: string, details: string): number {
    const calls = this.byNode.get(nodeId);
    if (!calls) return 0;
    this.byNode.delete(nodeId);
    for (const end of calls) end({ code: grpc.status.UNAUTHENTICATED, details });
    return calls.size;
  }

  count(nodeId?: string): number {
    if (nodeId !== undefined) return this.byNode.get(nodeId)?.size ?? 0;
    let n = 0;
    for (const calls of this.byNode.values()) n += calls.size;
    return n;
  }
}
