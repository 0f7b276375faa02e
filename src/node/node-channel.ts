import fs from 'node:fs/promises';
import path from 'node:path';
import type { G2gConfig } from '../config';
import { Channel } from '../channel/channel';
import { GrpcChannelTransport } from '../channel/grpc-channel-transport';
import { CaMessageAuthenticator } from '../channel/message-authenticator';
import { membershipMembers, type MembershipSource } from '../channel/membership-members';
import { channelOptions } from '../channel/options';
import { writeFileAtomic } from '../identity/atomic-file';
import type { Logger } from '../log/logger';
import type { NodeMode } from '../membership/node-record';
import { registerChannelMetrics } from '../channel/channel-metrics';
import type { NodeMetrics } from '../metrics/metrics';
import type { PeerClients } from '../transport/peer-clients';
import { caPins } from './node-membership';
import type { Clock } from '../util/clock';
import type { Random } from '../util/random';

export interface NodeChannelComponents {
  nodeId: string;
  caKeyPem: string;
  mode: NodeMode;
  dataDir: string;
  /** The node's membership: peers, origins' CAs, and the pooled per-peer channels. */
  network: MembershipSource & { readonly peerClients: PeerClients };
  metrics: NodeMetrics;
  clock: Clock;
  random: Random;
  log: Logger;
}

export type ChannelConfig = Pick<
  G2gConfig,
  'profile' | 'channelMaxMessageBytes' | 'channelFanout' | 'channelQueueMessages' | 'channelRetention' | 'channelRetentionMessages' | 'channelRetentionBytes'
>;

/** Where the last run's epoch is kept. */
export const EPOCH_FILE = 'channel.json';

/**
 * The node's gossip channel over gRPC: the Channel protocol with the node CA as signer, the
 * node's membership as its view of peers and origins, the pooled per-peer channels as transport,
 * its counters in the node's metrics. Opened before the gossip port is built (its handler is
 * served there), started once the node has joined, stopped first on shutdown.
 *
 * Each run takes a new epoch, higher than the last (persisted in DATA_DIR/channel.json, and at
 * least the wall clock), so that peers tell this run's seq 1 from the last run's.
 */
export class NodeChannel {
  private constructor(
    readonly channel: Channel,
    private readonly authenticator: CaMessageAuthenticator,
  ) {}

  static async open(c: NodeChannelComponents, config: ChannelConfig): Promise<NodeChannel> {
    const epoch = await nextEpoch(c.dataDir, c.clock, c.log);
    const options = channelOptions(
      {
        maxMessageBytes: config.channelMaxMessageBytes,
        fanout: config.channelFanout,
        queueMessages: config.channelQueueMessages,
        retentionMs: config.channelRetention,
        retentionMessages: config.channelRetentionMessages,
        retentionBytes: config.channelRetentionBytes,
      },
      config.profile,
    );
    const authenticator = new CaMessageAuthenticator(c.caKeyPem);
    const channel = new Channel(
      {
        clock: c.clock,
        random: c.random,
        // The same pins as membership's (caPins): one pooled channel per peer, never flip-flopping.
        transport: new GrpcChannelTransport({ clients: c.network.peerClients, caOf: (id) => { const r = c.network.member(id)?.record; return r && caPins(r); } }),
        authenticator,
        members: membershipMembers(c.network, c.clock),
        log: c.log,
      },
      { nodeId: c.nodeId, mode: c.mode, epoch },
      options,
    );
    registerChannelMetrics(c.metrics.registry, () => channel.stats());
    c.log.debug({ epoch }, 'channel opened');
    return new NodeChannel(channel, authenticator);
  }

  /** A node-CA rotation began: sign with the new CA key from now on. */
  caChanged(caKeyPem: string): void {
    this.authenticator.useSigningKey(caKeyPem);
  }

  start(): void {
    this.channel.start();
  }

  stop(): void {
    this.channel.stop();
  }
}

/** max(last epoch + 1, now), persisted before use. */
async function nextEpoch(dataDir: string, clock: Clock, log: Logger): Promise<number> {
  const file = path.join(dataDir, EPOCH_FILE);
  let last = 0;
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as { epoch?: unknown };
    if (Number.isSafeInteger(parsed.epoch) && (parsed.epoch as number) >= 0) last = parsed.epoch as number;
  } catch (error) {
    // A first run has no file; an unreadable one only loses the guard against a clock that went back.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ file, err: (error as Error).message }, 'could not read the channel epoch; using the clock');
  }
  const epoch = Math.max(last + 1, Math.floor(clock.now()));
  await writeFileAtomic(file, `${JSON.stringify({ epoch })}\n`, 0o600);
  return epoch;
}
