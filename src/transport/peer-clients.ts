import * as grpc from '@grpc/grpc-js';
import { g2gProto } from '../proto/protos';
import type { ChannelClient } from '../proto/generated/g2g/v1/Channel';
import type { GossipClient } from '../proto/generated/g2g/v1/Gossip';
import type { TokenSyncClient } from '../proto/generated/g2g/v1/TokenSync';
import { peerChannelCredentials, peerChannelOptions } from './peer-channel';

/** How long a channel replaced by `refresh` stays open for calls created just before. */
const RETIRE_GRACE_MS = 5_000;

/** Where a peer's gossip port is and what proves it is that peer. */
export interface PeerEndpoint {
  nodeId: string;
  addresses: readonly string[];
  gossipPort: number;
  caCertPem: string;
}

interface Entry {
  client: GossipClient;
  /** Other services on the same channel (created on first use). */
  tokenSync?: TokenSyncClient;
  channel?: ChannelClient;
  addressIndex: number;
  endpoint: PeerEndpoint;
}

/**
 * One gRPC channel per peer (keyed by nodeId), reused by every call to it: pinned to the peer's
 * node CA, presenting our current leaf (from `identity`, consulted at each handshake). A channel
 * is replaced when the peer's CA or addresses change, moved to the peer's next address after a
 * connection failure, and closed when the peer is dropped.
 */
export class PeerClients {
  private readonly entries = new Map<string, Entry>();
  /** Replaced channels, open until their grace period ends (see retire). */
  private readonly retired = new Set<GossipClient>();
  private readonly proto = g2gProto();

  constructor(
    private readonly identity: grpc.experimental.CertificateProvider,
    private readonly channelOptions: grpc.ChannelOptions = {},
  ) {}

  /** The Gossip client for `endpoint`, creating or replacing its channel as needed. */
  gossip(endpoint: PeerEndpoint): GossipClient {
    let entry = this.entries.get(endpoint.nodeId);
    if (entry && !sameEndpoint(entry.endpoint, endpoint)) {
      entry.client.close();
      entry = undefined;
    }
    if (!entry) {
      entry = { client: this.connect(endpoint, 0), addressIndex: 0, endpoint };
      this.entries.set(endpoint.nodeId, entry);
    }
    return entry.client;
  }

  /** A TokenSync client sharing the peer's channel. */
  tokenSync(endpoint: PeerEndpoint): TokenSyncClient {
    const gossip = this.gossip(endpoint);
    const entry = this.entries.get(endpoint.nodeId)!;
    entry.tokenSync ??= new this.proto.g2g.v1.TokenSync(gossip.getChannel().getTarget(), grpc.credentials.createInsecure(), {
      channelOverride: gossip.getChannel(),
    });
    return entry.tokenSync;
  }

  /** A Channel client sharing the peer's channel. */
  channel(endpoint: PeerEndpoint): ChannelClient {
    const gossip = this.gossip(endpoint);
    const entry = this.entries.get(endpoint.nodeId)!;
    entry.channel ??= new this.proto.g2g.v1.Channel(gossip.getChannel().getTarget(), grpc.credentials.createInsecure(), {
      channelOverride: gossip.getChannel(),
    });
    return entry.channel;
  }

  /** The peer's current channel, if it has one (never creates one). */
  channelOf(nodeId: string): grpc.ChannelInterface | undefined {
    return this.entries.get(nodeId)?.client.getChannel();
  }

  /** After a failed call: the next call to this peer tries its next advertised address. */
  failed(nodeId: string): void {
    const entry = this.entries.get(nodeId);
    if (!entry || entry.endpoint.addresses.length < 2) return;
    entry.client.close();
    entry.addressIndex = (entry.addressIndex + 1) % entry.endpoint.addresses.length;
    entry.client = this.connect(entry.endpoint, entry.addressIndex);
    entry.tokenSync = undefined;
    entry.channel = undefined;
  }

  /**
   * The peer changed its record (e.g. a new leaf): the next call opens a fresh connection, so
   * its new certificate is verified promptly instead of when the old connection ages out.
   */
  refresh(nodeId: string): void {
    const entry = this.entries.get(nodeId);
    if (!entry) return;
    this.retire(entry.client);
    entry.client = this.connect(entry.endpoint, entry.addressIndex);
    entry.tokenSync = undefined;
    entry.channel = undefined;
  }

  /**
   * Closes a replaced channel after a grace period rather than at once: grpc-js fails a call
   * that was created on a channel but not yet started when the channel closes ("Channel closed
   * before call started"), and callers that fetched a client just before a refresh (a plugin's
   * fan-out during a peer's leaf rotation) must not see that. Started calls finish either way.
   */
  private retire(client: GossipClient): void {
    this.retired.add(client);
    const timer = setTimeout(() => {
      this.retired.delete(client);
      client.close();
    }, RETIRE_GRACE_MS);
    timer.unref();
  }

  /** Closes the peer's channel (it left, was removed or declared dead). */
  drop(nodeId: string): void {
    this.entries.get(nodeId)?.client.close();
    this.entries.delete(nodeId);
  }

  /**
   * Closes the channel of every peer `gone(nodeId)` says is gone. A call made after a peer's
   * departure was handled (one started from a peer list read earlier) creates its channel again,
   * and no later event would close it; the owner sweeps now and then.
   */
  sweep(gone: (nodeId: string) => boolean): number {
    let closed = 0;
    for (const nodeId of [...this.entries.keys()]) {
      if (!gone(nodeId)) continue;
      this.drop(nodeId);
      closed++;
    }
    return closed;
  }

  size(): number {
    return this.entries.size;
  }

  closeAll(): void {
    for (const entry of this.entries.values()) entry.client.close();
    this.entries.clear();
    for (const client of this.retired) client.close();
    this.retired.clear();
  }

  private connect(endpoint: PeerEndpoint, addressIndex: number): GossipClient {
    const host = endpoint.addresses[addressIndex] ?? '127.0.0.1';
    const address = `${host.includes(':') ? `[${host}]` : host}:${endpoint.gossipPort}`;
    const target = { nodeId: endpoint.nodeId, caCertPem: endpoint.caCertPem, address };
    return new this.proto.g2g.v1.Gossip(address, peerChannelCredentials(target, this.identity), peerChannelOptions(target, this.channelOptions));
  }
}

/** Called on every call to a peer: compares in place rather than building a key string. */
function sameEndpoint(a: PeerEndpoint, b: PeerEndpoint): boolean {
  return (
    a.gossipPort === b.gossipPort &&
    a.caCertPem === b.caCertPem &&
    a.addresses.length === b.addresses.length &&
    a.addresses.every((address, i) => address === b.addresses[i])
  );
}
