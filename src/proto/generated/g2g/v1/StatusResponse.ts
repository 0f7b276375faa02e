// Original file: proto/g2g/v1/admin.proto

import type { NodeMode as _g2g_v1_NodeMode, NodeMode__Output as _g2g_v1_NodeMode__Output } from '../../g2g/v1/NodeMode';
import type { LeafInfo as _g2g_v1_LeafInfo, LeafInfo__Output as _g2g_v1_LeafInfo__Output } from '../../g2g/v1/LeafInfo';
import type { Tag as _g2g_v1_Tag, Tag__Output as _g2g_v1_Tag__Output } from '../../g2g/v1/Tag';
import type { Long } from '@grpc/proto-loader';

export interface StatusResponse {
  'nodeId'?: (string);
  'cluster'?: (string);
  'mode'?: (_g2g_v1_NodeMode);
  'addresses'?: (string)[];
  'registerPort'?: (number);
  'gossipPort'?: (number);
  'leaf'?: (_g2g_v1_LeafInfo | null);
  /**
   * "sha256:<hex>" of the node CA certificate: what a join ticket pins.
   */
  'caFingerprint'?: (string);
  'uptimeMs'?: (number | string | Long);
  /**
   * Fully-qualified names of the services on the gossip port.
   */
  'services'?: (string)[];
  'version'?: (string);
  /**
   * Leaf renewals since start, and renewal failures.
   */
  'rotations'?: (number | string | Long);
  'rotationFailures'?: (number | string | Long);
  /**
   * Who is asking, as this node authorised the call ("member:<id>" or "operator:<name>").
   */
  'caller'?: (string);
  /**
   * The plain health port, or 0 when disabled.
   */
  'healthPort'?: (number);
  'metricsPort'?: (number);
  /**
   * Why the last renewal failed, if it did.
   */
  'lastRotationError'?: (string);
  /**
   * Renewal failures since the last leaf was installed (0: the last attempt succeeded).
   */
  'consecutiveRotationFailures'?: (number | string | Long);
  /**
   * When the next renewal (or retry) is due, milliseconds since the Unix epoch; 0 if none.
   */
  'nextRenewalUnixMs'?: (number | string | Long);
  /**
   * Expiry safety: the leaf is within `expiry_margin_ms` of its expiry and renewal has not
   * succeeded, so it is no longer offered on new connections and health is NOT_SERVING.
   */
  'leafExpiring'?: (boolean);
  /**
   * How long before expiry an unrenewed leaf is withdrawn (the node's maxConnectionAge).
   */
  'expiryMarginMs'?: (number | string | Long);
  /**
   * During a node-CA rotation's grace period: the previous CA, still trusted; empty otherwise.
   */
  'previousCaFingerprint'?: (string);
  /**
   * Expiry of the node CA (it rotates automatically before), ms since the Unix epoch.
   */
  'caNotAfterUnixMs'?: (number | string | Long);
  /**
   * The tags of this node's record: its name (g2g.name), software version (g2g.version) and the
   * operator's tags (G2G_TAGS).
   */
  'tags'?: (_g2g_v1_Tag)[];
  /**
   * Set when a member removed this node from the network (`g2g remove`): who, and when (the
   * remover's clock, ms since the Unix epoch). Health is NOT_SERVING from then on.
   */
  'removedBy'?: (string);
  'removedAtUnixMs'?: (number | string | Long);
}

export interface StatusResponse__Output {
  'nodeId': (string);
  'cluster': (string);
  'mode': (_g2g_v1_NodeMode__Output);
  'addresses': (string)[];
  'registerPort': (number);
  'gossipPort': (number);
  'leaf': (_g2g_v1_LeafInfo__Output | null);
  /**
   * "sha256:<hex>" of the node CA certificate: what a join ticket pins.
   */
  'caFingerprint': (string);
  'uptimeMs': (number);
  /**
   * Fully-qualified names of the services on the gossip port.
   */
  'services': (string)[];
  'version': (string);
  /**
   * Leaf renewals since start, and renewal failures.
   */
  'rotations': (number);
  'rotationFailures': (number);
  /**
   * Who is asking, as this node authorised the call ("member:<id>" or "operator:<name>").
   */
  'caller': (string);
  /**
   * The plain health port, or 0 when disabled.
   */
  'healthPort': (number);
  'metricsPort': (number);
  /**
   * Why the last renewal failed, if it did.
   */
  'lastRotationError': (string);
  /**
   * Renewal failures since the last leaf was installed (0: the last attempt succeeded).
   */
  'consecutiveRotationFailures': (number);
  /**
   * When the next renewal (or retry) is due, milliseconds since the Unix epoch; 0 if none.
   */
  'nextRenewalUnixMs': (number);
  /**
   * Expiry safety: the leaf is within `expiry_margin_ms` of its expiry and renewal has not
   * succeeded, so it is no longer offered on new connections and health is NOT_SERVING.
   */
  'leafExpiring': (boolean);
  /**
   * How long before expiry an unrenewed leaf is withdrawn (the node's maxConnectionAge).
   */
  'expiryMarginMs': (number);
  /**
   * During a node-CA rotation's grace period: the previous CA, still trusted; empty otherwise.
   */
  'previousCaFingerprint': (string);
  /**
   * Expiry of the node CA (it rotates automatically before), ms since the Unix epoch.
   */
  'caNotAfterUnixMs': (number);
  /**
   * The tags of this node's record: its name (g2g.name), software version (g2g.version) and the
   * operator's tags (G2G_TAGS).
   */
  'tags': (_g2g_v1_Tag__Output)[];
  /**
   * Set when a member removed this node from the network (`g2g remove`): who, and when (the
   * remover's clock, ms since the Unix epoch). Health is NOT_SERVING from then on.
   */
  'removedBy': (string);
  'removedAtUnixMs': (number);
}
