import { channelOptions, type ChannelOptions } from '../channel/options';
import { membershipOptions, type MembershipOptions } from '../membership/options';
import { HOUR, MINUTE, SECOND } from './formats';
import type { G2gConfig, ProfileName } from './schema';

/** What a profile may change: anything but the keys that choose the profile and the file. */
export type ProfileOverrides = Partial<Omit<G2gConfig, 'profile' | 'configFile' | 'plugins'>>;

/** Everything a profile tunes, in one place: node config keys, membership options and channel options. */
export interface ProfilePreset {
  /** Config keys set just above the schema defaults (the config file, env vars and flags override them). */
  readonly config: Readonly<ProfileOverrides>;
  /** Membership options over the lan values (src/membership/options.ts); the config's gossip keys follow them. */
  readonly membership: Readonly<Partial<MembershipOptions>>;
  /** Channel options over the lan values (src/channel/options.ts). */
  readonly channel: Readonly<Partial<ChannelOptions>>;
}

/**
 * The membership options an operator may also set as config keys (G2G_GOSSIP_*), named as config
 * keys: a profile's config values are read from its membership values, so the two cannot drift.
 */
function gossipKeys(m: Partial<MembershipOptions>): ProfileOverrides {
  return {
    ...(m.intervalMs !== undefined && { gossipInterval: m.intervalMs }),
    ...(m.probeTimeoutMs !== undefined && { gossipProbeTimeout: m.probeTimeoutMs }),
    ...(m.suspicionMult !== undefined && { gossipSuspicionMult: m.suspicionMult }),
    ...(m.pushPullIntervalMs !== undefined && { gossipPushPullInterval: m.pushPullIntervalMs }),
  };
}

const WAN_MEMBERSHIP: Partial<MembershipOptions> = {
  intervalMs: 2 * SECOND,
  // Between regions links are slow and billed: two of the three partners by distance.
  spatialShare: 2 / 3,
  exchangeTimeoutMs: 1500,
  probeTimeoutMs: SECOND,
  limitFloorIntervals: 6,
  suspicionMult: 6,
  reconnectIntervalMs: 30 * SECOND,
  pushPullIntervalMs: MINUTE,
};

const LOCAL_MEMBERSHIP: Partial<MembershipOptions> = {
  intervalMs: 200,
  exchangeTimeoutMs: 150,
  probeTimeoutMs: 100,
  reconnectIntervalMs: 2 * SECOND,
  pushPullIntervalMs: 5 * SECOND,
  deadRetentionMs: 10 * MINUTE,
  leftRetentionMs: 10 * SECOND,
};

/**
 * Named defaults, in the spirit of memberlist's DefaultLANConfig/DefaultWANConfig/
 * DefaultLocalConfig, keyed by the profile name (G2G_PROFILE). The lan values are the defaults
 * of the config schema, of membership and of the channel; the other profiles list what they
 * change. Every profile must satisfy the cross-key checks on its own
 * (maxConnectionAge < leafLifetime × (1 − leafRenewFraction)); a unit test loads each one.
 */
export const profiles: Readonly<Record<ProfileName, ProfilePreset>> = {
  // The defaults are tuned for a data centre network; lan is them, unchanged.
  lan: { config: {}, membership: {}, channel: {} },

  wan: {
    config: {
      // Rotations are gossiped and recycle connections, which costs more over slow links; 6h
      // rotates a quarter as often as lan and leaves 3h for the new leaf to spread.
      leafLifetime: 6 * HOUR,
      // Reconnecting costs several round trips of TLS handshake at WAN latency, so recycle less
      // often; 1h is still well inside the 3h the old leaf remains valid after rotation.
      maxConnectionAge: HOUR,
      // Leaves switch to a new CA 1h (maxConnectionAge) before the end: 5h for it to spread.
      caRotationGrace: 6 * HOUR,
      // In-flight calls over high-latency, lossy links take longer to finish.
      drainTimeout: 30 * SECOND,
      // A service join is a TLS handshake and an exchange across slow links; islands are rarer
      // than on a LAN's rolling restarts, so merging a minute later is an acceptable price.
      serviceJoinInterval: MINUTE,
      ...gossipKeys(WAN_MEMBERSHIP),
    },
    membership: WAN_MEMBERSHIP,
    // Slower links: batch a little longer, wait longer for pushes and pulls, repair half as often and
    // wait twice as long before giving a gap up.
    channel: { flushDelayMs: 5, pushTimeoutMs: 10 * SECOND, pullTimeoutMs: 6 * SECOND, repairIntervalMs: 2 * SECOND, gapTimeoutMs: 4 * MINUTE },
  },

  local: {
    config: {
      // Nothing on a laptop or in a test should be reachable from the network.
      host: '127.0.0.1',
      // Short enough that tests and a developer watching the logs see several rotations; the
      // schema minimum is 10s.
      leafLifetime: 2 * MINUTE,
      // Must stay under 2m × (1 − 0.5) = 60s so connections move onto the new leaf in time.
      maxConnectionAge: 30 * SECOND,
      // Leaves switch to a new CA after 60s, 30s (maxConnectionAge) before the old one retires.
      caRotationGrace: 90 * SECOND,
      // Ctrl-C and test teardown should not wait for slow calls.
      drainTimeout: 2 * SECOND,
      // Islands of a test or laptop cluster merge within seconds.
      serviceJoinInterval: 2 * SECOND,
      ...gossipKeys(LOCAL_MEMBERSHIP),
    },
    membership: LOCAL_MEMBERSHIP,
    // Tests and laptop clusters repair lost messages quickly and give gaps up sooner.
    channel: { repairIntervalMs: 200, gapTimeoutMs: 30 * SECOND },
  },
};

/** The membership options of `profile` with `overrides` applied, checked. */
export function profileMembershipOptions(profile: ProfileName, overrides: Partial<MembershipOptions> = {}): MembershipOptions {
  return membershipOptions({ ...profiles[profile].membership, ...overrides });
}

/** The channel options of `profile` with `overrides` applied, checked. */
export function profileChannelOptions(profile: ProfileName, overrides: Partial<ChannelOptions> = {}): ChannelOptions {
  return channelOptions({ ...profiles[profile].channel, ...overrides });
}
