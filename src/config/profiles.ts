import { HOUR, MINUTE, SECOND } from './formats';
import type { G2gConfig, ProfileName } from './schema';

/** What a profile may change: anything but the keys that choose the profile and the file. */
export type ProfileOverrides = Partial<Omit<G2gConfig, 'profile' | 'configFile' | 'plugins'>>;

/**
 * Named defaults, in the spirit of memberlist's DefaultLANConfig/DefaultWANConfig/
 * DefaultLocalConfig. A profile sits just above the schema defaults: the config file, env vars
 * and flags all override it. Every profile must satisfy the cross-key checks on its own
 * (maxConnectionAge < leafLifetime × (1 − leafRenewFraction)); a unit test loads each one.
 */
export const profiles: Readonly<Record<ProfileName, Readonly<ProfileOverrides>>> = {
  // The schema defaults are tuned for a data centre network; lan is them, unchanged.
  lan: {},

  wan: {
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
    // Membership timers of the wan preset (src/membership/options.ts).
    gossipInterval: 2 * SECOND,
    gossipProbeTimeout: SECOND,
    gossipSuspicionMult: 6,
    gossipPushPullInterval: MINUTE,
  },

  local: {
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
    // Membership timers of the local preset (src/membership/options.ts).
    gossipInterval: 200,
    gossipProbeTimeout: 100,
    gossipPushPullInterval: 5 * SECOND,
  },
};
