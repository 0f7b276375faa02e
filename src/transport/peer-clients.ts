import * as grpc from '@grpc/grpc-js';
import { g2gProto } from '../proto/protos';
import type { ChannelClient } from '../proto/generated/g2g/v1/Channel';
import type { GossipClient } from '../proto/generated/g2g/v1/Gossip';
import type { TokenSyncClient } from '../proto/generated/g2g/v1/TokenSync';
import { peerChannelCredentials, peerChannelOptions } from './peer-channel';
import { RecyclingChannel } from './recycling-channel';

/** Where a peer's gossip port is and what proves it is that peer. */
export interface PeerEndpoint {
  nodeId: string;
  addresses: readonly string[];
  gossipPort: number;
  caCertPem: string;
}

interface Entry {
  /** Stable for the life of the entry: recycled underneath, so clients made on it stay valid. */
  channel: RecyclingChannel;
  client: GossipClient;
  /** Other services on the same channel (created on first use). */
  tokenSync?: TokenSyncClient;
  gossipChannel?: ChannelClient;
  addressIndex: number;
  endpoint: PeerEndpoint;
  /** `sha256:<hex>` of the leaf the peer presented at this channel's latest verified handshake. */
  verifiedLeaf?: string;
}

/**
 * One channel per peer (keyed by nodeId), reused by every call to it: pinned to the peer's
 * node CA, presenting our current leaf (from `identity`, consulted at each handshake). The
 * channel is recycled (a fresh connection for later calls, running calls finish on the old one)
 * when the peer's CA or addresses change, when it presents a leaf other than the one its record
 * names (it rotated), and onto the peer's next address after a connection failure; it is closed
 * when the peer is dropped. Clients made on `gossip(…).getChannel()` stay valid throughout.
 */
export class PeerClients {
  private readonly entries = new Map<string, Entry>();
  private readonly proto = g2gProto();

  constructor(
    private readonly identity: grpc.experimental.CertificateProvider,
    private readonly channelOptions: grpc.ChannelOptions = {},
  ) {}

  /** The Gossip client for `endpoint`, creating its channel or recycling it onto a changed endpoint. */
  gossip(endpoint: PeerEndpoint): GossipClient {
    let entry = this.entries.get(endpoint.nodeId);
    if (entry && !sameEndpoint(entry.endpoint, endpoint)) {
      entry.endpoint = endpoint;
      entry.addressIndex = 0;
      entry.channel.recycle();
    }
    if (!entry) {
      const created: Entry = { endpoint, addressIndex: 0 } as Entry;
      created.channel = new RecyclingChannel(() => this.connect(created));
      created.client = new this.proto.g2g.v1.Gossip(created.channel.getTarget(), grpc.credentials.createInsecure(), { channelOverride: created.channel });
      this.entries.set(endpoint.nodeId, (entry = created));
    }
    return entry.client;
  }

  /** A TokenSync client sharing the peer's channel. */
  tokenSync(endpoint: PeerEndpoint): TokenSyncClient {
    this.gossip(endpoint);
    const entry = this.entries.get(endpoint.nodeId)!;
    entry.tokenSync ??= new this.proto.g2g.v1.TokenSync(entry.channel.getTarget(), grpc.credentials.createInsecure(), { channelOverride: entry.channel });
    return entry.tokenSync;
  }

  /** A client of the gossip channel service (g2g.v1.Channel) sharing the peer's channel. */
  channel(endpoint: PeerEndpoint): ChannelClient {
    this.gossip(endpoint);
    const entry = this.entries.get(endpoint.nodeId)!;
    entry.gossipChannel ??= new this.proto.g2g.v1.Channel(entry.channel.getTarget(), grpc.credentials.createInsecure(), { channelOverride: entry.channel });
    return entry.gossipChannel;
  }

  /** The peer's current channel, if it has one (never creates one). */
  channelOf(nodeId: string): grpc.ChannelInterface | undefined {
    return this.entries.get(nodeId)?.client.getChannel();
  }

  /** After a failed call: the next call to this peer tries its next advertised address. */
  failed(nodeId: string): void {
    const entry = this.entries.get(nodeId);
    if (!entry || entry.endpoint.addresses.length < 2) return;
    entry.addressIndex = (entry.addressIndex + 1) % entry.endpoint.addresses.length;
    entry.channel.recycle();
  }

  /**
   * The peer's record names leaf `fingerprint` (e.g. it rotated): if our channel verified another
   * leaf, later calls open a fresh connection, so the new certificate is verified promptly
   * instead of when the old connection ages out. Returns whether it recycled.
   */
  leafChanged(nodeId: string, fingerprint: string): boolean {
    const entry = this.entries.get(nodeId);
    if (!entry || entry.verifiedLeaf === undefined || entry.verifiedLeaf === fingerprint) return false;
    entry.channel.recycle();
    return true;
  }

  /** Later calls to the peer open a fresh connection (running calls finish on the old one). */
  refresh(nodeId: string): void {
    this.entries.get(nodeId)?.channel.recycle();
  }

  /** The fingerprint of the leaf the peer presented at our channel's latest handshake. */
  verifiedLeaf(nodeId: string): string | undefined {
    return this.entries.get(nodeId)?.verifiedLeaf;
  }

  /** Closes the peer's channel (it left, was removed or declared dead) once its running calls end. */
  drop(nodeId: string): void {
    this.entries.get(nodeId)?.channel.drain();
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
    for (const entry of this.entries.values()) entry.channel.close();
    this.entries.clear();
  }

  private connect(entry: Entry): grpc.Channel {
    const { endpoint } = entry;
    const host = endpoint.addresses[entry.addressIndex] ?? '127.0.0.1';
    const address = `${host.includes(':') ? `[${host}]` : host}:${endpoint.gossipPort}`;
    const target = { nodeId: endpoint.nodeId, caCertPem: endpoint.caCertPem, address };
    const onVerified = (fingerprint: string) => {
      if (this.entries.get(endpoint.nodeId) === entry) entry.verifiedLeaf = fingerprint;
    };
    return new grpc.Channel(address, peerChannelCredentials(target, this.identity, onVerified), peerChannelOptions(target, this.channelOptions));
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
