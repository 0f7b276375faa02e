import type { GossipCounters } from './gossip-counters';
import { exchangeRequestSize, exchangeResponseSize, pingRequestSize, pingResponseSize, pingViaRequestSize, pingViaResponseSize } from './message-size';
import type { Transport } from './transport';

/**
 * Membership's transport with every message counted (kind, direction, protobuf bytes) in
 * `counters`: a request when it is sent, an answer when it arrives. The same wrapper counts over
 * gRPC and in the simulator, so their figures compare. The server side counts in the facade.
 */
export function countingTransport(inner: Transport, counters: GossipCounters): Transport {
  return {
    async exchange(target, request, options) {
      counters.message('sent', 'exchange', exchangeRequestSize(request));
      const answer = await inner.exchange(target, request, options);
      counters.message('received', 'exchange', exchangeResponseSize(answer));
      return answer;
    },
    async ping(target, request, options) {
      counters.message('sent', 'ping', pingRequestSize(request));
      const answer = await inner.ping(target, request, options);
      counters.message('received', 'ping', pingResponseSize(answer));
      return answer;
    },
    async pingVia(relay, request, options) {
      counters.message('sent', 'ping_via', pingViaRequestSize(request));
      const answer = await inner.pingVia(relay, request, options);
      counters.message('received', 'ping_via', pingViaResponseSize(answer));
      return answer;
    },
  };
}
