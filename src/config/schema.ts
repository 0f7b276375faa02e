import type convict from 'convict';
import { LOG_FORMATS, type LogFormat, type LogLevel } from '../log/logger';
import type { KeySchema } from './key-schema';
import { portLimitKeys, type PortLimitConfig } from './schema-port-limits';
import { DAY, HOUR, MAX_TIMER_MS, MINUTE, SECOND } from './formats';

const KIB = 1024;
const MIB = 1024 * KIB;

export type ProfileName = 'lan' | 'wan' | 'local';
export type NodeMode = 'server' | 'client';

/** The resolved configuration: durations in milliseconds, disabled optional ports as `null`. */
export interface G2gConfig extends PortLimitConfig {
  readonly profile: ProfileName;
  /** Absolute path of the JSON file that was loaded, or `''`. */
  readonly configFile: string;
  /** Absolute path. */
  readonly dataDir: string;
  readonly cluster: string;
  /** Resolved: the hostname when not set. */
  readonly nodeName: string;
  readonly tags: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  readonly mode: NodeMode;
  readonly host: string;
  readonly registerPort: number;
  readonly gossipPort: number;
  readonly advertise: string[];
  readonly advertiseGossipPort: number | null;
  readonly healthPort: number | null;
  readonly healthHost: string;
  readonly metricsPort: number | null;
  readonly metricsHost: string;
  readonly eventBacklog: number;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly leafLifetime: number;
  readonly leafRenewFraction: number;
  readonly leafRenewJitter: number;
  readonly caLifetime: number;
  readonly caRotationGrace: number;
  readonly caRejoin: 'proof' | 'ticket';
  readonly operatorCertMaxLifetime: number;
  readonly maxConnectionAge: number;
  readonly drainTimeout: number;
  readonly stayAfterRemoval: boolean;
  readonly join: string;
  readonly token: string;
  readonly services: string[];
  readonly serviceJoinInterval: number;
  readonly serviceJoinJitter: number;
  readonly gossipInterval: number;
  readonly gossipProbeTimeout: number;
  readonly gossipSuspicionMult: number;
  readonly gossipPushPullInterval: number;
  readonly gossipMaxPeers: number;
  readonly gossipLhaMaxMultiplier: number;
  /** Absolute paths. */
  readonly pluginsDir: string[];
  readonly pluginsEnabled: string[];
  readonly pluginsDisabled: string[];
  readonly pluginsFailOnError: boolean;
  readonly pluginsStartTimeout: number;
  readonly pluginsStopTimeout: number;
  /** Raw per-plugin settings; each plugin's section is validated against its manifest's schema at start. */
  readonly plugins: PluginSettings;
  readonly channelMaxMessageBytes: number;
  readonly channelFanout: number;
  readonly channelQueueMessages: number;
  readonly channelRetention: number;
  readonly channelRetentionMessages: number;
  readonly channelRetentionBytes: number;
}

/**
 * Plugin settings as found, before the plugins (and so their schemas) are known: `plugins` of
 * the config file, `G2G_PLUGIN_*` environment variables and `--plugin-*` flags
 * (src/plugins/plugin-config.ts matches them to each plugin's keys).
 */
export interface PluginSettings {
  /** `{ "<plugin>": { "<key>": value } }` from the config file. */
  readonly file: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** `G2G_PLUGIN_<NAME>_<KEY>` → value. */
  readonly env: Readonly<Record<string, string>>;
  /** `plugin-<name>-<key>` (no dashes in front) → value. */
  readonly flags: Readonly<Record<string, string>>;
}

/** Every key of the schema (`plugins` is not one: its keys come from the plugins). */
export type ConfigKey = Exclude<keyof G2gConfig, 'plugins'>;

export type { KeySchema } from './key-schema';

export type ConfigSchema = { readonly [K in ConfigKey]: KeySchema<G2gConfig[K]> };

export const PROFILES: readonly ProfileName[] = ['lan', 'wan', 'local'];
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Every knob of a node. Each `doc` says what the key trades off, memberlist-style; `describeConfig`
 * turns this into the table in docs/configuration.md, so edit the docs here. Defaults are the `lan` profile; the
 * other profiles (profiles.ts) override a few of them.
 */
