// Original file: proto/g2g/v1/gossip.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A heartbeat advance of a record the receiver already holds at `version`, signed by its owner.
 */
export interface Heartbeat {
  'nodeId'?: (string);
  'version'?: (number | string | Long);
  'heartbeat'?: (number | string | Long);
  /**
   * NodeRecord.heartbeat_signature for (node_id, version, heartbeat).
   */
  'signature'?: (Buffer | Uint8Array | string);
}

/**
 * A heartbeat advance of a record the receiver already holds at `version`, signed by its owner.
 */
export interface Heartbeat__Output {
  'nodeId': (string);
  'version': (number);
  'heartbeat': (number);
  /**
   * NodeRecord.heartbeat_signature for (node_id, version, heartbeat).
   */
  'signature': (Buffer);
}
