// Original file: proto/g2g/v1/admin.proto

import type { NodeMode as _g2g_v1_NodeMode, NodeMode__Output as _g2g_v1_NodeMode__Output } from '../../g2g/v1/NodeMode';
import type { LeafInfo as _g2g_v1_LeafInfo, LeafInfo__Output as _g2g_v1_LeafInfo__Output } from '../../g2g/v1/LeafInfo';
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
}
