import { systemRandom, type ChannelMessage, type G2gPlugin, type PluginContext, type PluginServer, type Random } from 'g2g';
import type { SyncLimits } from './anti-entropy';
import { grpcSyncPeer, KEY_VALUE_SYNC_SERVICE, syncHandlers, type KeyValueSyncClient } from './sync-service';
import { decodeEntry, encodeEntry } from './entry-codec';
import { KEY_VALUE_SERVICE, keyValueHandlers } from './key-value-service';
import { Replica, type RefusalReason } from './replica';
import { SyncLoop } from './sync-loop';

/** `plugins.kv.*` (the schema, with each key's trade-off, is in g2g-plugin.json). */
export interface KvConfig {
  maxKeyBytes: number;
  maxValueBytes: number;
  tombstoneRetention: number;
  syncInterval: number;
  syncTimeout: number;
  fsync: boolean;
  compactAfter: number;
  watchQueueLimit: number;
  clockOffset: number;
  maxClockDrift: number;
  storageProbeInterval: number;
}

/**
 * Bounds on a sync round's messages, well under grpc-js's 4 MiB receive limit: key versions per
 * `Versions` answer by the longest key (about 2 MiB), 1 MiB of values per `Push`, and keys per
 * `Fetch` request (its answer is bounded by the responder).
 */
export function syncLimits(config: Pick<KvConfig, 'maxKeyBytes'>): SyncLimits {
  return { maxVersionsPerCall: Math.max(100, Math.floor((2 << 20) / (config.maxKeyBytes + 64))), maxKeysPerFetch: 256, maxPushBytes: 1 << 20 };
}

/** The channel topic (under the plugin's prefix, so `kv/entries` on the wire). */
export const ENTRIES_TOPIC = 'entries';

const SOON_MS = 1_000;

/**
 * The `kv` plugin: a key-value store replicated to every server-mode member. Writes are stamped
 * with a hybrid logical clock, persisted here (written and fsynced) before they are applied and
 * acknowledged, and published on the gossip channel;
 * every node merges them last-writer-wins. Anti-entropy rounds over `KeyValueSync` repair what
 * the channel could not (a node away longer than the channel's retention, a new node).
 */
export default class KvPlugin implements G2gPlugin {
  private readonly replica: Replica;
  private readonly loop: SyncLoop;
  private readonly unsubscribers: (() => void)[] = [];
  /** Channel entries being verified and persisted (applied once on disk). */
  private readonly applying = new Set<Promise<void>>();

  constructor(
    private readonly ctx: PluginContext<KvConfig>,
    random: Random = systemRandom,
  ) {
    const config = ctx.config;
    const refused = ctx.metrics.counter({
      name: 'entries_refused_total',
      help: 'Entries from peers this node refused, by reason: forged (not signed by its writer), unknown-writer (no key of the writer known yet), future (stamped beyond maxClockDrift), out-of-range.',
      labelNames: ['reason'],
    });
    this.replica = new Replica(
      {
        nodeId: ctx.nodeId,
        dir: ctx.dataDir,
        wallClock: () => ctx.clock.now() + config.clockOffset,
        clock: ctx.clock,
        publish: async (entry) => {
          await ctx.channel.publish(ENTRIES_TOPIC, encodeEntry(entry));
        },
        authorship: ctx.authorship,
        // Reads still work while storage refuses writes, but a balancer should send writers elsewhere.
        onWritable: (writable) => ctx.setServing(writable),
        onRefused: (reason) => refused.inc({ reason }),
        log: ctx.log,
      },
      {
        maxKeyBytes: config.maxKeyBytes,
        maxValueBytes: config.maxValueBytes,
        tombstoneRetentionMs: config.tombstoneRetention,
        fsync: config.fsync,
        compactAfter: config.compactAfter,
        maxClockDriftMs: config.maxClockDrift,
        storageProbeMs: config.storageProbeInterval,
      },
    );
    this.loop = new SyncLoop(
      {
        replica: this.replica,
        clock: ctx.clock,
        random,
        log: ctx.log,
        candidates: () => this.syncCandidates(),
        peer: (nodeId) => {
          const client = ctx.pool.client<KeyValueSyncClient>(nodeId, KEY_VALUE_SYNC_SERVICE);
          return client ? grpcSyncPeer(client, config.syncTimeout, () => ctx.clock.now()) : undefined;
        },
      },
      { intervalMs: config.syncInterval, tombstoneRetentionMs: config.tombstoneRetention, soonMs: SOON_MS, limits: syncLimits(config) },
    );
  }

