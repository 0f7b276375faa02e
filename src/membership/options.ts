/**
 * Membership tuning. Every knob documents its trade-off; `lan` is the default, `wan` trades
 * speed for tolerance of slow links, `local` runs fast timers for tests and laptops (after
 * memberlist's DefaultLANConfig / DefaultWANConfig / DefaultLocalConfig).
 */
export interface MembershipOptions {
  /**
   * Gossip interval (ms): how often the node bumps its heartbeat, runs its failure detector and
   * starts exchanges. Shorter spreads changes and detects failures sooner at a proportional
   * cost in messages.
   */
  intervalMs: number;
  /**
   * Round-robin exchanges per interval over the peer table (a shuffled cycle, so every peer is
   * contacted once per cycle). Higher spreads faster and refreshes heartbeats more often, at a
   * proportional cost.
   */
  exchangeBudget: number;
  /** Additional exchanges per interval with a peer picked uniformly at random (mixing). */
  randomExchanges: number;
  /**
   * Spatial gossip (Kempe, Kleinberg & Demers 2001): the expected share of each interval's
   * partners (exchangeBudget + randomExchanges) picked by distance, with probability ∝ 1/d², d
   * the measured RTT to the peer (the client pool's EWMA). Spatial picks replace the uniform random
   * picks first, then round-robin ones, but never all of them: at least one partner per interval
   * stays uniform (a round-robin or random pick), so far groups are never starved and every peer
   * is still contacted once per (longer) round-robin cycle; the full sync (`pushPullIntervalMs`)
   * always goes to a uniform partner. So with 2 + 1 partners at most 2/3 is spatial. Higher keeps
   * more bytes on near links (a WAN's inter-region links are slow and billed) at the cost of news
   * crossing to far groups somewhat later; 0 is uniform gossip. Peers not measured yet weigh as
   * the average measured peer; with no distance source every pick is uniform.
   */
  spatialShare: number;
  /**
   * Floor on d in the 1/d² weight (ms). Without it a peer at 0.1 ms would outweigh one at 1 ms a
   * hundredfold although both are next door, and a near-zero RTT would take every spatial pick.
   * Below the floor, differences are host load and scheduler noise rather than distance (the
   * latency groups' absolute floor is the same 2 ms), so peers below it weigh the same: on one LAN
   * spatial picks are uniform.
   */
  spatialFloorMs: number;
  /**
   * λ: each rumour is sent λ·⌈log10(N+1)⌉ times by every node that learnt it (N: estimated network
   * size). Higher reaches everyone more surely under loss, at more bytes per message; anti-entropy
   * catches what rumours miss.
   */
  retransmitMult: number;
  /** Most rumours carried by one message (the least-sent go first). */
  maxRumoursPerMessage: number;
  /**
   * Most digests per ordinary exchange: a table at most this large is sent whole, a larger one in
   * a rotating window. Bounds the cost of an exchange (heartbeats then refresh more slowly, and the
   * per-peer limits adapt). Full syncs (`pushPullIntervalMs`, joins) send the whole table.
   */
  maxDigests: number;
  /**
   * How often (ms) one exchange is a full sync: the whole table as digests, so the callee sends
   * every record the caller lacks (memberlist's push-pull interval). Rumours carry news faster;
   * this repairs what they missed.
   */
  pushPullIntervalMs: number;
  /** Most full records (and separately heartbeats) in one answer or follow-up. */
  maxRecordsPerMessage: number;
  /** Random records from the callee's table added to each answer, so bounded tables keep mixing. */
  peerSampleSize: number;
  /** Messages larger than this (estimated protobuf bytes) are cut to fit; gRPC's default limit is 4 MiB. */
  maxMessageBytes: number;
  /** Deadline of one exchange (ms). */
  exchangeTimeoutMs: number;
  /** Deadline of a direct ping, and of the relay's ping in an indirect check (ms). */
  probeTimeoutMs: number;
  /**
   * Floor of the heartbeat limit, in intervals. The per-peer limit is mean + `limitSigmas`·σ of
   * the inter-arrival times of that peer's heartbeat advances, never below this. A lower floor
   * detects sooner but probes more healthy peers that merely paused.
   */
  limitFloorIntervals: number;
  /**
   * σ multiplier of the per-peer limit (the seed used 2). Inter-arrival times of relayed
   * heartbeats are skewed (a long tail), so a higher value probes healthy peers less often.
   */
  limitSigmas: number;
  /** Limit (in intervals) used for a peer until enough heartbeat gaps have been seen. */
  initialLimitIntervals: number;
  /** Peers asked to check a suspect on our behalf when a direct ping fails (SWIM's k). */
  indirectChecks: number;
  /**
   * Suspicion time: suspicionMult · max(1, log10 N) intervals once enough peers confirm the
   * suspicion, up to `suspicionMaxMult` times that with no confirmation (memberlist/Lifeguard).
   * Longer gives a paused or slow node more time to refute, and delays declaring the dead.
   */
  suspicionMult: number;
  /** See `suspicionMult`. */
  suspicionMaxMult: number;
  /**
   * Local health awareness (Lifeguard; memberlist's AwarenessMaxMultiplier): the most this node
   * stretches its own heartbeat limits, probe timeouts and suspicion times while evidence says
   * its own event loop or network is the slow party (loop lag, probes that even the relays did
   * not answer, refuted suspicions); while stretched it suspects no one itself. Higher spares
   * healthy peers from a badly stalled node's accusations, at the cost of that node detecting
   * real failures later (the healthy nodes still detect them at their pace). 1 turns it off.
   */
  lhaMaxMultiplier: number;
  /**
   * Most peers kept in the table. Below it every node learns every other; above it a node keeps
   * a uniform random sample (plus the peers it recently heard from directly) and the overlay
   * stays connected. Infinity for no bound.
   */
  maxPeers: number;
  /**
   * How long a dead peer stays in the table (ms), gossiped as dead and tried now and then
   * (`reconnectIntervalMs`) so that a healed partition merges again; then it is removed.
   */
  deadRetentionMs: number;
  /** How often (ms) to try an exchange with a random dead peer (Serf's reconnect). */
  reconnectIntervalMs: number;
  /** How long a removed id is refused unless its owner publishes a newer version (ms). */
  tombstoneTtlMs: number;
  /** How long a left peer stays listed as left before it is removed (ms). */
  leftRetentionMs: number;
  /**
   * How long a removal (`g2g remove`) is enforced and gossiped (ms): the removed id is refused
   * whatever its version, its CA stays out of the trust bundle, and the removal is handed to any
   * member that still lists it. Far longer than `tombstoneTtlMs`, and persisted, so a member that
   * was offline for weeks still cannot bring the removed node back; after it, the id is forgotten
   * (its old tokens have long expired or been revoked, one hopes).
   */
  removalTtlMs: number;
}

