import type { Logger } from '../log/logger';
import type { NodeMetrics } from '../metrics/metrics';
import { clientMetricsInterceptor } from '../metrics/client-metrics-interceptor';
import { PeerPool } from '../pool/peer-pool';
import { TokenSyncer } from '../tokens/token-sync';
import type { TokenStore } from '../tokens/token-store';
import type { Clock } from '../util/clock';
import type { Random } from '../util/random';
import type { NodeMembership } from './node-membership';
import type { Startable } from './startable';

/** The pool pings every peer once per this many gossip intervals for RTT samples. */
const POOL_PING_INTERVALS = 5;

/** The latency-ordered client pool over membership's server peers, as a part of the node. */
export function poolPart(c: { network: NodeMembership; metrics: NodeMetrics; clock: Clock; log: Logger }): Startable & { pool: PeerPool } {
  const { network } = c;
  const pool = new PeerPool(
    {
      clients: network.peerClients,
      members: () => network.serverEndpoints(),
      clock: c.clock,
      log: c.log,
      interceptors: [clientMetricsInterceptor(c.metrics)],
      onRtt: (ms) => c.metrics.pingRtt.observe(ms / 1000),
    },
    { pingIntervalMs: network.options.intervalMs * POOL_PING_INTERVALS, pingTimeoutMs: network.options.probeTimeoutMs * 4 },
  );
  network.onEvent((event) => {
    if (event.type === 'dead' || event.type === 'left' || event.type === 'removed') pool.membersChanged();
  });
  return { name: 'pool', pool, start: () => pool.start(), stop: () => pool.stop() };
}

/** Server-mode members keep the token set in step with each other (push-pull at membership's interval). */
export function tokenSyncPart(c: { network: NodeMembership; tokens: TokenStore; clock: Clock; random: Random; log: Logger }): Startable {
  const { network } = c;
  const syncer = new TokenSyncer(
    {
      tokens: c.tokens,
      serverPeers: () => network.serverPeers(),
      clientFor: (id) => network.tokenSyncClient(id),
      clock: c.clock,
      random: c.random,
      log: c.log,
    },
    network.options.pushPullIntervalMs,
    network.options.exchangeTimeoutMs * 4,
  );
  return { name: 'token sync', start: () => syncer.start(), stop: () => syncer.stop() };
}
