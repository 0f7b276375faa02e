// Original file: proto/g2g/v1/node.proto

import type { NodeMode as _g2g_v1_NodeMode, NodeMode__Output as _g2g_v1_NodeMode__Output } from '../../g2g/v1/NodeMode';
import type { LeafInfo as _g2g_v1_LeafInfo, LeafInfo__Output as _g2g_v1_LeafInfo__Output } from '../../g2g/v1/LeafInfo';
import type { Tag as _g2g_v1_Tag, Tag__Output as _g2g_v1_Tag__Output } from '../../g2g/v1/Tag';
import type { CaEndorsement as _g2g_v1_CaEndorsement, CaEndorsement__Output as _g2g_v1_CaEndorsement__Output } from '../../g2g/v1/CaEndorsement';
import type { Long } from '@grpc/proto-loader';

/**
 * Everything a peer needs to know to reach and trust a node.
 */
export interface NodeRecord {
  /**
   * Derived from the node CA's public key; cannot be claimed without that key.
   */
  'nodeId'?: (string);
  'cluster'?: (string);
  'mode'?: (_g2g_v1_NodeMode);
  /**
   * Broadcast addresses (IPs or host names), one per reachable interface.
   */
  'addresses'?: (string)[];
  'registerPort'?: (number);
  'gossipPort'?: (number);
  /**
   * The node CA certificate (PEM). Peers trust the node through it.
   */
  'caCertPem'?: (string);
  'leaf'?: (_g2g_v1_LeafInfo | null);
  /**
   * Bumped by the owner on every change of this record.
   */
  'version'?: (number | string | Long);
  /**
   * Bumped by the owner every interval: proof that its processing loop runs.
   */
  'heartbeat'?: (number | string | Long);
  /**
   * Well-known addresses (e.g. a Kubernetes Service) this node joins periodically.
   */
  'services'?: (string)[];
  'tags'?: (_g2g_v1_Tag)[];
  /**
   * The wire protocol version the node speaks.
   */
  'protocolVersion'?: (number);
  /**
   * The owner's signature (node CA key) over every field above except heartbeat, plus `left`:
   * a record for X can only come from X. Canonical bytes: src/membership/node-record.ts.
   */
  'signature'?: (Buffer | Uint8Array | string);
  /**
   * The owner's signature over (node_id, version, heartbeat), renewed every interval, so that
   * relays can pass heartbeats on without being able to forge or advance them.
   */
  'heartbeatSignature'?: (Buffer | Uint8Array | string);
  /**
   * Set (with a version bump) by an owner that leaves gracefully: peers drop it at once.
   */
  'left'?: (boolean);
  /**
   * After a node-CA rotation: every CA certificate the node has had, oldest first; the first's key
   * derives node_id, each later one is endorsed by the key of the one before, the last is
   * ca_cert_pem. Empty when the CA never rotated (src/identity/ca-lineage.ts).
   */
  'caLineage'?: (_g2g_v1_CaEndorsement)[];
  /**
   * The CA before ca_cert_pem, still trusted (bundle and pins) during the rotation's grace period.
   */
  'previousCaCertPem'?: (string);
}

/**
 * Everything a peer needs to know to reach and trust a node.
 */
export interface NodeRecord__Output {
  /**
   * Derived from the node CA's public key; cannot be claimed without that key.
   */
  'nodeId': (string);
  'cluster': (string);
  'mode': (_g2g_v1_NodeMode__Output);
  /**
   * Broadcast addresses (IPs or host names), one per reachable interface.
   */
  'addresses': (string)[];
  'registerPort': (number);
  'gossipPort': (number);
  /**
   * The node CA certificate (PEM). Peers trust the node through it.
   */
  'caCertPem': (string);
  'leaf': (_g2g_v1_LeafInfo__Output | null);
  /**
   * Bumped by the owner on every change of this record.
   */
  'version': (number);
  /**
   * Bumped by the owner every interval: proof that its processing loop runs.
   */
  'heartbeat': (number);
  /**
   * Well-known addresses (e.g. a Kubernetes Service) this node joins periodically.
   */
  'services': (string)[];
  'tags': (_g2g_v1_Tag__Output)[];
  /**
   * The wire protocol version the node speaks.
   */
  'protocolVersion': (number);
  /**
   * The owner's signature (node CA key) over every field above except heartbeat, plus `left`:
   * a record for X can only come from X. Canonical bytes: src/membership/node-record.ts.
   */
  'signature': (Buffer);
  /**
   * The owner's signature over (node_id, version, heartbeat), renewed every interval, so that
   * relays can pass heartbeats on without being able to forge or advance them.
   */
  'heartbeatSignature': (Buffer);
  /**
   * Set (with a version bump) by an owner that leaves gracefully: peers drop it at once.
   */
  'left': (boolean);
  /**
   * After a node-CA rotation: every CA certificate the node has had, oldest first; the first's key
   * derives node_id, each later one is endorsed by the key of the one before, the last is
   * ca_cert_pem. Empty when the CA never rotated (src/identity/ca-lineage.ts).
   */
  'caLineage': (_g2g_v1_CaEndorsement__Output)[];
  /**
   * The CA before ca_cert_pem, still trusted (bundle and pins) during the rotation's grace period.
   */
  'previousCaCertPem': (string);
}
