// Original file: proto/g2g/v1/admin.proto

import type { NodeMode as _g2g_v1_NodeMode, NodeMode__Output as _g2g_v1_NodeMode__Output } from '../../g2g/v1/NodeMode';
import type { MemberState as _g2g_v1_MemberState, MemberState__Output as _g2g_v1_MemberState__Output } from '../../g2g/v1/MemberState';
import type { LeafInfo as _g2g_v1_LeafInfo, LeafInfo__Output as _g2g_v1_LeafInfo__Output } from '../../g2g/v1/LeafInfo';
import type { Tag as _g2g_v1_Tag, Tag__Output as _g2g_v1_Tag__Output } from '../../g2g/v1/Tag';
import type { Long } from '@grpc/proto-loader';

/**
 * One peer as this node sees it.
 */
export interface MemberInfo {
  'nodeId'?: (string);
  'mode'?: (_g2g_v1_NodeMode);
  'addresses'?: (string)[];
  'state'?: (_g2g_v1_MemberState);
  /**
   * When this node last saw the peer's heartbeat advance (this node's clock).
   */
  'lastHeardUnixMs'?: (number | string | Long);
  'version'?: (number | string | Long);
  'heartbeat'?: (number | string | Long);
  'leaf'?: (_g2g_v1_LeafInfo | null);
  /**
   * Who first suspected it, and when (this node's clock); empty when not suspected.
   */
  'suspectedBy'?: (string);
  'suspectedAtUnixMs'?: (number | string | Long);
  /**
   * The heartbeat limit this node applies to the peer (failure detection).
   */
  'limitMs'?: (number);
  'registerPort'?: (number);
  'gossipPort'?: (number);
  /**
   * What its record advertises: well-known addresses it joins through (host:port) and the
   * plugin services it runs (package.Service).
   */
  'services'?: (string)[];
  /**
   * "sha256:<hex>" of the leaf the peer presented at the latest handshake of this node's pooled
   * channel to it: equal to `leaf.fingerprint` once this node has verified the peer's current
   * leaf; empty while it has no connection to it.
   */
  'verifiedLeafFingerprint'?: (string);
  /**
   * "sha256:<hex>" of its node CA, and during a CA rotation's grace period of the previous one
   * (still trusted); the node id stays the same across CA rotations.
   */
  'caFingerprint'?: (string);
  'previousCaFingerprint'?: (string);
  /**
   * The tags of its record: name (g2g.name), software version (g2g.version), operator tags.
   */
  'tags'?: (_g2g_v1_Tag)[];
}

/**
 * One peer as this node sees it.
 */
export interface MemberInfo__Output {
  'nodeId': (string);
  'mode': (_g2g_v1_NodeMode__Output);
  'addresses': (string)[];
  'state': (_g2g_v1_MemberState__Output);
  /**
   * When this node last saw the peer's heartbeat advance (this node's clock).
   */
  'lastHeardUnixMs': (number);
  'version': (number);
  'heartbeat': (number);
  'leaf': (_g2g_v1_LeafInfo__Output | null);
  /**
   * Who first suspected it, and when (this node's clock); empty when not suspected.
   */
  'suspectedBy': (string);
  'suspectedAtUnixMs': (number);
  /**
   * The heartbeat limit this node applies to the peer (failure detection).
   */
  'limitMs': (number);
  'registerPort': (number);
  'gossipPort': (number);
  /**
   * What its record advertises: well-known addresses it joins through (host:port) and the
   * plugin services it runs (package.Service).
   */
  'services': (string)[];
  /**
   * "sha256:<hex>" of the leaf the peer presented at the latest handshake of this node's pooled
   * channel to it: equal to `leaf.fingerprint` once this node has verified the peer's current
   * leaf; empty while it has no connection to it.
   */
  'verifiedLeafFingerprint': (string);
  /**
   * "sha256:<hex>" of its node CA, and during a CA rotation's grace period of the previous one
   * (still trusted); the node id stays the same across CA rotations.
   */
  'caFingerprint': (string);
  'previousCaFingerprint': (string);
  /**
   * The tags of its record: name (g2g.name), software version (g2g.version), operator tags.
   */
  'tags': (_g2g_v1_Tag__Output)[];
}
