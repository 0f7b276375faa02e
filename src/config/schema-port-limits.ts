import { MAX_TIMER_MS, MINUTE, SECOND } from './formats';
import type { KeySchema } from './key-schema';

/** The open port's limits in the resolved configuration (durations in milliseconds). */
export interface PortLimitConfig {
  readonly connectionBudget: number;
  readonly registerConnectionsPerSource: number;
  readonly gossipConnectionsPerSource: number;
  readonly unusedConnectionTimeout: number;
  readonly registerIdleTimeout: number;
  readonly gossipIdleTimeout: number;
  readonly registerStreamsPerConnection: number;
  readonly gossipStreamsPerConnection: number;
  readonly healthWatchStreams: number;
  readonly healthWatchStreamsPerSource: number;
  readonly joinHandshakes: number;
  readonly joinHandshakesPerSource: number;
  readonly joinHelloTimeout: number;
  readonly joinFailureBudget: number;
  readonly joinRetryTime: number;
}

/**
 * The open port's limits (connections, streams, idle and age, handshakes, the join throttle):
 * what an unauthenticated source and the members may hold. Spread into configSchema in place.
 */
export const portLimitKeys: { readonly [K in keyof PortLimitConfig]: KeySchema<PortLimitConfig[K]> } = {
  connectionBudget: {
    doc: 'Incoming connections both ports (and the plain health port) may hold together; beyond it new ones are reset before TLS. The register and gossip ports may each use at most half of it (the plain health port an eighth), so a flood on one port leaves the other room. 0 derives it at start from the open-file limit (RLIMIT_NOFILE, read from /proc/self/limits; 1024 assumed where that is unreadable): the limit minus a reserve of a quarter of it (at least 128) for the node\'s own files, its channels to peers and plugins. Higher admits more clients but risks EMFILE for the node\'s own files; raise the limit (ulimit -n) rather than this.',
    format: 'g2g-integer',
    min: 0,
    max: 10_000_000,
    default: 0,
    defaultText: '0 (limit − max(128, limit / 4))',
    env: 'G2G_CONNECTION_BUDGET',
    arg: 'connection-budget',
  },
  registerConnectionsPerSource: {
    doc: 'Connections one source IP may hold on the register port (and the plain health port); more are reset before TLS. Newcomers need one or two each; many newcomers or probes behind one NAT address need more. Lower bounds what one unauthenticated source can hold.',
    format: 'g2g-integer',
    min: 1,
    max: 1_000_000,
    default: 64,
    env: 'G2G_REGISTER_CONNECTIONS_PER_SOURCE',
    arg: 'register-connections-per-source',
  },
  gossipConnectionsPerSource: {
    doc: 'Connections one source IP may hold on the gossip port. A member holds one or two (two while a connection is recycled), and tools one each; many members behind one address (a NAT, or a whole cluster on one laptop) need one each. Lower bounds what a source without a member certificate can hold in TLS handshakes.',
    format: 'g2g-integer',
    min: 1,
    max: 1_000_000,
    default: 512,
    env: 'G2G_GOSSIP_CONNECTIONS_PER_SOURCE',
    arg: 'gossip-connections-per-source',
  },
  unusedConnectionTimeout: {
    doc: 'A connection on any port that the node has not answered one call on (a response message) this long after accepting it is closed: it covers TLS handshakes that never finish and clients that connect and never ask. Shorter frees descriptors held by idle floods sooner; too short cuts clients on slow links before their first answer. 0 disables it.',
    format: 'g2g-duration',
    min: 0,
    max: MAX_TIMER_MS,
    default: 10 * SECOND,
    env: 'G2G_UNUSED_CONNECTION_TIMEOUT',
    arg: 'unused-connection-timeout',
  },
  registerIdleTimeout: {
    doc: 'A register-port (and plain health port) connection with no call in progress for this long is asked to close (grpc.max_connection_idle_ms sends a GOAWAY) and closed by the node 10s later if the client ignores that. Newcomers and probes reconnect cheaply; shorter bounds how long a source holds connections it no longer uses, longer saves probes a TLS handshake.',
    format: 'g2g-duration',
    min: SECOND,
    max: MAX_TIMER_MS,
    default: 30 * SECOND,
    env: 'G2G_REGISTER_IDLE_TIMEOUT',
    arg: 'register-idle-timeout',
  },
  gossipIdleTimeout: {
    doc: 'A gossip-port connection with no call in progress for this long is closed (grpc.max_connection_idle_ms). Members call each other every few intervals, so only forgotten connections reach it; shorter frees them sooner, and a member that comes back pays a TLS handshake.',
    format: 'g2g-duration',
    min: SECOND,
    max: MAX_TIMER_MS,
    default: 5 * MINUTE,
    env: 'G2G_GOSSIP_IDLE_TIMEOUT',
    arg: 'gossip-idle-timeout',
  },
  registerStreamsPerConnection: {
    doc: 'Concurrent calls one register-port connection may carry (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS; the client queues the rest). A newcomer needs one; more lets one connection hold more handshakes and Watch streams.',
    format: 'g2g-integer',
    min: 1,
    max: 1_000_000,
    default: 16,
    env: 'G2G_REGISTER_STREAMS_PER_CONNECTION',
    arg: 'register-streams-per-connection',
  },
  gossipStreamsPerConnection: {
    doc: 'Concurrent calls one gossip-port connection may carry (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS; the client queues the rest). A member multiplexes gossip, channel pushes and every plugin call on one connection, so fan-out-heavy plugins need many; lower bounds the memory one member can make the node spend at once.',
    format: 'g2g-integer',
    min: 1,
    max: 1_000_000,
    default: 1000,
    env: 'G2G_GOSSIP_STREAMS_PER_CONNECTION',
    arg: 'gossip-streams-per-connection',
  },
  healthWatchStreams: {
    doc: 'Open grpc.health.v1 Watch streams each port (register, gossip, plain health) holds at most; more are refused with RESOURCE_EXHAUSTED (Check still answers). Each costs a stream and a watcher for as long as the client keeps it; load balancers usually poll with Check.',
    format: 'g2g-integer',
    min: 0,
    max: 1_000_000,
    default: 64,
    env: 'G2G_HEALTH_WATCH_STREAMS',
    arg: 'health-watch-streams',
  },
  healthWatchStreamsPerSource: {
    doc: 'Open Health.Watch streams one source IP may hold on a port, so one source cannot take the whole healthWatchStreams budget. A load balancer needs one per service it watches.',
    format: 'g2g-integer',
    min: 0,
    max: 1_000_000,
    default: 8,
    env: 'G2G_HEALTH_WATCH_STREAMS_PER_SOURCE',
    arg: 'health-watch-streams-per-source',
  },
  joinHandshakes: {
    doc: 'Join and Rejoin handshakes in progress on the register port at most; more are refused with RESOURCE_EXHAUSTED (ERR_JOIN_BUSY) and newcomers retry. Each handshake holds a stream, timers and, once proven, an admission (connect-back). Higher admits big bursts of newcomers at once; lower bounds the work a flood can cause.',
    format: 'g2g-integer',
    min: 1,
    max: 100_000,
    default: 64,
    env: 'G2G_JOIN_HANDSHAKES',
    arg: 'join-handshakes',
  },
  joinHandshakesPerSource: {
    doc: 'Handshakes in progress from one source IP at most (RESOURCE_EXHAUSTED, ERR_JOIN_BUSY beyond), so one source cannot take the joinHandshakes budget. Many newcomers starting at once behind one NAT address need more.',
    format: 'g2g-integer',
    min: 1,
    max: 100_000,
    default: 4,
    env: 'G2G_JOIN_HANDSHAKES_PER_SOURCE',
    arg: 'join-handshakes-per-source',
  },
  joinHelloTimeout: {
    doc: 'Time a Join or Rejoin stream has to send its hello (a newcomer sends it at once); a stream that stalls is refused and counts as a failed attempt for throttling. Longer tolerates slow links; shorter frees handshake slots held by idle streams sooner. Later steps have 10s each.',
    format: 'g2g-duration',
    min: 100,
    max: MAX_TIMER_MS,
    default: 3 * SECOND,
    env: 'G2G_JOIN_HELLO_TIMEOUT',
    arg: 'join-hello-timeout',
  },
  joinFailureBudget: {
    doc: 'Failed join attempts (wrong or unknown tokens, failed proofs, stalled handshakes) the node accepts per minute from all sources together, as a burst of the same size; when it is spent, sources that failed lately are refused with RESOURCE_EXHAUSTED (ERR_JOIN_THROTTLED) until it refills, on top of the per-source limit of 5 then 5 a minute, while a source with no recent failure is let through; failures of such clean sources while it is spent drain a new-source allowance of a quarter of this budget per minute, and when that is spent too every source waits. It bounds what many source addresses can try together: a few dozen failing addresses cannot lock clean newcomers out, and an attacker who keeps bringing fresh addresses can delay newcomers (who retry, see joinRetryTime) but not try faster. Larger lets more honest mistakes through in a join storm; smaller caps guessing lower.',
    format: 'g2g-integer',
    min: 1,
    max: 1_000_000,
    default: 120,
    env: 'G2G_JOIN_FAILURE_BUDGET',
    arg: 'join-failure-budget',
  },
  joinRetryTime: {
    doc: 'How long a newcomer keeps retrying, with jittered exponential backoff (0.5s doubling to 8s), while the nodes it joins answer RESOURCE_EXHAUSTED (busy or throttled) before it gives up. Longer rides out floods and join storms; shorter reports failure sooner. 0 tries once.',
    format: 'g2g-duration',
    min: 0,
    max: MAX_TIMER_MS,
    default: MINUTE,
    env: 'G2G_JOIN_RETRY_TIME',
    arg: 'join-retry-time',
  },
};
