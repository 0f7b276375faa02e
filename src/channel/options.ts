/**
 * Channel tuning. The keys an operator sets (size limit, fanout, queue, retention) are also node
 * config keys (`channel*` in src/config/schema.ts, which documents them); timers follow the
 * profile (`lan`, `wan`, `local`: src/config/profiles.ts).
 */
export interface ChannelOptions {
  /** Largest message (topic + data bytes) a node publishes or accepts. */
  maxMessageBytes: number;
  /**
   * Peers each server pushes each new message to. 0: ⌈ln(N + 1)⌉ + 1 for N peers, which reaches
   * all but a fraction of about e^-fanout of the nodes by push alone (Kermarrec, Massoulié and
   * Ganesh, "Probabilistic reliable dissemination in large-scale systems", 2003); pulls repair
   * the rest. Higher lowers latency under loss at a proportional cost in messages.
   */
  fanout: number;
  /** How long new messages wait to share a push (ms): batching under load, latency when idle. */
  flushDelayMs: number;
  /**
   * Largest push batch (bytes; a single larger message still goes alone). With
   * `maxBatchMessages` and `maxInFlightPerPeer` it bounds what waits at a busy receiver, and so
   * the latency under overload: larger batches amortise calls, smaller ones queue less.
   */
  maxBatchBytes: number;
  /** Most messages per push (see maxBatchBytes). */
  maxBatchMessages: number;
  /** Pushes to one peer in flight at once: a slow peer holds back only its own share. */
  maxInFlightPerPeer: number;
  /** Bytes of pushes in flight at once, all peers together: with the queue, what bounds memory when the network is slower than publishing. */
  maxInFlightBytes: number;
  /**
   * Deadline of one push (ms). Generous: a push that times out at a busy receiver is work done
   * for nothing and marks the peer failed; a dead peer only holds its own two slots meanwhile.
   */
  pushTimeoutMs: number;
  /** Outbound queue (messages): publishing waits while it is full. */
  queueMessages: number;
  /** Outbound queue (bytes): publishing waits while it is full. */
  queueBytes: number;
  /** How long a message is kept for repair after it arrived (ms): the longest partition healed without loss. */
  retentionMs: number;
  /** Most messages kept for repair. */
  retentionMessages: number;
  /** Most bytes kept for repair. */
  retentionBytes: number;
  /** How often a node pulls from a random peer (ms). */
  repairIntervalMs: number;
  /** Deadline of one pull (ms). */
  pullTimeoutMs: number;
  /** Largest pull answer (bytes); a cut answer says so and the caller pulls again. */
  maxPullBytes: number;
  /** Most origins in one pull digest (more are sent in a rotating window). */
  maxDigestOrigins: number;
  /** Most early seqs listed per origin in a digest. */
  maxHeldListed: number;
  /** A gap in an origin's seqs still open after this long is given up as lost (ms). */
  gapTimeoutMs: number;
  /** Most seqs held above a gap per origin before the gap is given up. */
  maxAheadPerOrigin: number;
}

const KIB = 1024;
const MIB = 1024 * KIB;

const LAN: ChannelOptions = {
  maxMessageBytes: 256 * KIB,
  fanout: 0,
  flushDelayMs: 1,
  maxBatchBytes: 256 * KIB,
  maxBatchMessages: 64,
  maxInFlightPerPeer: 2,
  maxInFlightBytes: 8 * MIB,
  pushTimeoutMs: 5000,
  queueMessages: 1024,
  queueBytes: 16 * MIB,
  retentionMs: 10 * 60_000,
  retentionMessages: 10_000,
  retentionBytes: 64 * MIB,
  repairIntervalMs: 1000,
  pullTimeoutMs: 3000,
  maxPullBytes: 256 * KIB,
  maxDigestOrigins: 4096,
  maxHeldListed: 256,
  gapTimeoutMs: 120_000,
  maxAheadPerOrigin: 4096,
};

/** The lan values; the other profiles' values are in the profile registry (src/config/profiles.ts). */
export const CHANNEL_DEFAULTS: Readonly<ChannelOptions> = LAN;

/** Largest `maxMessageBytes` allowed: a message plus its envelope must fit one push and one pull answer (gRPC's default limit is 4 MiB). */
export const MAX_MESSAGE_BYTES_LIMIT = MIB;

/** The lan values with `overrides` applied, checked. */
export function channelOptions(overrides: Partial<ChannelOptions> = {}): ChannelOptions {
  const o = { ...LAN, ...overrides };
  for (const [k, v] of Object.entries(o) as [keyof ChannelOptions, number][]) {
    const min = k === 'fanout' || k === 'flushDelayMs' || k === 'maxHeldListed' ? 0 : 1;
    if (!(Number.isFinite(v) && v >= min)) throw new RangeError(`channel option ${k} must be a number >= ${min}, got ${v}`);
  }
  if (o.maxMessageBytes > MAX_MESSAGE_BYTES_LIMIT) throw new RangeError(`channel option maxMessageBytes must be at most ${MAX_MESSAGE_BYTES_LIMIT}, got ${o.maxMessageBytes}`);
  return o;
}

/** The fanout for `peers` peers (see ChannelOptions.fanout). */
export function fanoutFor(options: Pick<ChannelOptions, 'fanout'>, peers: number): number {
  const f = options.fanout > 0 ? options.fanout : Math.ceil(Math.log(peers + 1)) + 1;
  return Math.min(f, peers);
}