export const configSchema: ConfigSchema = {
  profile: {
    doc: 'Named set of defaults: lan (data centre), wan (high latency, lossy links: tolerant timers) or local (fast timers for tests and laptops, loopback only). Explicit settings always win over the profile.',
    format: PROFILES,
    default: 'lan',
    env: 'G2G_PROFILE',
    arg: 'profile',
  },
  configFile: {
    doc: 'Optional JSON file of settings, keyed by the names in this table; unknown keys are an error. It overrides the profile and is overridden by env vars and flags. Relative paths are resolved against the working directory.',
    format: 'g2g-path',
    allowEmpty: true,
    default: '',
    defaultText: 'none',
    env: 'G2G_CONFIG',
    arg: 'config',
  },
  dataDir: {
    doc: 'Directory holding the node identity (CA, leaf certificates, keys) and tokens. It is the node: losing it means joining again as a new node, and a copy on a second machine would claim the same identity. `~/` is expanded; relative paths are resolved against the working directory.',
    format: 'g2g-path',
    default: '~/.g2g',
    env: 'G2G_DATA_DIR',
    arg: 'data-dir',
  },
  cluster: {
    doc: 'Name of the cluster this node belongs to (lowercase letters, digits, hyphens, 1-63). Nodes only join and gossip with nodes of the same name, so separate clusters can share a network without merging by accident.',
    format: 'g2g-cluster-name',
    default: 'default',
    env: 'G2G_CLUSTER',
    arg: 'cluster',
  },
  nodeName: {
    doc: 'A name for people: shown by g2g members and g2g status, and usable instead of the node id wherever the CLI takes one (g2g remove web-1). Not an identity: the node id (from the node CA key) is, and names need not be unique (a name that matches several members is refused as a target). 1-63 letters, digits, ".", "_", "-".',
    format: 'g2g-node-name',
    default: '',
    defaultText: 'the hostname',
    env: 'G2G_NODE_NAME',
    arg: 'node-name',
  },
  tags: {
    doc: 'Labels for people and tools (k=v,k2=v2; e.g. zone=eu-1,role=db), published in the node record, shown by g2g members --wide and usable as targets (g2g remove zone=eu-1 when one member matches). Every record reaches every member, so they are bounded: at most 16, 800 bytes in all, values without spaces, "," or "="; keys starting with "g2g." are the node\'s own.',
    format: 'g2g-tags',
    default: [],
    defaultText: 'none',
    env: 'G2G_TAGS',
    arg: 'tags',
  },
  mode: {
    doc: 'server members accept calls on the gossip port, relay gossip and are offered to others as peers to query; client members only call (plugins, admin) and serve nothing. client suits nodes behind NAT or short-lived processes; server adds capacity to the network but must be reachable.',
    format: ['server', 'client'],
    default: 'server',
    env: 'G2G_MODE',
    arg: 'mode',
  },
  host: {
    doc: 'IP address the register and gossip ports bind to. 0.0.0.0 (or ::) listens on every interface; a specific address limits exposure to that network.',
    format: 'g2g-ip',
    default: '0.0.0.0',
    env: 'G2G_HOST',
    arg: 'host',
  },
  registerPort: {
    doc: 'TLS port where newcomers present a join token and receive a certificate. It must be reachable by nodes that join through this one. 0 lets the OS choose (tests), which peers cannot guess.',
    format: 'g2g-port',
    default: 7400,
    env: 'G2G_REGISTER_PORT',
    arg: 'register-port',
  },
  gossipPort: {
    doc: 'Mutual-TLS port for membership, gossip and plugin services; only current members get in. It must be reachable by every other member. 0 lets the OS choose.',
    format: 'g2g-port',
    default: 7401,
    env: 'G2G_GOSSIP_PORT',
    arg: 'gossip-port',
  },
  advertise: {
    doc: 'Addresses (IPs or hostnames, comma-separated) other nodes should dial, for when the bind address is not what peers see (NAT, containers, 0.0.0.0). Empty advertises every non-internal interface address (loopback when bound to loopback); listing addresses peers cannot reach makes them time out before trying the next.',
    format: 'g2g-host-list',
    default: [],
    defaultText: 'all non-internal interface addresses',
    env: 'G2G_ADVERTISE',
    arg: 'advertise',
  },
  advertiseGossipPort: {
    doc: 'Gossip port other nodes should dial, when it differs from the port the node listens on (a port mapping in front of it: NAT, a container port, a proxy). It goes into the node record, so every member and the connect-back of a join dial it; a wrong value makes the node unreachable for the others. "off" advertises the bound gossip port.',
    format: 'g2g-optional-port',
    nullable: true,
    default: null,
    defaultText: 'off (the bound gossip port)',
    env: 'G2G_ADVERTISE_GOSSIP_PORT',
    arg: 'advertise-gossip-port',
  },
  healthPort: {
    doc: 'Plain-text (no TLS) port serving only the gRPC health service, for Kubernetes probes, which cannot present a client certificate. It reveals nothing but liveness; still, keep it on an internal address. "off" disables it, 0 lets the OS choose.',
    format: 'g2g-optional-port',
    nullable: true,
    default: null,
    defaultText: 'off',
    env: 'G2G_HEALTH_PORT',
    arg: 'health-port',
  },
  healthHost: {
    doc: 'IP address the health port binds to. Loopback keeps it private to the host; a pod probe needs the pod address or 0.0.0.0.',
    format: 'g2g-ip',
    default: '127.0.0.1',
    env: 'G2G_HEALTH_HOST',
    arg: 'health-host',
  },
  metricsPort: {
    doc: 'Plain HTTP port for Prometheus metrics (/metrics) and the live view of the cluster (/, with its event stream /events). Both expose cluster size, members, addresses and traffic, so bind it to a private address. "off" disables it, 0 lets the OS choose.',
    format: 'g2g-optional-port',
    nullable: true,
    default: null,
    defaultText: 'off',
    env: 'G2G_METRICS_PORT',
    arg: 'metrics-port',
  },
  metricsHost: {
    doc: 'IP address the metrics port binds to. Loopback suits a local agent; a remote scraper needs a reachable address.',
    format: 'g2g-ip',
    default: '127.0.0.1',
    env: 'G2G_METRICS_HOST',
    arg: 'metrics-host',
  },
  eventBacklog: {
    doc: 'Recent cluster events (member changes, rotations, joins) a node keeps for Admin.WatchEvents, `g2g monitor` and the live page: a watcher that connects or reconnects gets these first. Larger bridges longer disconnects at about 300 bytes an event.',
    format: 'g2g-integer',
    min: 1,
    max: 1_000_000,
    default: 1000,
    env: 'G2G_EVENT_BACKLOG',
    arg: 'event-backlog',
  },
  logLevel: {
    doc: 'Least severe log level written (on stderr, in logFormat). debug and trace help diagnose joins and gossip but are verbose; secrets are never logged at any level.',
    format: LOG_LEVELS,
    default: 'info',
    env: 'G2G_LOG_LEVEL',
    arg: 'log-level',
  },
  logFormat: {
    doc: 'How log lines are written on stderr: json (one pino JSON object per line: numeric level, epoch-ms time; for collectors, journald, jq), pretty (one line per event with an ISO-8601 UTC time and the level by name; for people) or auto (pretty when stderr is a terminal, json otherwise). Both carry the same fields and redact the same secrets.',
    format: LOG_FORMATS,
    default: 'auto',
    defaultText: 'auto (pretty on a terminal, json otherwise)',
    env: 'G2G_LOG_FORMAT',
    arg: 'log-format',
  },
  leafLifetime: {
    doc: 'Validity of the leaf certificate the node presents on both ports. Shorter limits how long a stolen leaf key stays usable, at the cost of more rotations: each is gossiped and makes every peer recycle its connection to this node. At least 10s.',
    format: 'g2g-duration',
    min: 10 * SECOND,
    max: MAX_TIMER_MS,
    default: HOUR,
    env: 'G2G_LEAF_LIFETIME',
    arg: 'leaf-lifetime',
  },
  leafRenewFraction: {
    doc: 'Fraction of the leaf lifetime after which the node rotates to a new leaf (between 0.1 and 0.9, exclusive). Earlier leaves more time for the new leaf to spread and for connections using the old one to be recycled before it expires; later means fewer rotations. The remaining lifetime must exceed maxConnectionAge.',
    format: 'g2g-number',
    above: 0.1,
    below: 0.9,
    default: 0.5,
    env: 'G2G_LEAF_RENEW_FRACTION',
    arg: 'leaf-renew-fraction',
  },
  leafRenewJitter: {
    doc: 'Random spread of the rotation time, as a fraction of the renewal delay (0 to 0.5): renewal happens uniformly within leafLifetime × leafRenewFraction × (1 ± jitter). Spread keeps nodes started together from rotating together, which would be a burst of gossip and reconnections across the network; 0 makes rotation times predictable.',
    format: 'g2g-number',
    min: 0,
    max: 0.5,
    default: 0.1,
    env: 'G2G_LEAF_RENEW_JITTER',
    arg: 'leaf-renew-jitter',
  },
  caLifetime: {
    doc: 'Validity of the node CA certificate, which peers pin as this node\'s root of trust and which signs its leaves. Replacing it means every peer must learn the new one, so it is long; shorter bounds how long a stolen CA key stays useful. Must exceed leafLifetime.',
    format: 'g2g-duration',
    min: MINUTE,
    default: 3650 * DAY,
    env: 'G2G_CA_LIFETIME',
    arg: 'ca-lifetime',
  },
  caRotationGrace: {
    doc: 'Grace period of a node-CA rotation (g2g rotate --ca, or automatic when the CA has less than max(2 × this, caLifetime / 10) left): the new CA, endorsed by the old one, is gossiped at once; leaves switch to it maxConnectionAge before the end, when every member has had time to learn it; the old CA stays trusted by every member until the end. Longer tolerates members that are offline or partitioned for longer; shorter retires a possibly exposed CA sooner. Must exceed maxConnectionAge.',
    format: 'g2g-duration',
    min: 10 * SECOND,
    max: MAX_TIMER_MS,
    default: HOUR,
    env: 'G2G_CA_ROTATION_GRACE',
    arg: 'ca-rotation-grace',
  },
  caRejoin: {
    doc: 'How a member whose node CA rotated while the members it knows never heard of it (it was offline or cut off for the whole caRotationGrace, so their gossip ports refuse its new leaves) gets back in. proof: at their register ports it shows its CA lineage (each new CA endorsed by the key of the one before, the first deriving its node id) and signs a challenge with its new CA key; a member it was and that was not removed is taken back at once, with no person involved. ticket: it needs a new join ticket, like a newcomer, so a person approves every CA that changed out of sight, which matters if an old CA key may have leaked (its holder could endorse a CA of its own). An unendorsed CA is refused either way.',
    format: ['proof', 'ticket'],
    default: 'proof',
    env: 'G2G_CA_REJOIN',
    arg: 'ca-rejoin',
  },
  operatorCertMaxLifetime: {
    doc: 'Longest lifetime `g2g credentials --ttl` may give an operator certificate (longer is refused, not shortened). An operator certificate cannot be revoked short of rotating the node CA, so a leaked one is usable until it expires: shorter limits that, at the cost of operators re-running `g2g credentials` more often. The CLI reads it from this node\'s environment and config file; the node itself refuses (PERMISSION_DENIED) any operator certificate valid for longer than this plus the 5 minutes issuers backdate for clock skew, however it was minted, so set the same value on every server-mode member.',
    format: 'g2g-duration',
    min: MINUTE,
    default: 24 * HOUR,
    env: 'G2G_OPERATOR_CERT_MAX_LIFETIME',
    arg: 'operator-cert-max-lifetime',
  },
  maxConnectionAge: {
    doc: 'Connections older than this are closed gracefully and re-dialled, which is what moves them onto a renewed leaf. Shorter bounds how long an old certificate stays in use; longer means fewer reconnects. Must be less than leafLifetime × (1 − leafRenewFraction × (1 + leafRenewJitter)), so a connection never outlives the leaf it was opened with.',
    format: 'g2g-duration',
    min: SECOND,
    max: MAX_TIMER_MS,
    default: 15 * MINUTE,
    env: 'G2G_MAX_CONNECTION_AGE',
    arg: 'max-connection-age',
  },
  drainTimeout: {
    doc: 'On shutdown, how long in-flight calls may finish before the servers are closed by force. Longer is kinder to slow calls and slow links; shorter makes restarts and tests quicker.',
    format: 'g2g-duration',
    max: MAX_TIMER_MS,
    default: 10 * SECOND,
    env: 'G2G_DRAIN_TIMEOUT',
    arg: 'drain-timeout',
  },
  stayAfterRemoval: {
    doc: 'What a node does when a member removes it from the network (g2g remove): false logs the removal at error level (who removed it) and exits with status 3, which supervisors can treat as "do not restart" (systemd RestartPreventExitStatus=3); true keeps the process running, NOT_SERVING, with g2g status saying it was removed, for an operator to inspect. Either way it needs a new ticket to rejoin.',
    format: 'g2g-boolean',
    default: false,
    env: 'G2G_STAY_AFTER_REMOVAL',
    arg: 'stay-after-removal',
  },
  join: {
    doc: 'Join ticket (g2g://<id>.<secret>@host:port?...) issued by an existing member; the node registers with it on first start. It contains a token secret: prefer the env var or the file over the command line, which other local users can read.',
    format: 'g2g-join-ticket',
    default: '',
    defaultText: 'none',
    sensitive: true,
    env: 'G2G_JOIN',
    arg: 'join',
  },
  token: {
    doc: 'Token (<id>.<secret>) this node presents when it registers through the well-known services rather than with a join ticket, and accepts from others: it is seeded into the node\'s token store as a server token (kubeadm init --token), so identical pods given the same token from a Secret admit each other and the first one to start bootstraps the network alone. A token revoked on the network stays revoked (a restart does not bring it back). Secret: prefer the env var or the file over the command line, which other local users can read.',
    format: 'g2g-token',
    default: '',
    defaultText: 'none',
    sensitive: true,
    env: 'G2G_TOKEN',
    arg: 'token',
  },
  services: {
    doc: 'Well-known addresses (host:port, comma-separated; e.g. a Kubernetes Service in front of the nodes) that this node joins periodically, so the network discovers itself. More entries survive more of them being down; each unreachable one costs a timeout.',
    format: 'g2g-service-list',
    default: [],
    defaultText: 'none',
    env: 'G2G_SERVICES',
    arg: 'services',
  },
  serviceJoinInterval: {
    doc: 'Mean time between periodic joins of the services (this node\'s and those members publish). Each round opens one connection per service: WhoAmI says which node answered; a member costs one gossip exchange, a node of another island of the same cluster a register handshake (with token), after which the two networks merge. Shorter merges islands and recovers from partitions sooner; longer costs fewer TLS handshakes on the services\' nodes (N nodes make N / interval of them).',
    format: 'g2g-duration',
    min: SECOND,
    max: MAX_TIMER_MS,
    default: 30 * SECOND,
    env: 'G2G_SERVICE_JOIN_INTERVAL',
    arg: 'service-join-interval',
  },
  serviceJoinJitter: {
    doc: 'Random spread of each wait between service joins, as a fraction of serviceJoinInterval (0 to 0.5): each wait is uniform in interval × (1 ± jitter). Spread keeps pods started together from hitting the service in step; 0 makes the rounds periodic.',
    format: 'g2g-number',
    min: 0,
    max: 0.5,
    default: 0.2,
    env: 'G2G_SERVICE_JOIN_JITTER',
    arg: 'service-join-jitter',
  },
  pluginsDir: {
    doc: 'Directories (comma-separated) searched for plugins besides the package\'s own plugins/: each is a plugin folder (it holds g2g-plugin.json) or a directory of plugin folders. Plugins run inside the node with its identity and data dir, so list only directories you trust. Relative paths are resolved against the working directory.',
    format: 'g2g-path-list',
    default: [],
    defaultText: 'none',
    env: 'G2G_PLUGINS_DIR',
    arg: 'plugins-dir',
  },
  pluginsEnabled: {
    doc: 'Plugin names (comma-separated) to run; empty runs every plugin found. A name that is not found fails start-up. An allowlist keeps a plugin dropped into a directory by mistake from running.',
    format: 'g2g-name-list',
    default: [],
    defaultText: 'all found',
    env: 'G2G_PLUGINS_ENABLED',
    arg: 'plugins-enabled',
  },
  pluginsDisabled: {
    doc: 'Plugin names (comma-separated) not to run, even if found and enabled. Their manifests are still read (to learn their names) but none of their code runs and their services are not served.',
    format: 'g2g-name-list',
    default: [],
    defaultText: 'none',
    env: 'G2G_PLUGINS_DISABLED',
    arg: 'plugins-disabled',
  },
  pluginsFailOnError: {
    doc: 'Whether a plugin that fails validation, loading, register or start makes the node refuse to start (true), or is reported (a warn line at start, `g2g plugins`), left NOT_SERVING and skipped while the node and the other plugins run (false). true suits deployments where a node without its plugins is useless; false keeps the network up through one bad plugin. An invalid value in a plugin\'s config section fails start-up either way (exit 2), like an invalid host setting.',
    format: 'g2g-boolean',
    default: false,
    env: 'G2G_PLUGINS_FAIL_ON_ERROR',
    arg: 'plugins-fail-on-error',
  },
  pluginsStartTimeout: {
    doc: 'How long a plugin\'s register or start may take before it is failed (and, with pluginsFailOnError, the node with it). Longer tolerates slow start-up work such as loading a large store; shorter bounds how long a hung plugin delays the node.',
    format: 'g2g-duration',
    min: 1,
    max: MAX_TIMER_MS,
    default: 30 * SECOND,
    env: 'G2G_PLUGINS_START_TIMEOUT',
    arg: 'plugins-start-timeout',
  },
  pluginsStopTimeout: {
    doc: 'On shutdown, how long each plugin\'s stop may take (plugins stop one at a time, in reverse start order) before the host moves on and ends its remaining streams. Longer lets plugins flush state; shorter makes shutdown quicker.',
    format: 'g2g-duration',
    min: 1,
    max: MAX_TIMER_MS,
    default: 5 * SECOND,
    env: 'G2G_PLUGINS_STOP_TIMEOUT',
    arg: 'plugins-stop-timeout',
  },
  channelMaxMessageBytes: {
    doc: 'Largest gossip-channel message (topic + data) a node publishes or accepts; publishing a larger one fails with ERR_CHANNEL_MESSAGE_TOO_LARGE. Every member must allow what any member sends: larger messages cost every node memory (queue, retention) and time on every link. At most 1MiB (one message must fit one push).',
    format: 'g2g-bytes',
    min: 256,
    max: MIB,
    default: 256 * KIB,
    env: 'G2G_CHANNEL_MAX_MESSAGE_BYTES',
    arg: 'channel-max-message-bytes',
  },
  channelFanout: {
    doc: 'Peers each server pushes each new channel message to. 0 chooses ⌈ln N⌉ + 1 for N peers, with which push alone reaches all but about e^-fanout of the nodes and pulls repair the rest. Higher lowers latency under loss at a proportional cost in messages; lower saves bandwidth and leans on the pull repair (one repair interval later).',
    format: 'g2g-integer',
    min: 0,
    max: 64,
    default: 0,
    defaultText: '0 (⌈ln N⌉ + 1)',
    env: 'G2G_CHANNEL_FANOUT',
    arg: 'channel-fanout',
  },
  channelQueueMessages: {
    doc: 'Outbound gossip-channel queue, in messages (and 16MiB): publishing waits while it is full, so a node that publishes faster than the network carries slows its publishers down instead of growing memory. Larger absorbs longer bursts at the cost of memory and of latency under overload.',
    format: 'g2g-integer',
    min: 1,
    max: 1_000_000,
    default: 1024,
    env: 'G2G_CHANNEL_QUEUE_MESSAGES',
    arg: 'channel-queue-messages',
  },
  channelRetention: {
    doc: 'How long each node keeps channel messages to repair peers that missed them (pulls after a partition, a pause or loss). A member cut off for longer than this misses what was published meanwhile (counted as lost); longer costs memory, bounded by channelRetentionMessages and channelRetentionBytes.',
    format: 'g2g-duration',
    min: SECOND,
    max: MAX_TIMER_MS,
    default: 10 * MINUTE,
    env: 'G2G_CHANNEL_RETENTION',
    arg: 'channel-retention',
  },
  channelRetentionMessages: {
    doc: 'Most channel messages each node keeps for repair (the oldest go first). Together with channelRetentionBytes it caps the retention window at high publish rates: at 1,000 messages/s, 10,000 keep 10 s.',
    format: 'g2g-integer',
    min: 1,
    max: 10_000_000,
    default: 10_000,
    env: 'G2G_CHANNEL_RETENTION_MESSAGES',
    arg: 'channel-retention-messages',
  },
  channelRetentionBytes: {
    doc: 'Most bytes of channel messages each node keeps for repair (the oldest go first): the bound on the retention buffer\'s memory.',
    format: 'g2g-bytes',
    min: MIB,
    max: 16 * 1024 * MIB,
    default: 64 * MIB,
    env: 'G2G_CHANNEL_RETENTION_BYTES',
    arg: 'channel-retention-bytes',
  },
  ...portLimitKeys,
  gossipInterval: {
    doc: 'Membership gossip interval: how often a node bumps its heartbeat, checks its peers and starts exchanges. Failure detection and the spread of changes scale with it (a crash is seen by all in roughly 10-20 intervals), and so does the cost of an idle node. The profiles: lan 1s, wan 2s, local 200ms.',
    format: 'g2g-duration',
    min: 10,
    max: MINUTE,
    default: SECOND,
    env: 'G2G_GOSSIP_INTERVAL',
    arg: 'gossip-interval',
  },
  gossipProbeTimeout: {
    doc: 'How long a direct ping of a peer whose heartbeat is overdue may take before k other peers are asked to ping it (and their pings get as long). Shorter detects sooner; too short for the network round trip plus a busy peer\'s reply time suspects healthy peers. Should stay below gossipInterval. The profiles: lan 300ms, wan 1s, local 100ms.',
    format: 'g2g-duration',
    min: 1,
    max: MINUTE,
    default: 300,
    env: 'G2G_GOSSIP_PROBE_TIMEOUT',
    arg: 'gossip-probe-timeout',
  },
  gossipSuspicionMult: {
    doc: 'Suspicion time, in gossip intervals × max(1, log10 N), that a suspect gets to refute once other peers confirm the suspicion (6 times longer with no confirmation, as Lifeguard). Higher gives a paused or slow node more time to answer, and delays declaring a crashed one dead. The profiles: lan and local 4, wan 6.',
    format: 'g2g-integer',
    min: 1,
    max: 100,
    default: 4,
    env: 'G2G_GOSSIP_SUSPICION_MULT',
    arg: 'gossip-suspicion-mult',
  },
  gossipPushPullInterval: {
    doc: 'How often one exchange is a full sync of the peer table (memberlist\'s push-pull): it repairs what rumours missed, at the cost of sending a digest of every peer. Shorter heals sooner after loss or a partition; longer costs less. The profiles: lan 30s, wan 1m, local 5s.',
    format: 'g2g-duration',
    min: 0,
    max: HOUR,
    default: 30 * SECOND,
    env: 'G2G_GOSSIP_PUSH_PULL_INTERVAL',
    arg: 'gossip-push-pull-interval',
  },
  gossipMaxPeers: {
    doc: 'Most peers a node keeps in its table. Below it every node knows every other; above it each keeps a uniform random sample and the network stays connected through the samples, so memory and anti-entropy cost stop growing with the network. Lower saves memory on very large networks; queries and the peer pool only see the peers in the table.',
    format: 'g2g-integer',
    min: 8,
    max: 1_000_000,
    default: 4096,
    env: 'G2G_GOSSIP_MAX_PEERS',
    arg: 'gossip-max-peers',
  },
  gossipLhaMaxMultiplier: {
    doc: 'Local health awareness (Lifeguard; memberlist\'s AwarenessMaxMultiplier): the most a node stretches its own heartbeat limits, probe timeouts and suspicion times while evidence says it is itself the slow party — its event loop lagging (a blocking plugin, a long GC, a starved CPU), probes that even the relays did not answer, suspicions it had to refute. While stretched it suspects no one itself, so a stalled node does not accuse healthy peers; the healthy nodes still detect real failures at their own pace. Higher tolerates longer stalls, at the cost of a stalled node seeing real failures later; 1 turns it off. Its state is the g2g_local_health_score and g2g_event_loop_lag_seconds metrics.',
    format: 'g2g-integer',
    min: 1,
    max: 64,
    default: 8,
    env: 'G2G_GOSSIP_LHA_MAX_MULTIPLIER',
    arg: 'gossip-lha-max-multiplier',
  },
};

export const CONFIG_KEYS = Object.keys(configSchema) as ConfigKey[];

/** The schema in the shape convict accepts (it treats our extra properties as opaque). */
export function convictSchema(): convict.Schema<Omit<G2gConfig, 'plugins'>> {
  return configSchema as unknown as convict.Schema<Omit<G2gConfig, 'plugins'>>;
}

/** `gossipPort (G2G_GOSSIP_PORT / --gossip-port)`: how problems name a key. */
export function keyLabel(key: ConfigKey): string {
  const item = configSchema[key];
  return `${key} (${item.env} / --${item.arg})`;
}