const LAN: MembershipOptions = {
  intervalMs: 1000,
  exchangeBudget: 2,
  randomExchanges: 1,
  spatialShare: 1 / 3,
  spatialFloorMs: 2,
  retransmitMult: 4,
  maxRumoursPerMessage: 64,
  maxDigests: 256,
  pushPullIntervalMs: 30_000,
  maxRecordsPerMessage: 256,
  peerSampleSize: 2,
  maxMessageBytes: 1024 * 1024,
  exchangeTimeoutMs: 500,
  probeTimeoutMs: 300,
  limitFloorIntervals: 5,
  limitSigmas: 4,
  initialLimitIntervals: 10,
  indirectChecks: 3,
  suspicionMult: 4,
  suspicionMaxMult: 6,
  lhaMaxMultiplier: 8,
  maxPeers: 4096,
  deadRetentionMs: 6 * 3600_000,
  reconnectIntervalMs: 10_000,
  tombstoneTtlMs: 24 * 3600_000,
  leftRetentionMs: 60_000,
  removalTtlMs: 30 * 24 * 3600_000,
};

/** The lan values; the other profiles' values are in the profile registry (src/config/profiles.ts). */
export const MEMBERSHIP_DEFAULTS: Readonly<MembershipOptions> = LAN;

/** The lan values with `overrides` applied, checked. */
export function membershipOptions(overrides: Partial<MembershipOptions> = {}): MembershipOptions {
  const o = { ...LAN, ...overrides };
  const positive: (keyof MembershipOptions)[] = ['spatialFloorMs', 'intervalMs', 'exchangeTimeoutMs', 'probeTimeoutMs', 'maxPeers', 'maxMessageBytes', 'limitFloorIntervals', 'initialLimitIntervals', 'suspicionMult'];
  for (const k of positive) if (!(o[k] > 0)) throw new RangeError(`membership option ${k} must be > 0, got ${o[k]}`);
  const nonNegative: (keyof MembershipOptions)[] = ['exchangeBudget', 'randomExchanges', 'retransmitMult', 'maxRumoursPerMessage', 'maxDigests', 'maxRecordsPerMessage', 'peerSampleSize', 'limitSigmas', 'indirectChecks', 'deadRetentionMs', 'reconnectIntervalMs', 'pushPullIntervalMs', 'tombstoneTtlMs', 'leftRetentionMs', 'removalTtlMs'];
  for (const k of nonNegative) if (!(o[k] >= 0)) throw new RangeError(`membership option ${k} must be >= 0, got ${o[k]}`);
  if (!(o.spatialShare >= 0 && o.spatialShare <= 1)) throw new RangeError(`membership option spatialShare must be in [0, 1], got ${o.spatialShare}`);
  if (!(Number.isInteger(o.lhaMaxMultiplier) && o.lhaMaxMultiplier >= 1)) throw new RangeError(`membership option lhaMaxMultiplier must be an integer >= 1, got ${o.lhaMaxMultiplier}`);
  if (o.suspicionMaxMult < 1) throw new RangeError(`membership option suspicionMaxMult must be >= 1, got ${o.suspicionMaxMult}`);
  if (o.exchangeBudget + o.randomExchanges < 1) throw new RangeError('membership needs at least one exchange per interval (exchangeBudget + randomExchanges >= 1)');
  return o;
}

/** The membership keys of a node's config (G2G_GOSSIP_*: src/config/schema.ts), durations in ms. */
export interface MembershipTimerConfig {
  gossipInterval: number;
  gossipProbeTimeout: number;
  gossipSuspicionMult: number;
  gossipPushPullInterval: number;
  gossipMaxPeers: number;
  gossipLhaMaxMultiplier: number;
}

/** The config's membership keys as options over the profile's preset (each profile sets them to its preset's values). */
export function membershipTimers(c: MembershipTimerConfig): Partial<MembershipOptions> {
  return { intervalMs: c.gossipInterval, probeTimeoutMs: c.gossipProbeTimeout, suspicionMult: c.gossipSuspicionMult, pushPullIntervalMs: c.gossipPushPullInterval, maxPeers: c.gossipMaxPeers, lhaMaxMultiplier: c.gossipLhaMaxMultiplier };
}