  /** Loads the store from the data dir (so it serves at once), then adds both services. */
  async register(server: PluginServer): Promise<void> {
    const { entries, skippedRecords } = await this.replica.load();
    if (skippedRecords > 0) this.ctx.log.warn({ skippedRecords }, 'skipped unreadable records in the kv log (a torn write from a crash); peers will supply them');
    this.ctx.log.info({ entries }, 'kv store loaded');
    server.addService(
      KEY_VALUE_SERVICE,
      keyValueHandlers({ replica: this.replica, log: this.ctx.log, signal: this.ctx.signal, watchQueueLimit: this.ctx.config.watchQueueLimit }),
    );
    server.addService(
      KEY_VALUE_SYNC_SERVICE,
      syncHandlers({ replica: this.replica, log: this.ctx.log, callerOf: (call) => this.ctx.callerOf(call), authoritative: () => this.loop.authoritative() }),
    );
  }

  /** Follows the channel and the membership, and catches up from a peer at once. */
  start(): void {
    try {
      this.unsubscribers.push(this.ctx.channel.subscribe(ENTRIES_TOPIC, (m) => this.onMessage(m)));
    } catch (error) {
      // Without the channel the store still converges, by anti-entropy alone (every syncInterval).
      this.ctx.log.warn({ err: error }, 'the gossip channel is unavailable: writes spread by anti-entropy only');
    }
    this.unsubscribers.push(
      this.ctx.members.onChange((event) => {
        // A member that joins or comes back may hold writes we missed, or miss ours.
        if (event.type === 'joined' || event.type === 'alive') this.loop.requestSoon(event.nodeId);
      }),
    );
    this.loop.start();
  }

  /** Watch streams have ended on the abort signal already; stop syncing and close the log. */
  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    await this.loop.stop();
    await this.replica.close();
  }

  private onMessage(message: ChannelMessage): void {
    let entry;
    try {
      entry = decodeEntry(message.data);
    } catch (error) {
      this.ctx.log.warn({ origin: message.origin, err: error }, 'dropped a malformed kv message');
      return;
    }
    if (entry.version.nodeId !== message.origin) {
      // The channel proved who published it; a member may only publish its own writes.
      this.ctx.log.warn({ origin: message.origin, writer: entry.version.nodeId }, 'dropped a kv write published for another node');
      return;
    }
    const applying = this.replica
      .applyRemote([entry], message.origin)
      .then(
        () => undefined,
        (error: unknown) => {
          this.ctx.log.error({ err: error }, 'could not apply a kv write from the channel; anti-entropy will retry');
        },
      )
      .finally(() => this.applying.delete(applying));
    this.applying.add(applying);
  }

  /** Entries from peers refused so far, by reason (forged, unknown-writer, future, out-of-range). */
  refusals(): Readonly<Record<RefusalReason, number>> {
    return this.replica.refusals();
  }

  /**
   * Resolves once every channel entry received so far is applied (or refused): an entry from
   * the channel is applied only after it is on disk, so not in the message's own turn. For tests.
   */
  async settled(): Promise<void> {
    while (this.applying.size > 0) await Promise.all([...this.applying]);
  }

  /** Alive server-mode members, restricted to those advertising kv when any do. */
  private syncCandidates(): string[] {
    const alive = this.ctx.members.list().filter((m) => m.mode === 'server' && m.state === 'alive');
    const serving = alive.filter((m) => m.services.includes(KEY_VALUE_SYNC_SERVICE));
    return (serving.length > 0 ? serving : alive).map((m) => m.nodeId);
  }
}
